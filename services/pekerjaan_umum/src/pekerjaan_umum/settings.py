from pathlib import Path

from puja_kit.settings import LaporanSettings
from pydantic_settings import SettingsConfigDict


class Settings(LaporanSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_PEKERJAAN_UMUM_", extra="ignore")

    service_name: str = "pekerjaan_umum"
    # Report photos (LocalStorage); never in the database.
    storage_dir: Path = Path(".data/uploads/pekerjaan_umum")
