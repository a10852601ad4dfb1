"""Which regions enabled which layanan: each service's local copy, fed by registry events.

The copy lives in the service's own database (tables `daerah` and `layanan_aktif`), written by a durable
consumer that replays the registry's stream from the start, so a new service or a restarted one catches
up by itself. Each row keeps the registry's version of the region it was written at, and an event older
than that changes nothing: the copy converges to the registry's latest state whatever order the events
arrive in (a retry, two replicas applying at once). Each replica reads it through a short-lived
in-memory cache, reloaded by one request at a time. Who counts as a region's staff for a layanan
(`is_staff`, `ensure_staff`) is decided here too, the same way in every service.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Column, DateTime, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel, col

from puja_kit.auth import Principal
from puja_kit.db import SessionDep, utcnow
from puja_kit.errors import Forbidden, LayananTidakAktif, NotFound
from puja_kit.events.catalog import (
    LayananSettings,
    TenantLayananChange,
    TenantLayananDisabled,
    TenantLayananEnabled,
    TenantRef,
    TenantUpdated,
)
from puja_kit.events.consumer import Consumer
from puja_kit.events.envelope import Event
from puja_kit.rls import set_tenant


class Daerah(SQLModel, table=True):
    """An onboarded region as the registry last announced it, whatever layanan it enabled."""

    __tablename__ = "daerah"

    kode: str = Field(primary_key=True, max_length=13)
    slug: str = Field(index=True, max_length=120)
    nama: str = Field(max_length=200)
    zona_waktu: str = Field(max_length=8)
    aktif: bool = True
    # The registry's version of the region this row was written at (TenantRef.versi).
    versi: int = 0
    event_time: datetime = Field(sa_type=DateTime(timezone=True))


class LayananAktif(SQLModel, table=True):
    """One region's state for one layanan, as the registry last announced it. `aktif` is the layanan's own
    state: while its region is switched off it is kept, and the region is served none of them."""

    __tablename__ = "layanan_aktif"

    tenant_id: str = Field(primary_key=True, max_length=13)
    layanan: str = Field(primary_key=True, max_length=60)
    slug: str = Field(index=True, max_length=120)
    nama: str = Field(max_length=200)
    zona_waktu: str = Field(max_length=8)
    aktif: bool = True
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    # The version of the last layanan_enabled/layanan_disabled of this layanan it took (TenantRef.versi).
    versi: int = 0
    event_time: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


@dataclass(frozen=True)
class Tenant:
    """The region a request is for, with its settings for the layanan being served."""

    kode: str
    slug: str
    nama: str
    zona_waktu: str
    layanan: str
    settings: LayananSettings


def is_staff(principal: Principal | None, tenant: Tenant) -> bool:
    """An operator granted this region's layanan, or the region's admin daerah."""
    if principal is None:
        return False
    return principal.has("operator", tenant=tenant.kode, layanan=tenant.layanan) or principal.has(
        "admin_daerah", tenant=tenant.kode
    )


def ensure_staff(principal: Principal | None, tenant: Tenant) -> None:
    if not is_staff(principal, tenant):
        raise Forbidden(
            f"Hanya petugas {tenant.layanan} atau admin daerah {tenant.nama} yang dapat melakukan ini."
        )


@dataclass(frozen=True)
class Region:
    kode: str
    slug: str
    nama: str
    zona_waktu: str


@dataclass(frozen=True)
class _Snapshot:
    # None: never loaded.
    loaded_at: float | None = None
    # TenantCache.invalidate() calls before the read began: a later call makes this copy stale.
    generation: int = 0
    by_slug: dict[tuple[str, str], Tenant] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)


class TenantCache:
    """Enabled (region, layanan) pairs of active regions, re-read from the local tables at most every
    `ttl` seconds.

    One reload at a time: a request that finds the copy stale while another request reloads it uses the
    copy it has, so a busy replica does not read the whole table once per request (nor takes a connection
    each). Only the very first load is waited for.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, ttl: float = 2.0) -> None:
        self.sessionmaker = sessionmaker
        self.ttl = ttl
        self._snapshot = _Snapshot()
        self._generation = 0
        self._reload = asyncio.Lock()

    def invalidate(self) -> None:
        """The next request reloads; the copy in hand still serves the requests that arrive meanwhile."""
        self._generation += 1

    def on_event(self, event: Event) -> None:
        """Called for every event this replica's consumers applied: only the registry's news matters."""
        if event.type.startswith("puja.tenant_registry."):
            self.invalidate()

    def _fresh(self, snapshot: _Snapshot) -> bool:
        return (
            snapshot.loaded_at is not None
            and snapshot.generation == self._generation
            and time.monotonic() - snapshot.loaded_at < self.ttl
        )

    async def _load(self) -> _Snapshot:
        snapshot = self._snapshot
        if self._fresh(snapshot):
            return snapshot
        if snapshot.loaded_at is not None and self._reload.locked():
            return snapshot
        async with self._reload:
            # Whoever waited here (only before the first load) finds the copy the holder just read.
            if self._fresh(self._snapshot):
                return self._snapshot
            self._snapshot = await self._read()
            return self._snapshot

    async def _read(self) -> _Snapshot:
        generation = self._generation
        async with self.sessionmaker() as session:
            # A layanan is served only while its region is on: the region's flag and the layanan's own
            # state come from different events, and each is the registry's latest.
            rows = (
                await session.scalars(
                    select(LayananAktif)
                    .join(Daerah, col(Daerah.kode) == col(LayananAktif.tenant_id))
                    .where(col(LayananAktif.aktif), col(Daerah.aktif))
                )
            ).all()
            regions = (await session.scalars(select(Daerah).where(col(Daerah.aktif)))).all()
        snapshot = _Snapshot(loaded_at=time.monotonic(), generation=generation)
        for region in regions:
            snapshot.regions[region.slug] = Region(region.kode, region.slug, region.nama, region.zona_waktu)
        for row in rows:
            snapshot.by_slug[(row.slug, row.layanan)] = Tenant(
                kode=row.tenant_id,
                slug=row.slug,
                nama=row.nama,
                zona_waktu=row.zona_waktu,
                layanan=row.layanan,
                settings=LayananSettings.model_validate(row.settings),
            )
        return snapshot

    async def get(self, slug: str, layanan: str) -> Tenant:
        snapshot = await self._load()
        tenant = snapshot.by_slug.get((slug, layanan))
        if tenant is None:
            raise LayananTidakAktif(f"Layanan {layanan} tidak aktif di daerah '{slug}'.")
        return tenant

    async def region(self, slug: str) -> Region:
        """An onboarded, active region by slug, whatever it enabled; 404 problem otherwise."""
        snapshot = await self._load()
        region = snapshot.regions.get(slug)
        if region is None:
            raise NotFound(f"Daerah '{slug}' tidak terdaftar atau tidak aktif.")
        return region

    async def by_kode(self, kode: str, layanan: str) -> Tenant | None:
        snapshot = await self._load()
        for tenant in snapshot.by_slug.values():
            if tenant.kode == kode and tenant.layanan == layanan:
                return tenant
        return None

    async def enabled_layanan(self, kode: str) -> list[str]:
        snapshot = await self._load()
        return sorted(t.layanan for t in snapshot.by_slug.values() if t.kode == kode)


