from __future__ import annotations

from puja_kit.settings import BaseServiceSettings
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_AKUN_", extra="ignore")

    service_name: str = "akun"
    refresh_token_days: int = Field(30, ge=1, le=365)
    key_rotation_days: int = Field(30, ge=1, le=365)
    lockout_threshold: int = Field(5, ge=1, le=100)
    lockout_minutes: int = Field(15, ge=1, le=24 * 60)
    # RFC 9106's second recommended profile, argon2-cffi's own default: 64 MiB, 3 passes.
    argon2_time_cost: int = Field(3, ge=1)
    argon2_memory_cost: int = Field(65536, ge=8, description="KiB")
    argon2_parallelism: int = Field(4, ge=1)
    # Each hash holds argon2_memory_cost of memory: bound how many run at once.
    argon2_max_concurrent: int = Field(4, ge=1)

    @model_validator(mode="after")
    def _argon2_memory_fits_lanes(self) -> Settings:
        if self.argon2_memory_cost < 8 * self.argon2_parallelism:
            raise ValueError("argon2_memory_cost harus paling sedikit 8 x argon2_parallelism (KiB)")
        return self
