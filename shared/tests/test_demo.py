"""The demo runner: dev mode only, refusing before it touches the database, with the reason given."""

from __future__ import annotations

import pytest
from puja_kit.demo import DemoRefused, run_demo, seed_demo
from puja_kit.settings import BaseServiceSettings
from puja_kit.testing.plugin import Infra
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# Nothing listens here: a refused demo must not even try to connect.
UNREACHABLE = "postgresql+psycopg://puja:rahasia@127.0.0.1:9/tidak_ada"


def settings_for(environment: str, database_url: str = UNREACHABLE) -> BaseServiceSettings:
    return BaseServiceSettings(
        service_name="contoh",
        environment=environment,
        database_url=database_url,
        secret_key="rahasia-uji",
    )


async def test_a_demo_outside_dev_mode_is_refused_and_makes_nothing() -> None:
    seeded: list[object] = []

    async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        seeded.append(sessionmaker)

    for environment in ("test", "production"):
        with pytest.raises(DemoRefused, match="mode dev"):
            await seed_demo(settings_for(environment), seed)
        with pytest.raises(SystemExit, match=r"contoh\.demo: .*PUJA_ENVIRONMENT=dev"):
            run_demo(settings_for(environment), seed)
    assert seeded == []


async def test_a_demo_in_dev_mode_seeds_the_services_database(puja_infra: Infra) -> None:
    url = puja_infra.postgres.ensure_database("kit_demo", "kit-test-pw")
    seen: list[int] = []

    async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        async with sessionmaker() as session:
            seen.append(int(await session.scalar(text("SELECT 1")) or 0))

    await seed_demo(settings_for("dev", url), seed)
    assert seen == [1]
