"""RepositoryBase: lookups by the whole primary key, searches that take LIKE wildcards literally,
keyset pages."""

from __future__ import annotations

import pytest
from puja_kit.penduduk import WargaSalinan
from puja_kit.repository import (
    LIKE_ESCAPE,
    CursorParams,
    KursorTidakValid,
    RepositoryBase,
    contains_pattern,
    encode_cursor,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col


class WargaRepository(RepositoryBase[WargaSalinan]):
    model = WargaSalinan


async def test_get_matches_every_column_of_a_composite_key(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    async with kit_db() as session:
        session.add_all(
            [
                WargaSalinan(tenant_id="63.08", nik="6308010101900001", nama="Ahmad"),
                WargaSalinan(tenant_id="63.08", nik="6308010101900002", nama="Siti"),
                WargaSalinan(tenant_id="63.09", nik="6308010101900002", nama="Siti di daerah lain"),
            ]
        )
        await session.commit()

    async with kit_db() as session:
        everywhere = WargaRepository(session)
        siti = await everywhere.get(("63.08", "6308010101900002"))
        assert siti is not None and siti.nama == "Siti"
        other = await everywhere.get(("63.09", "6308010101900002"))
        assert other is not None and other.nama == "Siti di daerah lain"
        assert await everywhere.get(("63.09", "6308010101900001")) is None
        with pytest.raises(TypeError, match="2 kolom"):
            await everywhere.get("63.08")
        # The tenant-scoped base statement still applies on top of the key.
        assert await WargaRepository(session, "63.08").get(("63.09", "6308010101900002")) is None


async def test_contains_pattern_takes_wildcards_and_the_escape_literally(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    names = ["100% Sehat", "Klinik_Pratama", "Jalan A\\B", "Puskesmas Amuntai"]
    async with kit_db() as session:
        session.add_all(
            [WargaSalinan(tenant_id="63.08", nik=f"630801010190000{i}", nama=n) for i, n in enumerate(names)]
        )
        await session.commit()

    async def search(q: str) -> list[str | None]:
        async with kit_db() as session:
            stmt = (
                select(WargaSalinan)
                .where(col(WargaSalinan.nama).ilike(contains_pattern(q), escape=LIKE_ESCAPE))
                .order_by(col(WargaSalinan.nik))
            )
            return [row.nama for row in await session.scalars(stmt)]

    assert await search("%") == ["100% Sehat"]
    assert await search("_") == ["Klinik_Pratama"]
    assert await search("A\\B") == ["Jalan A\\B"]
    assert await search("a_b") == []
    assert await search("puskesmas") == ["Puskesmas Amuntai"]


async def test_keyset_pages_walk_every_row_once_in_order_and_end_with_no_cursor(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    # Many equal names: the key (nama, nik) breaks the ties, so no row is skipped or repeated.
    people = [(f"63080101019{i:05d}", ["Siti", "Budi", "Ahmad"][i % 3]) for i in range(23)]
    async with kit_db() as session:
        session.add_all([WargaSalinan(tenant_id="63.08", nik=nik, nama=nama) for nik, nama in people])
        session.add(WargaSalinan(tenant_id="63.09", nik="6309010101900001", nama="Ahmad di daerah lain"))
        await session.commit()

    async def walk(descending: bool) -> tuple[list[str], int]:
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            async with kit_db() as session:
                repo = WargaRepository(session, "63.08")
                order = [col(WargaSalinan.nama), col(WargaSalinan.nik)]
                stmt = repo.base_statement().order_by(*(c.desc() for c in order) if descending else order)
                page = CursorParams(cursor=cursor, limit=5)
                rows, cursor = await repo.keyset(stmt, page)
            seen += [row.nik for row in rows]
            pages += 1
            assert len(rows) == 5 or cursor is None
            if cursor is None:
                return seen, pages

    ascending = [nik for nik, _ in sorted(people, key=lambda p: (p[1], p[0]))]
    assert await walk(False) == (ascending, 5)
    assert await walk(True) == (list(reversed(ascending)), 5)


async def test_a_page_that_ends_exactly_at_the_last_row_has_no_next_cursor(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    async with kit_db() as session:
        session.add_all(
            [WargaSalinan(tenant_id="63.08", nik=f"630801010190000{i}", nama="A") for i in range(4)]
        )
        await session.commit()
    async with kit_db() as session:
        repo = WargaRepository(session, "63.08")
        stmt = repo.base_statement().order_by(col(WargaSalinan.nama), col(WargaSalinan.nik))
        rows, cursor = await repo.keyset(stmt, CursorParams(limit=4))
        assert len(rows) == 4 and cursor is None
        rows, cursor = await repo.keyset(stmt, CursorParams(limit=3))
        assert len(rows) == 3 and cursor is not None
        rest, end = await repo.keyset(stmt, CursorParams(cursor=cursor, limit=3))
        assert [r.nik for r in rest] == ["6308010101900003"] and end is None


@pytest.mark.parametrize(
    "cursor",
    [
        "bukan-base64!",  # not base64url
        encode_cursor(["Siti"]),  # one value for a two-column key
        encode_cursor(["Siti", 5]),  # a number where the key holds text
        "eyJ4IjoxfQ",  # JSON, but an object
        "_w",  # not UTF-8
    ],
)
def test_a_malformed_cursor_is_a_422_with_a_stable_code(cursor: str) -> None:
    stmt = select(WargaSalinan).order_by(col(WargaSalinan.nama), col(WargaSalinan.nik))
    with pytest.raises(KursorTidakValid) as caught:
        RepositoryBase.page_statement(stmt, CursorParams(cursor=cursor))
    assert caught.value.status_code == 422
    assert caught.value.code == "kursor_tidak_valid"


def test_a_keyset_needs_one_direction_and_no_nulls_modifier() -> None:
    mixed = select(WargaSalinan).order_by(col(WargaSalinan.nama), col(WargaSalinan.nik).desc())
    with pytest.raises(TypeError, match="satu arah"):
        RepositoryBase.page_statement(mixed, CursorParams())
    nulls = select(WargaSalinan).order_by(col(WargaSalinan.nama).desc().nulls_last())
    with pytest.raises(TypeError, match="NULLS"):
        RepositoryBase.page_statement(nulls, CursorParams())