def _version(versi: Any, event_time: Any) -> Any:
    """The order of registry events for one region: its version, then (for events written before
    versions existed, all 0) the time of the event."""
    return tuple_(versi, event_time)


async def _upsert_layanan(session: AsyncSession, event: Event, aktif: bool, settings: dict[str, Any]) -> None:
    data = event.data
    assert isinstance(data, TenantLayananChange)
    values = {
        "tenant_id": data.kode,
        "layanan": data.layanan,
        "slug": data.slug,
        "nama": data.nama,
        "zona_waktu": data.zona_waktu,
        "aktif": aktif,
        "settings": settings,
        "versi": data.versi,
        "event_time": event.time,
        "updated_at": utcnow(),
    }
    stmt = insert(LayananAktif).values(**values)
    # An older event arriving after a newer one must not undo it.
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["tenant_id", "layanan"],
            set_={k: stmt.excluded[k] for k in values if k not in ("tenant_id", "layanan")},
            where=_version(col(LayananAktif.versi), col(LayananAktif.event_time))
            <= _version(stmt.excluded.versi, stmt.excluded.event_time),
        )
    )


async def on_layanan_enabled(session: AsyncSession, event: Event) -> None:
    data = event.data
    assert isinstance(data, TenantLayananEnabled)
    await _upsert_layanan(session, event, True, data.settings.model_dump(mode="json"))


