"""Each service's copy of the citizens it serves, kept fresh from kependudukan's events.

A change is applied only if its `versi` is newer than the copy's, so a redelivered or late event never
undoes a newer one; each change carries the whole record after it, so skipping a late one loses
nothing. After applying, the service's own hook runs in the same transaction and reacts to the state
of the copy (a person recorded as dead: cancel bookings in kesehatan, flag applications in perizinan),
not to the kind of event, so it must be idempotent. Nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, DateTime, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from puja_kit.db import utcnow
from puja_kit.events.catalog import PendudukBorn, PendudukChange, PendudukDied, PendudukMoved, PendudukUpdated
from puja_kit.events.consumer import Consumer
from puja_kit.events.envelope import Event


class WargaSalinan(SQLModel, table=True):
    __tablename__ = "warga_salinan"

    tenant_id: str = Field(primary_key=True, max_length=13)
    nik: str = Field(primary_key=True, max_length=16)
    nama: str | None = Field(default=None, max_length=200)
    alamat: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    no_kk: str | None = Field(default=None, max_length=16)
    status: str = Field(default="HIDUP", max_length=12)  # HIDUP | MENINGGAL | PINDAH
    tanggal_meninggal: date | None = None
    versi: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


OnChange = Callable[[AsyncSession, WargaSalinan, Event], Awaitable[None]]


async def warga(session: AsyncSession, tenant_id: str, nik: str) -> WargaSalinan | None:
    return await session.get(WargaSalinan, (tenant_id, nik))


async def warga_many(session: AsyncSession, tenant_id: str, niks: list[str]) -> dict[str, WargaSalinan]:
    """Copies for many NIKs in one query (for lists)."""
    if not niks:
        return {}
    rows = await session.scalars(
        select(WargaSalinan).where(
            col(WargaSalinan.tenant_id) == tenant_id,
            col(WargaSalinan.nik).in_(niks),
        )
    )
    return {row.nik: row for row in rows}


def apply_change(copy: WargaSalinan, data: PendudukChange) -> None:
    if data.snapshot is not None:
        copy.nama = data.snapshot.nama
        copy.no_kk = data.snapshot.no_kk
        copy.alamat = data.snapshot.alamat.model_dump(mode="json")
        copy.status = data.snapshot.status
        copy.tanggal_meninggal = data.snapshot.tanggal_meninggal
        copy.versi = data.versi
        copy.updated_at = utcnow()
        return
    if isinstance(data, PendudukUpdated | PendudukBorn):
        if data.nama is not None:
            copy.nama = data.nama
        if data.alamat is not None:
            copy.alamat = data.alamat.model_dump(mode="json")
        if data.no_kk is not None:
            copy.no_kk = data.no_kk
    if isinstance(data, PendudukDied):
        copy.status = "MENINGGAL"
        copy.tanggal_meninggal = data.tanggal_meninggal
    if isinstance(data, PendudukMoved):
        if data.keluar_daerah:
            copy.status = "PINDAH"
        if data.alamat is not None:
            copy.alamat = data.alamat.model_dump(mode="json")
    copy.versi = data.versi
    copy.updated_at = utcnow()


def penduduk_consumer(on_change: OnChange | None = None) -> Consumer:
    async def handle(session: AsyncSession, event: Event) -> None:
        data = event.data
        if not isinstance(data, PendudukChange) or event.tenant is None:
            return
        copy = await session.get(WargaSalinan, (event.tenant, data.nik), with_for_update=True)
        if copy is None:
            copy = WargaSalinan(tenant_id=event.tenant, nik=data.nik)
            session.add(copy)
        elif copy.versi >= data.versi:
            return  # an older change arriving late
        apply_change(copy, data)
        await session.flush()
        if on_change is not None:
            await on_change(session, copy, event)

    return Consumer("penduduk", "puja.kependudukan.penduduk.>", handle)
