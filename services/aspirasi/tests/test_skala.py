"""At a region's scale: the public agenda is a keyset page read in index order at thousands of items, and
the demo seeds the demo region's DPRD once."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aspirasi import demo
from aspirasi.repository import AgendaRepository
from aspirasi.settings import Settings
from puja_kit.db import transaction, utcnow
from puja_kit.demo import seed_demo
from puja_kit.repository import CursorParams, RepositoryBase, encode_cursor
from puja_kit.testing.layanan import LayananDriver
from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.sql import Select

ROWS = 20_000


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(n for child in plan.get("Plans", []) for n in _nodes(child))]


async def test_the_agenda_pages_read_the_index_in_order_at_20k_items(layanan: LayananDriver) -> None:
    x, sm = layanan.x.kode, layanan.svc.sessionmaker
    async with transaction(sm, all_regions=True) as session:
        await session.execute(
            text(
                """INSERT INTO agenda (id, tenant_id, jenis, judul, tempat, mulai, selesai, status,
                    created_at, updated_at)
                SELECT gen_random_uuid(), CASE WHEN g % 10 = 0 THEN :y ELSE :x END, 'RDP', 'RDP ' || g,
                    'Gedung DPRD', now() + (g - :n / 2) * interval '1 hour',
                    now() + (g - :n / 2) * interval '1 hour' + interval '2 hours', 'TERJADWAL', now(), now()
                FROM generate_series(1, :n) AS g"""
            ),
            {"x": x, "y": layanan.y.kode, "n": ROWS},
        )
    vacuum = create_async_engine(sm.kw["bind"].url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with vacuum.connect() as connection:
        await connection.execute(text("VACUUM (ANALYZE) agenda"))
    await vacuum.dispose()

    async def plan(stmt: Select[Any]) -> list[dict[str, Any]]:
        async with transaction(sm, tenant=x) as session:
            connection = await session.connection()
            compiled = stmt.compile(dialect=connection.dialect)
            driver = (await connection.get_raw_connection()).driver_connection
            async with driver.cursor() as cursor:
                await cursor.execute(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
                row = await cursor.fetchone()
        found = json.loads(row[0]) if isinstance(row[0], str) else row[0]
        return _nodes(found[0]["Plan"])

    now = utcnow()
    async with sm() as session:
        repo = AgendaRepository(session, x)
        upcoming = repo.listing(mendatang=True, now=now, jenis=None, status=None)
        past = repo.listing(mendatang=False, now=now, jenis=None, status=None)
        deep = RepositoryBase.page_statement(
            upcoming,
            CursorParams(
                cursor=encode_cursor([now + timedelta(days=200), "00000000-0000-0000-0000-000000000000"])
            ),
        )
    for stmt in (
        RepositoryBase.page_statement(upcoming, CursorParams()),
        deep,
        RepositoryBase.page_statement(past, CursorParams()),
    ):
        nodes = await plan(stmt)
        kinds = [n["Node Type"] for n in nodes]
        assert "Seq Scan" not in kinds and "Sort" not in kinds, kinds
        assert "ix_agenda_daerah_mulai" in [n.get("Index Name") for n in nodes], nodes

    first = (await layanan.client.get(layanan.url("/agenda"), params={"limit": 100})).json()
    assert len(first["items"]) == 100 and first["next_cursor"]
    assert all(a["selesai"] >= now.isoformat()[:10] for a in first["items"])
    starts = [a["mulai"] for a in first["items"]]
    assert starts == sorted(starts)


async def test_the_demo_seeds_the_dprd_of_hulu_sungai_utara_once(layanan: LayananDriver) -> None:
    settings = layanan.svc.settings.model_copy(update={"environment": "dev"})
    assert isinstance(settings, Settings)
    await seed_demo(settings, demo.seed)
    await seed_demo(settings, demo.seed)

    assert (await layanan.client.get(layanan.url("/fraksi"))).json()["total"] == 3
    komisi = (await layanan.client.get(layanan.url("/komisi"))).json()
    assert [k["nama"] for k in komisi["items"]] == ["Komisi I", "Komisi II", "Komisi III"]
    assert all(len(k["anggota"]) == 2 for k in komisi["items"])
    agenda = (await layanan.client.get(layanan.url("/agenda"))).json()
    assert [a["jenis"] for a in agenda["items"]] == ["RESES", "RESES"]
    assert all(a["anggota"] and a["nama_wilayah"] for a in agenda["items"])
