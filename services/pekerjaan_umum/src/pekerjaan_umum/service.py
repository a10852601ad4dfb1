"""Pekerjaan umum's damage reports: the domain (categories, location, photos, the OPD a report goes to)
around the kit's report lifecycle (`puja_kit.workflow.aduan`). Routes call these; only the request's
session dependency commits."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, InvalidInput, NotFound
from puja_kit.repository import CursorParams
from puja_kit.rls import set_tenant
from puja_kit.storage import Storage, check_upload
from puja_kit.tenancy import Tenant, is_staff
from puja_kit.workflow.aduan import (
    OPEN_STATUSES,
    AturanAduan,
    KinerjaOpd,
    SlaAduan,
    apply_aduan,
    is_overdue,
    kinerja_opd,
    merge,
    possible_duplicates,
    rate,
    receive_aduan,
)
from puja_kit.workflow.aduan_view import Penampil, aduan_view, strip_location
from puja_kit.workflow.machine import ADUAN
from puja_kit.workflow.models import Urutan
from sqlalchemy.ext.asyncio import AsyncSession

from pekerjaan_umum.models import Laporan, LaporanFoto, LaporanRiwayat
from pekerjaan_umum.repository import FotoRepository, LaporanRepository, RiwayatRepository
from pekerjaan_umum.schemas import (
    KATEGORI,
    AksiIn,
    DuplikatRead,
    FotoRead,
    KategoriRead,
    LaporanCreate,
    LaporanPublik,
    LaporanRead,
    LaporanRingkas,
    RiwayatLaporan,
)

NOMOR_PREFIX = "PU"
MAKS_FOTO = 3
FOTO_TYPES = frozenset({"image/jpeg", "image/png"})
# Two reports of one category closer than this are offered to the verifier as the same damage.
RADIUS_DUPLIKAT_M = 50.0
# The API's path segment of each step anyone but the system takes (merging has its own route).
AKSI = {
    "verifikasi": "verifikasi",
    "arsipkan": "arsipkan",
    "disposisi": "disposisi",
    "alihkan": "alihkan",
    "bukan-kewenangan": "bukan_kewenangan",
    "tindak-lanjut": "tindak_lanjut",
    "jawab": "jawab",
    "terima-jawaban": "terima_jawaban",
    "buka-kembali": "buka_kembali",
}


def aturan(tenant: Tenant) -> AturanAduan:
    """The region's rules: 3 working days to verify (SP4N-LAPOR!), the OPD's follow-up in the days the
    region set for the layanan (`sla_hari`), auto-close and reopening 10 working days."""
    return AturanAduan(sla_bawaan=SlaAduan(verifikasi=3, tindak_lanjut=tenant.settings.sla_hari))


def kategori_list() -> list[KategoriRead]:
    return [KategoriRead(kode=kode, nama=nama) for kode, nama in KATEGORI.items()]


async def _scope(session: AsyncSession, tenant: Tenant) -> None:
    # Row-level security, the second wall behind the repositories' tenant filter.
    await set_tenant(session, tenant.kode)


async def _load(
    session: AsyncSession, principal: Principal, tenant: Tenant, laporan_id: UUID, *, for_update: bool = False
) -> Laporan:
    """The report if the caller may see it: its reporter, or the region's staff of this layanan."""
    await _scope(session, tenant)
    repo = LaporanRepository(session, tenant.kode)
    obj = await (repo.get_for_update(laporan_id) if for_update else repo.get(laporan_id))
    if obj is None or not (obj.pelapor_id == principal.id or is_staff(principal, tenant)):
        raise NotFound(LaporanRepository.not_found)
    return obj