async def on_layanan_disabled(session: AsyncSession, event: Event) -> None:
    data = event.data
    assert isinstance(data, TenantLayananDisabled)
    await _upsert_layanan(session, event, False, {})


async def on_tenant_updated(session: AsyncSession, event: Event) -> None:
    """The region's own flag went to `daerah` (_upsert_daerah). The event also names the layanan the
    region has enabled: each row older than the event takes that state, and keeps its version, so the
    layanan's own next event (which carries its settings) is still applied. A copy made by an earlier kit,
    which switched a deactivated region's layanan off, gets exactly them back on reactivation."""
    data = event.data
    assert isinstance(data, TenantUpdated)
    values: dict[str, Any] = {
        "slug": data.slug,
        "nama": data.nama,
        "zona_waktu": data.zona_waktu,
        "aktif": col(LayananAktif.layanan).in_(data.layanan),
    }
    await session.execute(
        update(LayananAktif)
        .where(col(LayananAktif.tenant_id) == data.kode)
        .where(
            _version(col(LayananAktif.versi), col(LayananAktif.event_time))
            < _version(literal(data.versi), literal(event.time))
        )
        .values(**values, updated_at=utcnow())
    )


async def _upsert_daerah(session: AsyncSession, event: Event) -> None:
    data = event.data
    assert isinstance(data, TenantRef)
    values: dict[str, Any] = {
        "kode": data.kode,
        "slug": data.slug,
        "nama": data.nama,
        "zona_waktu": data.zona_waktu,
        "versi": data.versi,
        "event_time": event.time,
    }
    # Every event says whether the region is on (a layanan event written before `daerah_aktif` existed
    # does not, and leaves the flag as it is).
    if isinstance(data, TenantUpdated):
        values["aktif"] = data.aktif
    elif isinstance(data, TenantLayananChange) and data.daerah_aktif is not None:
        values["aktif"] = data.daerah_aktif
    stmt = insert(Daerah).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["kode"],
            set_={k: stmt.excluded[k] for k in values if k != "kode"},
            where=_version(col(Daerah.versi), col(Daerah.event_time))
            <= _version(stmt.excluded.versi, stmt.excluded.event_time),
        )
    )


async def on_tenant_event(session: AsyncSession, event: Event) -> None:
    await _upsert_daerah(session, event)
    handlers = {
        "puja.tenant_registry.tenant.layanan_enabled": on_layanan_enabled,
        "puja.tenant_registry.tenant.layanan_disabled": on_layanan_disabled,
        "puja.tenant_registry.tenant.updated": on_tenant_updated,
    }
    handler = handlers.get(event.type)
    if handler is not None:
        await handler(session, event)


# One consumer for all registry events keeps them in the order the registry wrote them.
TENANT_CONSUMER = Consumer("tenant", "puja.tenant_registry.tenant.>", on_tenant_event)


async def current_tenant(request: Request, tenant: str, session: SessionDep) -> Tenant:
    """The `{tenant}` path slug as a region that enabled this app's layanan, or the 404 problem.

    It also scopes the request's transaction to the region for row-level security, the second wall
    behind the repositories' tenant filter.
    """
    cache: TenantCache | None = getattr(request.app.state, "tenants", None)
    layanan: str | None = getattr(request.app.state, "layanan", None)
    if cache is None or layanan is None:
        raise NotFound("Layanan ini tidak memakai data daerah.")
    found = await cache.get(tenant, layanan)
    await set_tenant(session, found.kode)
    return found


TenantDep = Annotated[Tenant, Depends(current_tenant)]


async def resolve_layanan_region(request: Request, slug: str) -> str:
    """The default region resolver of puja_kit.access: a region that enabled this app's layanan."""
    cache: TenantCache = request.app.state.tenants
    return (await cache.get(slug, request.app.state.layanan)).kode


async def resolve_any_region(request: Request, slug: str) -> str:
    """For a platform service that serves every onboarded region (akun)."""
    cache: TenantCache = request.app.state.tenants
    return (await cache.region(slug)).kode
