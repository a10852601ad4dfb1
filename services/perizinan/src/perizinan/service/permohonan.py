"""Permohonan: the applicant's application on the PERMOHONAN workflow, its documents, and the staff list."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from puja_kit import wilayah
from puja_kit.auth import Principal
from puja_kit.errors import InvalidInput
from puja_kit.penduduk import warga
from puja_kit.repository import CursorParams
from puja_kit.tenancy import Tenant
from puja_kit.workflow import PERMOHONAN, Workflow, apply_transition, assign_number, dokumen, tracking_view
from puja_kit.workflow.models import Urutan
from puja_kit.workflow.schemas import TrackingView
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.models import JenisIzin, Permohonan, PermohonanDokumen, PermohonanRiwayat
from perizinan.repository import JenisIzinRepository, PermohonanRepository
from perizinan.schemas import PermohonanCreate, PermohonanRead, PermohonanRingkas
from perizinan.service.access import _load, _scope
from perizinan.service.reading import _detail, _ringkas_many

NOMOR_PREFIX = "IZN"


# --- permohonan: the applicant ---------------------------------------------------------------------


async def create_permohonan(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: PermohonanCreate
) -> PermohonanRead:
    # A permit is issued in the holder's name: the NIK must be theirs, proved in this region.
    nik = principal.ensure_own_nik(tenant.kode)
    await _scope(session, tenant)
    jenis = await JenisIzinRepository(session, tenant.kode).get(data.jenis_izin_id)
    if jenis is None or not jenis.aktif:
        raise InvalidInput(
            "Jenis izin tidak ditemukan atau tidak dibuka di daerah ini.",
            errors=[
                {"field": "jenis_izin_id", "code": "tidak_dikenal", "message": "jenis izin tidak tersedia"}
            ],
        )
    wilayah.in_region(data.kode_wilayah, tenant.kode)
    copy = await warga(session, tenant.kode, nik)
    obj = Permohonan(
        tenant_id=tenant.kode,
        nomor="",
        status=PERMOHONAN.initial,
        pemohon_id=principal.id,
        pemohon_nik=nik,
        pemohon_nama=(copy.nama if copy and copy.nama else principal.nama) or "-",
        jenis_izin_id=jenis.id,
        nama_usaha=data.nama_usaha.strip(),
        alamat_usaha=data.alamat_usaha.strip(),
        kode_wilayah=data.kode_wilayah,
        kode_wilayah_edisi=wilayah.EDISI,
        nib=data.nib,
        pemohon_meninggal=copy is not None and copy.status == "MENINGGAL",
    )
    await assign_number(session, obj, NOMOR_PREFIX)
    await session.refresh(obj)
    return await _detail(session, tenant, obj)


async def dokumen_wajib(session: AsyncSession, tenant: Tenant, obj: Permohonan) -> list[str]:
    """The documents an application asks for: its permit type's (for the kit's document routes)."""
    return (await JenisIzinRepository(session, tenant.kode).get_or_404(obj.jenis_izin_id)).dokumen_wajib


async def permohonan_detail(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, permohonan_id: UUID
) -> PermohonanRead:
    obj = await _load(session, principal, tenant, permohonan_id)
    return await _detail(session, tenant, obj)


async def list_mine(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, page: CursorParams
) -> tuple[list[PermohonanRingkas], str | None]:
    await _scope(session, tenant)
    repo = PermohonanRepository(session, tenant.kode)
    rows, cursor = await repo.keyset(repo.of_pemohon(principal.id), page)
    return await _ringkas_many(session, tenant, rows), cursor


def _dead_applicant_guard(obj: Permohonan) -> str | None:
    if obj.pemohon_meninggal:
        return "Pemohon dilaporkan meninggal dunia; izin tidak dapat diterbitkan atas namanya."
    return None


async def transition(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    permohonan_id: UUID,
    action: str,
    catatan: str | None = None,
    now: datetime | None = None,
) -> PermohonanRead:
    """Any step of the workflow except issuing, which also creates the permit (see `terbitkan`)."""
    obj = await _load(session, principal, tenant, permohonan_id, for_update=True)
    await _apply(session, principal, tenant=tenant, obj=obj, action=action, catatan=catatan, now=now)
    return await _detail(session, tenant, obj)


async def _apply(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    obj: Permohonan,
    action: str,
    catatan: str | None,
    now: datetime | None,
) -> JenisIzin:
    jenis = await JenisIzinRepository(session, tenant.kode).get_or_404(obj.jenis_izin_id)
    workflow: Workflow = await dokumen.require_dokumen(
        session, PERMOHONAN, PermohonanDokumen, obj, action=action, required=jenis.dokumen_wajib
    )
    if action == "selesaikan":
        workflow = workflow.with_guard(action, _dead_applicant_guard)
    # The SLA clock runs on the permit type's working days, not the layanan's default.
    sla_tenant = replace(tenant, settings=tenant.settings.model_copy(update={"sla_hari": jenis.sla_hari}))
    await apply_transition(
        session,
        workflow,
        obj,
        PermohonanRiwayat,
        action=action,
        principal=principal,
        tenant=sla_tenant,
        note=catatan.strip() if catatan else None,
        now=now,
    )
    await session.flush()
    return jenis


async def lacak(session: AsyncSession, *, tenant: Tenant, nomor: str) -> TrackingView:
    await _scope(session, tenant)
    return await tracking_view(session, PERMOHONAN, Permohonan, PermohonanRiwayat, tenant=tenant, nomor=nomor)


# --- permohonan: staff -----------------------------------------------------------------------------


async def list_for_staff(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    page: CursorParams,
    status: str | None,
    jenis_izin_id: UUID | None,
    urut: Urutan = "terbaru",
) -> tuple[list[PermohonanRingkas], str | None]:
    """For the region's staff (the route admits only them); drafts are not listed."""
    if status is not None and status not in PERMOHONAN.states:
        raise InvalidInput(
            errors=[
                {
                    "field": "status",
                    "code": "enum",
                    "message": "pilih salah satu: " + ", ".join(PERMOHONAN.states),
                }
            ]
        )
    await _scope(session, tenant)
    repo = PermohonanRepository(session, tenant.kode)
    listing = repo.for_staff(status=status, jenis_izin_id=jenis_izin_id, urut=urut)
    rows, cursor = await repo.keyset(listing, page)
    return await _ringkas_many(session, tenant, rows), cursor
