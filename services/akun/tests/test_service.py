"""Below the API: signing keys across restarts and replicas, data at rest, the demo accounts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from akun import demo
from akun.models import Akun, SigningKey
from akun.service import Runtime
from akun.settings import Settings
from puja_kit.db import transaction
from puja_kit.testing.plugin import StartService
from sqlalchemy import func, select, text, update
from stdnum.id import nik as stdnum_nik

if TYPE_CHECKING:
    from conftest import AkunDriver

JWKS = "/api/akun/v1/.well-known/jwks.json"


async def age_signing_keys(akun: AkunDriver, days: int) -> None:
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        await session.execute(update(SigningKey).values(created_at=datetime.now(UTC) - timedelta(days=days)))


async def test_a_restart_after_the_rotation_period_brings_a_new_key(
    akun: AkunDriver, start_service: StartService
) -> None:
    await akun.register()
    before = (await akun.login(akun.NIK))["access_token"]
    await age_signing_keys(akun, days=29)
    same = await start_service("akun", settings=akun.svc.settings)
    assert [k["kid"] for k in (await same.client.get(JWKS)).json()["keys"]] == [akun.kid_of(before)]

    await age_signing_keys(akun, days=31)
    restarted = await start_service("akun", settings=akun.svc.settings)
    published = [k["kid"] for k in (await restarted.client.get(JWKS)).json()["keys"]]
    assert len(published) == 2
    assert published[1] == akun.kid_of(before)
    login = await restarted.client.post(
        "/api/akun/v1/login", json={"username": akun.NIK, "password": akun.PASSWORD}
    )
    assert akun.kid_of(login.json()["access_token"]) == published[0]
    assert (await restarted.client.get("/api/akun/v1/me", headers=akun.bearer(before))).status_code == 200


async def test_replicas_starting_together_agree_on_one_new_key(akun: AkunDriver) -> None:
    await age_signing_keys(akun, days=31)
    replicas = [Runtime.from_settings(akun.svc.settings) for _ in range(3)]

    async def start(runtime: Runtime) -> str:
        async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
            current, _ = await runtime.keys.rotate(session, force=False)
            return current.kid

    kids = await asyncio.gather(*(start(r) for r in replicas))
    assert len(set(kids)) == 1
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        assert await session.scalar(select(func.count()).select_from(SigningKey)) == 2


async def test_the_nik_is_not_stored_in_the_clear(akun: AkunDriver) -> None:
    assert (await akun.register()).status_code == 201
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        rows = (await session.execute(text("SELECT row_to_json(akun)::text FROM akun"))).scalars().all()
        keys = (await session.execute(text("SELECT private_key_sealed FROM signing_key"))).scalars().all()
    assert len(rows) == 1
    assert akun.NIK not in rows[0]
    assert all(key.startswith("gAAAAA") for key in keys)  # Fernet tokens, not raw keys


async def test_demo_accounts_are_made_once(akun: AkunDriver) -> None:
    assert stdnum_nik.is_valid(demo.NIK_WARGA)
    assert demo.NIK_WARGA.startswith("6308")
    await akun.announce_region("63.08", "perizinan", "kesehatan", "kependudukan")
    dev = akun.svc.settings.model_copy(update={"environment": "dev"})
    assert isinstance(dev, Settings)

    first: list[str] = []
    await demo.seed(dev, wait_seconds=10, report=first.append)
    assert [line.split()[0] for line in first] == ["demo-pusat", "demo-admin", "demo-warga", "demo-operator"]
    assert all("dibuat" in line for line in first)
    second: list[str] = []
    await demo.seed(dev, wait_seconds=10, report=second.append)
    assert all("sudah ada" in line for line in second)
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        assert await session.scalar(select(func.count()).select_from(Akun)) == 4

    for username in ("demo-warga", demo.NIK_WARGA):
        tokens = await akun.login(username, demo.PASSWORD)
    me = (await akun.me(tokens["access_token"])).json()
    assert me["nik"] == "6308********0001"
    operator = (await akun.me((await akun.login("demo-operator", demo.PASSWORD))["access_token"])).json()
    assert sorted(g["layanan"] for g in operator["grants"]) == ["kependudukan", "kesehatan", "perizinan"]
    assert {g["tenant"] for g in operator["grants"]} == {"63.08"}


async def test_demo_refuses_outside_dev_mode(akun: AkunDriver, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(demo.DemoRefused):
        await demo.seed(akun.svc.settings, wait_seconds=0)
    monkeypatch.setenv("PUJA_AKUN_ENVIRONMENT", "test")
    monkeypatch.setenv("PUJA_AKUN_DATABASE_URL", akun.svc.settings.database_url.get_secret_value())
    with pytest.raises(SystemExit, match="mode dev"):
        demo.main()
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        assert await session.scalar(select(func.count()).select_from(Akun)) == 0