def _ringkas(obj: Laporan, tenant: Tenant) -> LaporanRingkas:
    return LaporanRingkas(
        id=obj.id,
        nomor=obj.nomor,
        kategori=obj.kategori,
        kategori_label=KATEGORI.get(obj.kategori, obj.kategori),
        status=obj.status,
        status_label=ADUAN.states.get(obj.status, obj.status),
        isi=obj.isi,
        alamat=obj.alamat,
        opd_nama=obj.opd_nama,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        sla_tahap=obj.sla_tahap,
        terlambat=is_overdue(obj, tenant.zona_waktu),
        diterima_at=obj.diterima_at,
        digabung=obj.mengikuti_id is not None,
    )


async def _detail(session: AsyncSession, principal: Principal, tenant: Tenant, obj: Laporan) -> LaporanRead:
    viewer: Penampil = "verifikator" if is_staff(principal, tenant) else "pelapor"
    riwayat = await RiwayatRepository(session, tenant.kode).of_laporan(obj.id)
    view = aduan_view(obj, viewer, pelapor_nama=obj.pelapor_nama, riwayat=riwayat)
    foto = await FotoRepository(session, tenant.kode).of_laporan(obj.id)
    return LaporanRead(
        id=obj.id,
        nomor=obj.nomor,
        kategori=obj.kategori,
        kategori_label=KATEGORI.get(obj.kategori, obj.kategori),
        status=obj.status,
        status_label=view.status_label,
        isi=obj.isi,
        alamat=obj.alamat,
        lat=view.lat,
        lon=view.lon,
        lokasi_dibagikan=obj.lokasi_dibagikan,
        anonim_publik=obj.anonim_publik,
        anonim_opd=obj.anonim_opd,
        opd_id=obj.opd_id,
        opd_nama=obj.opd_nama,
        dialihkan_ke=obj.dialihkan_ke,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        sla_tahap=obj.sla_tahap,
        terlambat=is_overdue(obj, tenant.zona_waktu),
        diterima_at=obj.diterima_at,
        dijawab_at=obj.dijawab_at,
        tutup_otomatis_at=obj.tutup_otomatis_at,
        ditutup_at=obj.ditutup_at,
        jawaban_ke=obj.jawaban_ke,
        rating=obj.rating,
        boleh_dinilai=obj.status in ("SELESAI", "DITUTUP")
        and obj.jawaban_ke > 0
        and obj.dinilai_jawaban_ke != obj.jawaban_ke,
        mengikuti_id=obj.mengikuti_id,
        pelapor=view.pelapor,
        foto=[FotoRead.model_validate(f) for f in foto],
        riwayat=[RiwayatLaporan.model_validate(r) for r in riwayat],
    )


# --- the reporter -------------------------------------------------------------------------------------


async def create_laporan(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: LaporanCreate
) -> LaporanRead:
    # A report is followed up on the reporter's word: their NIK must be proved in this region.
    principal.ensure_own_nik(tenant.kode)
    await _scope(session, tenant)
    obj = Laporan(
        tenant_id=tenant.kode,
        nomor="",
        status="",
        kategori=data.kategori,
        isi=data.isi,
        alamat=data.alamat,
        pelapor_id=principal.id,
        pelapor_nama=principal.nama,
        lat=data.lat,
        lon=data.lon,
        lokasi_dibagikan=data.lokasi_dibagikan,
        anonim_publik=data.anonim_publik or data.anonim_opd,
        anonim_opd=data.anonim_opd,
    )
    await receive_aduan(
        session, obj, LaporanRiwayat, tenant=tenant, aturan=aturan(tenant), prefix=NOMOR_PREFIX
    )
    return await _detail(session, principal, tenant, obj)


