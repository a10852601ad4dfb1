"""Row-level security is closed by default: a region-owned row is seen only inside its region, or by
code that says it works across regions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from puja_kit.db import IdModel, TenantModel, service_registry, transaction
from puja_kit.events.catalog import LayananSettings, TenantLayananEnabled
from puja_kit.events.consumer import Consumer, ConsumerRunner
from puja_kit.events.envelope import Event
from puja_kit.rls import apply_tenant_policies, tenant_tables
from puja_kit.testing.plugin import eventually, publish
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel


class _Base(SQLModel, registry=service_registry()):
    pass


class Catatan(IdModel, TenantModel, _Base, table=True):
    __tablename__ = "catatan_uji"

    isi: str = Field(max_length=50)


class BukanMilikDaerah(IdModel, _Base, table=True):
    __tablename__ = "bukan_milik_daerah"


@pytest.fixture
async def db(kit_db: async_sessionmaker[AsyncSession]) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = kit_db.kw["bind"]
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
        applied = await conn.run_sync(lambda sync: apply_tenant_policies(sync, _Base.metadata))
    assert applied == ["catatan_uji", "warga_salinan"]
    async with transaction(kit_db, all_regions=True) as session:
        session.add_all([Catatan(tenant_id="63.08", isi="hulu"), Catatan(tenant_id="63.09", isi="tabalong")])
    yield kit_db


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Catatan)) or 0)


def test_only_tenant_model_tables_are_region_owned() -> None:
    assert [t.name for t in tenant_tables(_Base.metadata)] == ["catatan_uji"]


async def test_a_query_without_a_tenant_sees_no_region_owned_rows(
    db: async_sessionmaker[AsyncSession],
) -> None:
    async with db() as session:
        assert await count(session) == 0
        assert (await session.scalars(select(Catatan))).all() == []
    async with transaction(db, tenant="63.08") as session:
        assert [c.isi for c in (await session.scalars(select(Catatan))).all()] == ["hulu"]
    async with transaction(db, all_regions=True) as session:
        assert await count(session) == 2


async def test_a_write_without_its_tenant_is_refused_and_stores_nothing(
    db: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with transaction(db) as session:
            session.add(Catatan(tenant_id="63.08", isi="tanpa daerah"))
    with pytest.raises(DBAPIError, match="row-level security"):
        async with transaction(db, tenant="63.08") as session:
            session.add(Catatan(tenant_id="63.09", isi="daerah lain"))
    async with transaction(db, tenant="63.08") as session:
        # Another region's row cannot be changed from inside this one: it is not even there.
        result = await session.execute(
            text("UPDATE catatan_uji SET isi = 'diubah' WHERE tenant_id = '63.09'")
        )
        assert result.rowcount == 0  # type: ignore[attr-defined]
    async with transaction(db, all_regions=True) as session:
        assert sorted(c.isi for c in (await session.scalars(select(Catatan))).all()) == ["hulu", "tabalong"]


async def test_the_citizen_copy_is_region_owned_too(db: async_sessionmaker[AsyncSession]) -> None:
    async with db() as session:
        forced = await session.scalar(
            text("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'warga_salinan'")
        )
    assert forced is True


async def test_a_consumer_applies_a_regions_event_inside_that_region(
    db: async_sessionmaker[AsyncSession], bus: Any
) -> None:
    seen: list[list[str]] = []

    async def handler(session: AsyncSession, event: Event) -> None:
        seen.append([c.isi for c in (await session.scalars(select(Catatan))).all()])

    runner = ConsumerRunner("rls", [Consumer("lihat", "puja.tenant_registry.tenant.>", handler)], db, bus)
    runner.start()
    try:
        await publish(
            bus,
            "puja.tenant_registry.tenant.layanan_enabled",
            TenantLayananEnabled(
                kode="63.09",
                slug="kab-tabalong",
                nama="Kabupaten Tabalong",
                zona_waktu="WITA",
                layanan="kesehatan",
                settings=LayananSettings(),
            ),
            tenant="63.09",
        )

        async def applied() -> None:
            assert seen

        await eventually(applied)
    finally:
        await runner.stop()
    assert seen == [["tabalong"]]
