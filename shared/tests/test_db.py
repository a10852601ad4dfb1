"""The unit of work: commit on success, roll back on error, unless a refusal keeps its changes."""

from __future__ import annotations

import pytest
from puja_kit.db import transaction
from puja_kit.errors import DomainError, Forbidden
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


async def applied(kit_db: async_sessionmaker[AsyncSession]) -> list[str]:
    async with kit_db() as session:
        return list((await session.scalars(text("SELECT event_id FROM applied ORDER BY event_id"))).all())


async def test_an_error_rolls_back_and_a_kept_refusal_commits(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(kit_db) as session:
        await session.execute(text("INSERT INTO applied (event_id) VALUES ('a-berhasil')"))
    with pytest.raises(Forbidden):
        async with transaction(kit_db) as session:
            await session.execute(text("INSERT INTO applied (event_id) VALUES ('b-dibatalkan')"))
            raise Forbidden()
    with pytest.raises(DomainError):
        async with transaction(kit_db) as session:
            await session.execute(text("INSERT INTO applied (event_id) VALUES ('c-dicatat')"))
            raise DomainError("Gagal masuk", keep_changes=True)
    assert await applied(kit_db) == ["a-berhasil", "c-dicatat"]