async def upload_foto(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    storage: Storage,
    laporan_id: UUID,
    data: bytes,
    now: datetime | None = None,
) -> FotoRead:
    """A photo of the reporter's open report, without its GPS unless they shared the location."""
    obj = await _load(session, principal, tenant, laporan_id, for_update=True)
    if obj.pelapor_id != principal.id:
        raise NotFound(LaporanRepository.not_found)
    if obj.status not in OPEN_STATUSES:
        raise Conflict("Foto hanya dapat ditambahkan selama laporan masih berjalan.")
    repo = FotoRepository(session, tenant.kode)
    if len(await repo.of_laporan(obj.id)) >= MAKS_FOTO:
        raise Conflict(f"Satu laporan paling banyak {MAKS_FOTO} foto.")
    try:
        check_upload(data, allowed=FOTO_TYPES)
    except InvalidInput as exc:
        raise InvalidInput(
            "Foto harus JPG atau PNG, paling besar 5 MB.",
            errors=[{"field": "berkas", "code": "jenis_berkas", "message": exc.detail or exc.title}],
        ) from exc
    clean = strip_location(data, keep_location=obj.lokasi_dibagikan)
    stored = await storage.put(f"{tenant.kode}/{obj.id}", clean)
    row = repo.add(
        LaporanFoto(
            tenant_id=tenant.kode,
            laporan_id=obj.id,
            storage_key=stored.key,
            content_type=stored.content_type,
            ukuran=stored.size,
            sha256=stored.sha256,
            diunggah_at=now or utcnow(),
        )
    )
    await session.flush()
    return FotoRead.model_validate(row)


async def open_foto(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    storage: Storage,
    laporan_id: UUID,
    foto_id: UUID,
) -> tuple[LaporanFoto, bytes]:
    obj = await _load(session, principal, tenant, laporan_id)
    row = await FotoRepository(session, tenant.kode).in_laporan(obj.id, foto_id)
    if row is None:
        raise NotFound(FotoRepository.not_found)
    return row, await storage.get(row.storage_key)


async def list_mine(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, page: CursorParams
) -> tuple[list[LaporanRingkas], str | None]:
    await _scope(session, tenant)
    repo = LaporanRepository(session, tenant.kode)
    rows, cursor = await repo.keyset(repo.of_pelapor(principal.id), page)
    return [_ringkas(row, tenant) for row in rows], cursor


async def laporan_detail(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, laporan_id: UUID
) -> LaporanRead:
    return await _detail(session, principal, tenant, await _load(session, principal, tenant, laporan_id))


async def lacak(session: AsyncSession, *, tenant: Tenant, nomor: str) -> LaporanPublik:
    """The public tracking view: statuses and times, never the reporter's identity or notes."""
    await _scope(session, tenant)
    obj = await LaporanRepository(session, tenant.kode).by_nomor(nomor.strip().upper())
    if obj is None:
        raise NotFound("Nomor laporan tidak ditemukan di daerah ini.")
    riwayat = await RiwayatRepository(session, tenant.kode).of_laporan(obj.id)
    view = aduan_view(obj, "publik", pelapor_nama=obj.pelapor_nama, riwayat=riwayat)
    return LaporanPublik(**view.model_dump(), kategori_label=KATEGORI.get(obj.kategori, obj.kategori))


async def nilai(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, laporan_id: UUID, nilai: int
) -> LaporanRead:
    obj = await _load(session, principal, tenant, laporan_id, for_update=True)
    await rate(session, obj, LaporanRiwayat, principal=principal, tenant=tenant, nilai=nilai)
    return await _detail(session, principal, tenant, obj)


# --- the staff ----------------------------------------------------------------------------------------


async def list_for_staff(
    session: AsyncSession, *, tenant: Tenant, page: CursorParams, status: str | None, urut: Urutan
) -> tuple[list[LaporanRingkas], str | None]:
    await _scope(session, tenant)
    repo = LaporanRepository(session, tenant.kode)
    rows, cursor = await repo.keyset(repo.for_staff(status=status, urut=urut), page)
    return [_ringkas(row, tenant) for row in rows], cursor


