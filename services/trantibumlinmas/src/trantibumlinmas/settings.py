from pathlib import Path

from puja_kit.settings import LaporanSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(LaporanSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_TRANTIBUMLINMAS_", extra="ignore")

    service_name: str = "trantibumlinmas"
    # An area whose linmas posts have not acknowledged a warning this many minutes after it was sent
    # stands out on the staff's board and in GET .../senyap.
    senyap_menit: int = Field(30, ge=0, le=24 * 60)
    # How long phones and proxies may keep the public feeds before asking again (with If-None-Match).
    feed_max_age_detik: int = Field(60, ge=0, le=3600)
    # Report photos (LocalStorage); never in the database.
    storage_dir: Path = Path(".data/uploads/trantibumlinmas")
