"""A driver for akun in tests: the running service, quick password hashing, accounts and regions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import jwt
import pytest
from akun.service import Runtime, create_account
from puja_kit.auth import Grant
from puja_kit.bus import Bus
from puja_kit.db import transaction
from puja_kit.errors import NotFound
from puja_kit.events.catalog import LayananSettings, TenantLayananEnabled, TenantUpdated
from puja_kit.testing.plugin import RunningService, StartService, publish

PASSWORD = "rahasia-sekali-123"
NIK = "6308051708900001"  # Amuntai Tengah, born 17-08-1990
NIK_2 = "6308055708900002"  # a woman (day + 40), same kecamatan
# Hashing cost is a production concern; tests only need the same behaviour, quickly.
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost": 64, "argon2_parallelism": 1}

REGIONS = {
    "63.08": ("kab-hulu-sungai-utara", "Kabupaten Hulu Sungai Utara"),
    "63.11": ("kab-balangan", "Kabupaten Balangan"),
}


async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 15) -> Any:
    """Poll `check` until it stops raising (AssertionError or a domain error) and return its value."""
    deadline = time.monotonic() + within
    while True:
        try:
            return await check()
        except (AssertionError, NotFound):
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.05)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def kid_of(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


@dataclass
class AkunDriver:
    """Test modules cannot import conftest (importlib mode), so the helpers travel on the driver."""

    svc: RunningService
    bus: Bus

    PASSWORD = PASSWORD
    NIK = NIK
    NIK_2 = NIK_2
    bearer = staticmethod(bearer)
    kid_of = staticmethod(kid_of)
    eventually = staticmethod(eventually)

    @property
    def client(self) -> httpx.AsyncClient:
        return self.svc.client

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.svc.app.state.runtime
        return runtime

    async def register(self, **fields: Any) -> httpx.Response:
        body = {"nik": NIK, "nama": "Siti Aminah", "email": "siti@example.com", "password": PASSWORD}
        body.update(fields)
        return await self.client.post(
            "/api/akun/v1/register", json={k: v for k, v in body.items() if v is not None}
        )

    async def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        response = await self.client.post(
            "/api/akun/v1/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens

    async def me(self, access_token: str) -> httpx.Response:
        return await self.client.get("/api/akun/v1/me", headers=bearer(access_token))

    async def make_account(self, username: str, *grants: Grant, tenant_id: str | None = None) -> UUID:
        """An account made through the service layer, as an admin or the demo would."""
        async with transaction(self.svc.sessionmaker, all_regions=True) as session:
            akun = await create_account(
                session,
                self.runtime,
                nama=username.replace("-", " ").title(),
                password=PASSWORD,
                grants=grants,
                username=username,
                tenant_id=tenant_id,
            )
        return akun.id

    async def token_for(self, username: str, *grants: Grant, tenant_id: str | None = None) -> str:
        await self.make_account(username, *grants, tenant_id=tenant_id)
        return str((await self.login(username))["access_token"])

    async def announce_region(self, kode: str, *layanan: str) -> None:
        """The registry's events for an onboarded region, applied by akun's consumer."""
        slug, nama = REGIONS[kode]
        ref = {"kode": kode, "slug": slug, "nama": nama, "zona_waktu": "WITA"}
        await publish(
            self.bus,
            "puja.tenant_registry.tenant.updated",
            TenantUpdated(**ref, aktif=True, layanan=[]),
            tenant=kode,
        )
        for name in layanan:
            await publish(
                self.bus,
                "puja.tenant_registry.tenant.layanan_enabled",
                TenantLayananEnabled(**ref, layanan=name, settings=LayananSettings()),
                tenant=kode,
            )
        tenants = self.svc.app.state.tenants
        await eventually(lambda: tenants.region(slug))
        for name in layanan:
            await eventually(lambda name=name: tenants.get(slug, name))  # type: ignore[misc]


StartAkun = Callable[..., Awaitable[AkunDriver]]


@pytest.fixture
def start_akun(start_service: StartService, bus: Bus) -> StartAkun:
    async def start(**overrides: Any) -> AkunDriver:
        svc = await start_service("akun", **{**FAST_HASHING, **overrides})
        return AkunDriver(svc, bus)

    return start


@pytest.fixture
async def akun(start_akun: StartAkun) -> AkunDriver:
    return await start_akun()
