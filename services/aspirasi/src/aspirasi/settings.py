from pathlib import Path

from puja_kit.settings import LaporanSettings
from pydantic_settings import SettingsConfigDict


class Settings(LaporanSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_ASPIRASI_", extra="ignore")

    service_name: str = "aspirasi"
    # Photos attached to aspirations (LocalStorage); never in the database.
    storage_dir: Path = Path(".data/uploads/aspirasi")
