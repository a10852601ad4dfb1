from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from puja_kit.db import make_engine, make_sessionmaker
from puja_kit.migrations import KIT_TABLES, WARGA_TABLES
from puja_kit.testing.plugin import Infra
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_n = itertools.count(1)


@pytest.fixture
async def kit_db(puja_infra: Infra) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A fresh database holding the kit's tables, plus `applied` for handlers' side effects."""
    url = puja_infra.postgres.ensure_database(f"kit_{next(_n)}", "kit-test-pw")
    engine = make_engine(url, pool_size=4)
    async with engine.begin() as conn:
        for model in [*KIT_TABLES, *WARGA_TABLES]:
            await conn.run_sync(model.__table__.create)  # type: ignore[attr-defined]
        await conn.execute(text("CREATE TABLE applied (event_id text NOT NULL, note text)"))
    yield make_sessionmaker(engine)
    await engine.dispose()
