from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from puja_kit.errors import Conflict, DomainError, InvalidInput, NotFound
from puja_kit.events.catalog import (
    LayananSettings,
    TenantLayananDisabled,
    TenantLayananEnabled,
    TenantUpdated,
)
from puja_kit.layanan import LAYANAN
from puja_kit.outbox import add_event
from puja_kit.repository import PageParams
from puja_kit.rls import see_all_regions, set_tenant
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenant_registry import wilayah
from tenant_registry.models import Opd, Tenant, TenantLayanan
from tenant_registry.repository import OpdRepository, TenantLayananRepository, TenantRepository
from tenant_registry.schemas import (
    LayananSettingsIn,
    OpdCreate,
    OpdRead,
    OpdUpdate,
    TenantDetail,
    TenantLayananRead,
    TenantRead,
)


class DaerahTidakAktif(DomainError):
    """A change to a region the ministry switched off: nothing of it may be enabled or edited meanwhile,
    or its announcement would tell every service that the region's layanan are on."""

    status_code = 409
    code = "daerah_tidak_aktif"
    title = "Daerah sedang dinonaktifkan"


def _ref(tenant: Tenant) -> dict[str, Any]:
    return {
        "kode": tenant.kode,
        "slug": tenant.slug,
        "nama": tenant.nama,
        "zona_waktu": tenant.zona_waktu,
        "versi": tenant.versi,
    }


def _read(tenant: Tenant, layanan: list[str]) -> TenantRead:
    return TenantRead(
        slug=tenant.slug,
        kode=tenant.kode,
        nama=tenant.nama,
        tingkat=tenant.tingkat,
        provinsi=tenant.provinsi,
        zona_waktu=tenant.zona_waktu,
        aktif=tenant.aktif,
        layanan=layanan,
        diperbarui=tenant.updated_at,
    )


def _layanan_read(row: TenantLayanan) -> TenantLayananRead:
    return TenantLayananRead(
        layanan=row.layanan,
        nama_layanan=LAYANAN[row.layanan],
        aktif=row.aktif,
        sla_hari=row.sla_hari,
        biaya=row.biaya,
        dokumen_wajib=row.dokumen_wajib,
        opd_id=row.opd_id,
        diperbarui=row.updated_at,
    )


async def get_tenant(session: AsyncSession, slug: str) -> Tenant:
    """The region by slug; the transaction is then scoped to it (row-level security on its layanan, OPDs)."""
    tenant = await TenantRepository(session).by_slug(slug)
    if tenant is None:
        raise NotFound(f"Daerah '{slug}' belum terdaftar di Puja Indah.")
    await set_tenant(session, tenant.kode)
    return tenant


async def change_tenant(session: AsyncSession, slug: str, *, require_active: bool = True) -> Tenant:
    """The region for a change to it, its layanan or its OPDs: locked until the transaction ends, so
    changes to one region happen one after another, each seeing the one before, and its version bumped
    for the events this change writes. With `require_active`, a switched-off region refuses the change.
    """
    tenant = await TenantRepository(session).by_slug_for_update(slug)
    if tenant is None:
        raise NotFound(f"Daerah '{slug}' belum terdaftar di Puja Indah.")
    if require_active and not tenant.aktif:
        raise DaerahTidakAktif(
            f"{tenant.nama} sedang dinonaktifkan oleh admin pusat: layanan dan OPD-nya tidak dapat diubah"
            " sampai daerah diaktifkan kembali."
        )
    await set_tenant(session, tenant.kode)
    tenant.versi += 1
    session.add(tenant)
    return tenant


async def resolve_region(request: Request, slug: str) -> str:
    """The region resolver of puja_kit.access for this app, read from the registry's own table.

    An inactive region is refused like an unknown one, as every other service's tenant copy does: its
    admin cannot change its layanan or OPDs until the ministry reactivates it (enabling a layanan
    there would otherwise announce it active to every service while the region is switched off).
    """
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        tenant = await get_tenant(session, slug)
    if not tenant.aktif:
        raise NotFound(f"Daerah '{slug}' sedang dinonaktifkan oleh admin pusat.")
    return tenant.kode


async def list_tenants(
    session: AsyncSession, *, page: PageParams, layanan: str | None, tingkat: str | None, q: str | None
) -> tuple[list[TenantRead], int]:
    # The public list of every region with what each enabled: across regions by nature.
    await see_all_regions(session)
    repo = TenantRepository(session)
    rows, total = await repo.paginate(repo.listing(layanan=layanan, tingkat=tingkat, q=q), page)
    enabled = await TenantLayananRepository(session).enabled_for([t.kode for t in rows])
    return [_read(t, enabled[t.kode]) for t in rows], total


async def tenant_detail(session: AsyncSession, slug: str) -> TenantDetail:
    tenant = await get_tenant(session, slug)
    settings = await TenantLayananRepository(session, tenant.kode).all()
    opd = await OpdRepository(session, tenant.kode).all()
    base = _read(tenant, [s.layanan for s in settings if s.aktif])
    return TenantDetail(
        **base.model_dump(),
        edisi_kode=tenant.edisi_kode,
        pengaturan_layanan=[_layanan_read(s) for s in settings],
        opd=[OpdRead.model_validate(o) for o in opd],
    )


async def onboard(session: AsyncSession, *, kode: str) -> TenantDetail:
    region = wilayah.lookup(kode)
    repo = TenantRepository(session)
    if await repo.get(region.kode) is not None:
        raise Conflict(f"{region.nama} sudah terdaftar.")
    tenant = repo.add(
        Tenant(
            kode=region.kode,
            slug=region.slug,
            nama=region.nama,
            tingkat=region.tingkat,
            provinsi=region.provinsi,
            zona_waktu=region.zona_waktu,
            edisi_kode=wilayah.EDISI,
            versi=1,
        )
    )
    await session.flush()
    await add_event(
        session,
        "puja.tenant_registry.tenant.updated",
        TenantUpdated(**_ref(tenant), aktif=True, layanan=[]),
        tenant=tenant.kode,
        subject=tenant.kode,
    )
    return await tenant_detail(session, tenant.slug)


