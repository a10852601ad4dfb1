from puja_kit.settings import BaseServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_PORTAL_", extra="ignore")

    service_name: str = "portal"
    # The gateway's internal entrypoint (puja_kit.gateway.INTERNAL_ENTRYPOINT): the portal calls every
    # service through it, with the person's token and address.
    gateway_url: str = "http://127.0.0.1:8081"
    # A signed-in session lasts this long without use; signing in again starts a new one.
    session_idle_days: int = Field(14, ge=1, le=90)
    # How long a form's CSRF token stays valid: a draft filled offline may be sent days later.
    csrf_max_age_days: int = Field(7, ge=1, le=30)
    # Seconds to wait for a service before the page says it cannot be reached.
    backend_timeout_seconds: float = Field(15, gt=0, le=120)

    @property
    def cookie_secure(self) -> bool:
        """Secure cookies everywhere but in development, where the gateway speaks plain HTTP."""
        return not self.is_dev
