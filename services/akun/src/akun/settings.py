from __future__ import annotations

from puja_kit.settings import BaseServiceSettings
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_AKUN_", extra="ignore")

    service_name: str = "akun"
    refresh_token_days: int = Field(30, ge=1, le=365)
    key_rotation_days: int = Field(30, ge=1, le=365)
    # How long a replica trusts what it read about signing keys (akun's verifier and signer caches):
    # a key withdrawn by any replica stops verifying here within this time.
    key_cache_seconds: float = Field(30, gt=0, le=90)
    # Failed logins slow the address that fails, never lock the account (docs/platform.md, Identity).
    # Wrong passwords for one account from one address before that address waits; each further one
    # doubles the wait, from login_delay_seconds up to login_delay_max_seconds.
    login_pair_failures: int = Field(5, ge=1, le=100)
    login_delay_seconds: int = Field(30, ge=1, le=3600)
    login_delay_max_seconds: int = Field(3600, ge=1, le=24 * 3600)
    # Failures for one account from every address: past this, an address the account never logged in
    # from waits after login_new_address_failures wrong passwords instead of login_pair_failures.
    login_account_failures: int = Field(20, ge=1, le=10_000)
    login_new_address_failures: int = Field(1, ge=1, le=100)
    # Both counts above start again this long after their first failure.
    login_window_hours: int = Field(24, ge=1, le=24 * 30)
    # Failures from one address for all accounts (many people share one carrier-NAT address, so this
    # is generous): past it, that address waits until its window ends, except for the accounts that
    # logged in from it before.
    login_address_failures: int = Field(300, ge=1, le=1_000_000)
    login_address_window_minutes: int = Field(15, ge=1, le=24 * 60)
    # An address where an account logged in is "known" for the account this long.
    login_known_address_days: int = Field(90, ge=1, le=365)
    # RFC 9106's second recommended profile, argon2-cffi's own default: 64 MiB, 3 passes.
    argon2_time_cost: int = Field(3, ge=1)
    argon2_memory_cost: int = Field(65536, ge=8, description="KiB")
    argon2_parallelism: int = Field(4, ge=1)
    # Each hash holds argon2_memory_cost of memory: bound how many run at once.
    argon2_max_concurrent: int = Field(4, ge=1)

    @model_validator(mode="after")
    def _waits_end_within_the_window(self) -> Settings:
        if self.login_delay_max_seconds > self.login_window_hours * 3600:
            raise ValueError("login_delay_max_seconds harus lebih pendek dari login_window_hours")
        if self.login_delay_seconds > self.login_delay_max_seconds:
            raise ValueError("login_delay_seconds tidak boleh melebihi login_delay_max_seconds")
        return self

    @model_validator(mode="after")
    def _argon2_memory_fits_lanes(self) -> Settings:
        if self.argon2_memory_cost < 8 * self.argon2_parallelism:
            raise ValueError("argon2_memory_cost harus paling sedikit 8 x argon2_parallelism (KiB)")
        return self