def _opd(tenant: Tenant, body: AksiIn) -> tuple[UUID, str] | None:
    """The OPD a report goes to, as the request names it (the region's OPDs are the registry's; the
    service's copy of the region does not hold them). Without a name, the layanan's own OPD's."""
    if body.opd_id is None:
        return None
    nama = body.opd_nama
    if nama is None and tenant.settings.opd_id == body.opd_id:
        nama = tenant.settings.opd_nama
    if not nama:
        raise InvalidInput(
            "Sebutkan nama OPD yang dituju.",
            errors=[{"field": "opd_nama", "code": "missing", "message": "wajib diisi"}],
        )
    return body.opd_id, nama


async def act(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    laporan_id: UUID,
    action: str,
    body: AksiIn,
    now: datetime | None = None,
) -> LaporanRead:
    """One step of the report's lifecycle, checked by the kit's workflow (status, actor, note, OPD)."""
    obj = await _load(session, principal, tenant, laporan_id, for_update=True)
    await apply_aduan(
        session,
        obj,
        LaporanRiwayat,
        action=action,
        principal=principal,
        tenant=tenant,
        aturan=aturan(tenant),
        note=body.catatan,
        opd=_opd(tenant, body),
        dialihkan_ke=body.dialihkan_ke,
        now=now,
    )
    return await _detail(session, principal, tenant, obj)


async def duplikat(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, laporan_id: UUID
) -> list[DuplikatRead]:
    """Open reports of the same category near this one, the nearest first (for the verifier)."""
    obj = await _load(session, principal, tenant, laporan_id)
    if obj.lat is None or obj.lon is None or obj.mengikuti_id is not None:
        return []
    found = await possible_duplicates(
        session,
        Laporan,
        tenant_id=tenant.kode,
        kategori=obj.kategori,
        lat=obj.lat,
        lon=obj.lon,
        radius_m=RADIUS_DUPLIKAT_M,
        exclude_id=obj.id,
    )
    return [
        DuplikatRead(
            id=d.aduan.id,
            nomor=d.aduan.nomor,
            kategori_label=KATEGORI.get(d.aduan.kategori, d.aduan.kategori),
            status=d.aduan.status,
            status_label=ADUAN.states.get(d.aduan.status, d.aduan.status),
            isi=d.aduan.isi,
            alamat=d.aduan.alamat,
            jarak_m=d.jarak_m,
            diterima_at=d.aduan.diterima_at,
        )
        for d in found
    ]


async def gabungkan(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    laporan_id: UUID,
    induk_id: UUID,
    now: datetime | None = None,
) -> LaporanRead:
    """Merge this report into `induk_id` (the first report of the same damage): archived as merged, its
    reporter follows the first report."""
    if laporan_id == induk_id:
        raise InvalidInput(
            "Laporan tidak dapat digabung dengan dirinya sendiri.",
            errors=[{"field": "induk_id", "code": "laporan_sama", "message": "laporan yang sama"}],
        )
    await _scope(session, tenant)
    repo = LaporanRepository(session, tenant.kode)
    # Both rows locked in id order, so two merges of the same pair never deadlock.
    rows: dict[UUID, Laporan | None] = {}
    for ident in sorted((laporan_id, induk_id)):
        rows[ident] = await repo.get_for_update(ident)
    obj, induk = rows[laporan_id], rows[induk_id]
    if obj is None:
        raise NotFound(LaporanRepository.not_found)
    if induk is None:
        raise InvalidInput(
            "Laporan induk tidak ditemukan di daerah ini.",
            errors=[{"field": "induk_id", "code": "tidak_dikenal", "message": "laporan tidak ditemukan"}],
        )
    await merge(
        session,
        Laporan,
        LaporanRiwayat,
        duplikat=obj,
        induk=induk,
        principal=principal,
        tenant=tenant,
        aturan=aturan(tenant),
        now=now,
    )
    return await _detail(session, principal, tenant, obj)


async def kinerja(session: AsyncSession, *, tenant: Tenant) -> list[KinerjaOpd]:
    """Ratings and SLA performance per OPD of the region's reports."""
    await _scope(session, tenant)
    return await kinerja_opd(session, Laporan, tenant_id=tenant.kode)
