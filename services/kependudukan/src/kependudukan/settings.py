from pathlib import Path

from puja_kit.settings import BaseServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_KEPENDUDUKAN_", extra="ignore")

    service_name: str = "kependudukan"
    storage_dir: Path = Path(".data/uploads/kependudukan")
    # An uploaded population file goes through the API up to this size; bigger files use the command line.
    max_body_bytes: int = 12 * 1024 * 1024
