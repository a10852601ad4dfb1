"""How active a layanan is in one region, served by every layanan the same way for the ministry's list:

    GET /api/<layanan>/v1/{tenant}/aktivitas -> {layanan, permohonan_minggu_ini, data_terakhir_diperbarui}

`data_terakhir_diperbarui` is the latest `updated_at` (or `created_at`) over the service's region-owned
tables; `permohonan_minggu_ini` counts its application table's rows (the `PermohonanBase` subclass)
created in the last seven days, and is null for a layanan without one. Both are read inside the
region's own scope (the route's TenantDep), so row-level security admits only its rows. An answer is
kept a minute per region: the region's home asks on every visit, and the scans grow with the region.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Generic, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import Column, MetaData, Table, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from puja_kit.access import Publik
from puja_kit.db import SessionDep, TenantModel, utcnow
from puja_kit.rls import tenant_tables
from puja_kit.tenancy import TenantDep
from puja_kit.workflow.models import PermohonanBase

WEEK = timedelta(days=7)
CACHE_SECONDS = 60.0


class Aktivitas(BaseModel):
    layanan: str
    permohonan_minggu_ini: int | None = Field(
        description="Permohonan yang dibuat 7 hari terakhir; null bila layanan ini tanpa permohonan"
    )
    data_terakhir_diperbarui: datetime | None = Field(
        description="Perubahan terakhir pada data layanan ini di daerah tersebut; null bila belum ada data"
    )


@dataclass(frozen=True)
class Sumber:
    """Where a layanan's activity is read: each region-owned table's time column, and its applications."""

    stamped: tuple[Column[datetime], ...]
    permohonan: Table | None

    @classmethod
    def of(cls, metadata: MetaData) -> Sumber:
        stamped = []
        for table in tenant_tables(metadata):
            column = table.c.get("updated_at")
            if column is None:
                column = table.c.get("created_at")
            if column is not None:
                stamped.append(column)
        workflow: dict[str, Table] = {}
        for sub in _subclasses(PermohonanBase):
            mapped = getattr(sub, "__table__", None)
            if isinstance(mapped, Table) and mapped.metadata is metadata:
                workflow[mapped.name] = mapped
        return cls(tuple(stamped), next(iter(workflow.values())) if len(workflow) == 1 else None)


def service_metadata(package: str) -> MetaData | None:
    """The metadata of the region-owned tables mapped in `package` (a service's models), if any."""
    for cls in _subclasses(TenantModel):
        table = getattr(cls, "__table__", None)
        if isinstance(table, Table) and (
            cls.__module__ == package or cls.__module__.startswith(f"{package}.")
        ):
            return table.metadata
    return None


def _subclasses(base: type) -> list[type]:
    found: list[type] = []
    pending: list[type] = [base]
    while pending:
        subs: list[type] = pending.pop().__subclasses__()
        found.extend(subs)
        pending.extend(subs)
    return found


async def measure(session: AsyncSession, sumber: Sumber, layanan: str, tenant_id: str) -> Aktivitas:
    """The region's activity, read in the session's tenant scope (and filtered by its tenant_id)."""
    latest = None
    if sumber.stamped:
        parts = [
            select(func.max(column).label("waktu")).where(column.table.c.tenant_id == tenant_id)
            for column in sumber.stamped
        ]
        both = union_all(*parts).subquery()
        latest = await session.scalar(select(func.max(both.c.waktu)))
    count = None
    if sumber.permohonan is not None:
        table = sumber.permohonan
        count = int(
            await session.scalar(
                select(func.count(literal(1))).where(
                    table.c.tenant_id == tenant_id, table.c.created_at >= utcnow() - WEEK
                )
            )
            or 0
        )
    return Aktivitas(layanan=layanan, permohonan_minggu_ini=count, data_terakhir_diperbarui=latest)


T = TypeVar("T")


@dataclass
class MinuteCache(Generic[T]):
    """The answers of the last minute (or of `seconds`), by key: a layanan's own activity per region
    (app.state.aktivitas), the portal's copy of what the layanan answered, and the portal's copy of
    the registry's region pages."""

    seconds: float = CACHE_SECONDS
    answers: dict[str, tuple[float, T]] = field(default_factory=dict)

    def get(self, key: str) -> T | None:
        hit = self.answers.get(key)
        if hit is None or time.monotonic() - hit[0] >= self.seconds:
            return None
        return hit[1]

    def put(self, key: str, answer: T) -> None:
        self.answers[key] = (time.monotonic(), answer)

    def forget(self, key: str) -> None:
        self.answers.pop(key, None)


AktivitasCache = MinuteCache[Aktivitas]


def _cache(request: Request) -> AktivitasCache:
    cache: AktivitasCache = request.app.state.aktivitas
    return cache


CacheDep = Annotated[AktivitasCache, Depends(_cache)]


def aktivitas_router(metadata: MetaData | None) -> APIRouter:
    """The route for the layanan whose tables are in `metadata` (None: no tables, nothing to count)."""
    sumber = Sumber.of(metadata) if metadata is not None else Sumber((), None)
    router = APIRouter(tags=["aktivitas"])

    @router.get("/{tenant}/aktivitas", response_model=Aktivitas)
    async def aktivitas(
        tenant: TenantDep, session: SessionDep, principal: Publik, cache: CacheDep
    ) -> Aktivitas:
        """Seberapa aktif layanan ini di daerah: permohonan 7 hari terakhir dan pembaruan data terakhir."""
        answer = cache.get(tenant.kode)
        if answer is None:
            answer = await measure(session, sumber, tenant.layanan, tenant.kode)
            cache.put(tenant.kode, answer)
        return answer

    return router
