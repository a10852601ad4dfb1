from pathlib import Path

from puja_kit.settings import BaseServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_ASPIRASI_", extra="ignore")

    service_name: str = "aspirasi"
    # Photos attached to aspirations (LocalStorage); never in the database.
    storage_dir: Path = Path(".data/uploads/aspirasi")
    # A photo may be 5 MB; the multipart envelope around it needs a little more.
    max_body_bytes: int = 6 * 1024 * 1024
    # How often answered aspirations past their auto-close time are closed (seconds).
    tutup_otomatis_detik: float = 900.0
