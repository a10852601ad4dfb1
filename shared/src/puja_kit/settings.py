"""Settings shared by every service. Each service subclasses with its own env prefix (PUJA_<NAME>_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from puja_kit.catalog import load_catalog

PLACEHOLDER_SECRET = "ubah-rahasia-ini"

Environment = Literal["dev", "test", "production"]


def platform_max_body_bytes() -> int:
    """The catalog's `max_body_mib`: what the gateway lets through, so what a service takes at most."""
    return load_catalog().max_body_bytes


class BaseServiceSettings(BaseSettings):
    """Everything a kit-built service needs; a service adds its own fields in a subclass."""

    model_config = SettingsConfigDict(env_prefix="PUJA_", extra="ignore")

    service_name: str = ""
    environment: Environment = "production"
    database_url: SecretStr = SecretStr(f"postgresql+psycopg://puja:{PLACEHOLDER_SECRET}@127.0.0.1:5432/puja")
    database_pool_size: int = 5
    nats_url: str = "nats://127.0.0.1:4222"
    # Tests give each service a namespace of its own on one NATS server; empty in real deployments.
    subject_prefix: str = ""
    jwks_url: str = "http://127.0.0.1:8102/api/akun/v1/.well-known/jwks.json"
    # The key set is re-read at least this often, so a key akun withdrew stops verifying here by then.
    jwks_refresh_seconds: float = Field(300, gt=0, le=3600)
    token_issuer: str = "puja-indah/akun"
    token_audience: str = "puja-indah"
    access_token_minutes: int = 15
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    # A service may lower it (perizinan's uploads), never raise it: the gateway would refuse first.
    max_body_bytes: int = Field(default_factory=platform_max_body_bytes)
    relay_interval_seconds: float = 1.0
    consumer_max_deliver: int = 5
    otel_exporter_otlp_endpoint: str | None = None
    log_level: str = "INFO"
    run_background: bool = True
    # Who may say who the client is: X-Forwarded-For is believed only when the connection comes from
    # one of these (addresses or networks, comma-separated; "" trusts nobody). Set it to the gateway's
    # addresses; the client is the rightmost address of the header that is not itself one of these.
    trusted_proxies: str = "127.0.0.1,::1"
    # Where a service that takes files (documents, photos) keeps them: `create_service_app` opens a
    # LocalStorage there as `app.state.storage` (puja_kit.storage.StorageDep). None: it takes no files.
    storage_dir: Path | None = None

    @property
    def is_dev(self) -> bool:
        return self.environment == "dev"

    @model_validator(mode="after")
    def _within_the_platform_body_limit(self) -> BaseServiceSettings:
        ceiling = platform_max_body_bytes()
        if self.max_body_bytes > ceiling:
            raise ValueError(
                f"max_body_bytes {self.max_body_bytes} melebihi batas platform {ceiling} bita "
                "(max_body_mib di catalog.toml); gateway akan menolaknya lebih dulu"
            )
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> BaseServiceSettings:
        if self.environment == "production":
            for name in ("secret_key", "database_url"):
                value = getattr(self, name).get_secret_value()
                if PLACEHOLDER_SECRET in value:
                    raise ValueError(
                        f"{name} masih memakai nilai bawaan; atur rahasia yang sebenarnya di luar mode dev"
                    )
        return self


class LaporanSettings(BaseServiceSettings):
    """A report layanan's settings (puja_kit.workflow.laporan): photos, and the auto-close sweep."""

    # A photo may be 5 MB; the multipart envelope around it needs a little more.
    max_body_bytes: int = 6 * 1024 * 1024
    # How often answered reports past their auto-close time are closed (seconds).
    tutup_otomatis_detik: float = 900.0
