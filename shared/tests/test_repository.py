"""RepositoryBase: lookups by the whole primary key, searches that take LIKE wildcards literally."""

from __future__ import annotations

import pytest
from puja_kit.penduduk import WargaSalinan
from puja_kit.repository import LIKE_ESCAPE, RepositoryBase, contains_pattern
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
