"""Saved answer templates: the built-in ones of a layanan's pages and those the region's operators saved.

The table is region-owned (`TenantModel`), so its rows are seen only inside their region's transaction
(puja_kit.rls), like every region's data.
"""

from __future__ import annotations

from uuid import UUID

from puja_kit.db import transaction
from puja_kit.rls import set_tenant
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from portal.models import TemplatJawaban

MAX_SAVED = 50


async def saved(session: AsyncSession, kode: str, layanan: str) -> list[TemplatJawaban]:
    await set_tenant(session, kode)
    stmt = (
        select(TemplatJawaban)
        .where(col(TemplatJawaban.tenant_id) == kode, col(TemplatJawaban.layanan) == layanan)
        .order_by(col(TemplatJawaban.dibuat))
    )
    return list((await session.scalars(stmt)).all())


async def offered(
    sessionmaker: async_sessionmaker[AsyncSession], kode: str, layanan: str, built_in: tuple[str, ...]
) -> list[str]:
    """What an operator may pick: the layanan's own answers, then the region's saved ones."""
    async with transaction(sessionmaker, tenant=kode) as session:
        return [*built_in, *(t.isi for t in await saved(session, kode, layanan))]


async def chosen(
    sessionmaker: async_sessionmaker[AsyncSession],
    kode: str,
    layanan: str,
    built_in: tuple[str, ...],
    picked: str,
) -> str:
    """The picked template's text if it is one on offer here, else nothing."""
    return picked if picked and picked in await offered(sessionmaker, kode, layanan, built_in) else ""


async def save(session: AsyncSession, kode: str, layanan: str, isi: str, akun_id: UUID) -> bool:
    """False when the region already keeps MAX_SAVED for the layanan or has this one."""
    existing = await saved(session, kode, layanan)
    if len(existing) >= MAX_SAVED or any(t.isi == isi for t in existing):
        return False
    session.add(TemplatJawaban(tenant_id=kode, layanan=layanan, isi=isi, dibuat_oleh=akun_id))
    return True


async def remove(session: AsyncSession, kode: str, layanan: str, templat_id: UUID) -> None:
    await set_tenant(session, kode)
    await session.execute(
        delete(TemplatJawaban).where(
            col(TemplatJawaban.tenant_id) == kode,
            col(TemplatJawaban.layanan) == layanan,
            col(TemplatJawaban.id) == templat_id,
        )
    )
