from puja_kit.settings import BaseServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_TRANTIBUMLINMAS_", extra="ignore")

    service_name: str = "trantibumlinmas"
