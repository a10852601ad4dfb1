from pathlib import Path

from puja_kit.settings import BaseServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_PEKERJAAN_UMUM_", extra="ignore")

    service_name: str = "pekerjaan_umum"
    # Report photos (LocalStorage); never in the database.
    storage_dir: Path = Path(".data/uploads/pekerjaan_umum")
    # A photo may be 5 MB; the multipart envelope around it needs a little more.
    max_body_bytes: int = 6 * 1024 * 1024
    # How often answered reports past their auto-close time are closed (seconds).
    tutup_otomatis_detik: float = 900.0
