from pathlib import Path

from puja_kit.settings import BaseServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_KEPENDUDUKAN_", extra="ignore")

    service_name: str = "kependudukan"
    storage_dir: Path = Path(".data/uploads/kependudukan")
    # The body limit stays the platform's (catalog.toml max_body_mib): an uploaded population file goes
    # through the API up to that size; bigger files use the command line.