async def update_tenant(session: AsyncSession, *, slug: str, aktif: bool | None) -> TenantDetail:
    tenant = await change_tenant(session, slug, require_active=False)
    if aktif is not None:
        tenant.aktif = aktif
    session.add(tenant)
    await session.flush()
    enabled = await TenantLayananRepository(session).enabled_for([tenant.kode])
    await add_event(
        session,
        "puja.tenant_registry.tenant.updated",
        TenantUpdated(**_ref(tenant), aktif=tenant.aktif, layanan=enabled[tenant.kode]),
        tenant=tenant.kode,
        subject=tenant.kode,
    )
    return await tenant_detail(session, slug)


def _check_layanan(layanan: str) -> None:
    if layanan not in LAYANAN:
        raise NotFound(f"Layanan '{layanan}' tidak dikenal. Pilihan: {', '.join(LAYANAN)}.")


async def enable_layanan(
    session: AsyncSession, *, slug: str, layanan: str, settings: LayananSettingsIn
) -> TenantLayananRead:
    _check_layanan(layanan)
    tenant = await change_tenant(session, slug)
    opd_nama = None
    if settings.opd_id is not None:
        opd = await OpdRepository(session, tenant.kode).get(settings.opd_id)
        if opd is None or not opd.aktif:
            raise InvalidInput(
                "OPD penanggung jawab tidak ditemukan di daerah ini.",
                errors=[{"field": "opd_id", "code": "tidak_dikenal", "message": "OPD tidak ditemukan"}],
            )
        opd_nama = opd.nama
    repo = TenantLayananRepository(session, tenant.kode)
    row = await repo.for_layanan(layanan) or repo.add(TenantLayanan(tenant_id=tenant.kode, layanan=layanan))
    row.aktif = True
    row.sla_hari = settings.sla_hari
    row.biaya = settings.biaya
    row.dokumen_wajib = list(settings.dokumen_wajib)
    row.opd_id = settings.opd_id
    session.add(row)
    await session.flush()
    await session.refresh(row)
    await _announce_enabled(session, tenant, row, opd_nama)
    return _layanan_read(row)


async def _announce_enabled(
    session: AsyncSession, tenant: Tenant, row: TenantLayanan, opd_nama: str | None
) -> None:
    settings = LayananSettings(
        sla_hari=row.sla_hari,
        biaya=row.biaya,
        dokumen_wajib=list(row.dokumen_wajib),
        opd_id=row.opd_id,
        opd_nama=opd_nama,
    )
    await add_event(
        session,
        "puja.tenant_registry.tenant.layanan_enabled",
        TenantLayananEnabled(
            **_ref(tenant), daerah_aktif=tenant.aktif, layanan=row.layanan, settings=settings
        ),
        tenant=tenant.kode,
        subject=tenant.kode,
    )


async def disable_layanan(session: AsyncSession, *, slug: str, layanan: str) -> None:
    _check_layanan(layanan)
    # Switching a layanan off is allowed in a switched-off region: it can bring nothing back.
    tenant = await change_tenant(session, slug, require_active=False)
    row = await TenantLayananRepository(session, tenant.kode).for_layanan(layanan)
    if row is None or not row.aktif:
        raise NotFound(f"Layanan {layanan} memang tidak aktif di {tenant.nama}.")
    row.aktif = False
    session.add(row)
    await add_event(
        session,
        "puja.tenant_registry.tenant.layanan_disabled",
        TenantLayananDisabled(**_ref(tenant), daerah_aktif=tenant.aktif, layanan=layanan),
        tenant=tenant.kode,
        subject=tenant.kode,
    )


async def create_opd(session: AsyncSession, *, slug: str, data: OpdCreate) -> OpdRead:
    tenant = await change_tenant(session, slug)
    repo = OpdRepository(session, tenant.kode)
    if await repo.by_nama(data.nama) is not None:
        raise Conflict(f"OPD '{data.nama}' sudah ada di {tenant.nama}.")
    opd = repo.add(Opd(tenant_id=tenant.kode, nama=data.nama, singkatan=data.singkatan))
    await session.flush()
    return OpdRead.model_validate(opd)


async def update_opd(session: AsyncSession, *, slug: str, opd_id: UUID, data: OpdUpdate) -> OpdRead:
    tenant = await change_tenant(session, slug)
    repo = OpdRepository(session, tenant.kode)
    opd = await repo.get_or_404(opd_id)
    changes = data.model_dump(exclude_unset=True)
    if "nama" in changes and changes["nama"] != opd.nama and await repo.by_nama(changes["nama"]) is not None:
        raise Conflict(f"OPD '{changes['nama']}' sudah ada di {tenant.nama}.")
    for key, value in changes.items():
        setattr(opd, key, value)
    session.add(opd)
    await session.flush()
    if "nama" in changes:
        # Services keep the responsible OPD's name with each layanan's settings: tell them.
        for row in await TenantLayananRepository(session, tenant.kode).all():
            if row.aktif and row.opd_id == opd.id:
                await _announce_enabled(session, tenant, row, opd.nama)
    return OpdRead.model_validate(opd)


async def list_opd(session: AsyncSession, *, slug: str) -> list[OpdRead]:
    tenant = await get_tenant(session, slug)
    return [OpdRead.model_validate(o) for o in await OpdRepository(session, tenant.kode).all()]
