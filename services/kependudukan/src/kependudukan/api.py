from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from puja_kit.access import Petugas, Publik, Warga, WargaAtauPetugas
from puja_kit.auth import Principal
from puja_kit.baca import ReaderDep, json_response
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import CursorDep, CursorPage, Page, PageDep
from puja_kit.tenancy import Tenant, TenantDep
from puja_kit.workflow import PERMOHONAN, tracking_view
from puja_kit.workflow.models import Urutan
from puja_kit.workflow.routes import add_dokumen_routes, add_transition_routes
from puja_kit.workflow.schemas import TrackingView
from sqlalchemy.ext.asyncio import AsyncSession

from kependudukan.impor import COLUMNS, decode_lines, run_import
from kependudukan.models import Dokumen, Impor, Permohonan, Riwayat
from kependudukan.repository import ImporDitolakRepository, ImporRepository
from kependudukan.schemas import (
    Cari,
    Filter,
    ImporDitolakRead,
    ImporRead,
    KodeLoketRead,
    KodeWilayah,
    PelepasanNikIn,
    PelepasanNikRead,
    PendudukRead,
    PermohonanCreate,
    PermohonanListItem,
    PermohonanRead,
    PersetujuanIn,
    VerifikasiLoketIn,
    VerifikasiMandiriIn,
    VerifikasiRead,
)
from kependudukan.service import penduduk, permohonan, verifikasi
from kependudukan.validasi import nama_desa

router = APIRouter(prefix="/{tenant}")


def _penduduk(record: object) -> PendudukRead:
    read = PendudukRead.model_validate(record)
    read.nama_wilayah = nama_desa(read.kode_wilayah)
    return read


@router.post("/permohonan", response_model=PermohonanRead, status_code=201)
async def create_permohonan(
    tenant: TenantDep,
    body: PermohonanCreate,
    session: SessionDep,
    principal: Warga,
    idem: IdempotencyDep,
) -> Response:
    """Mengajukan permohonan dokumen atau perubahan data kependudukan (warga)."""
    return await idem.run(lambda: permohonan.create(session, principal, tenant=tenant, data=body))


@router.get("/permohonan/saya", response_model=CursorPage[PermohonanListItem])
async def my_permohonan(
    tenant: TenantDep, session: SessionDep, principal: Warga, page: CursorDep
) -> CursorPage[PermohonanListItem]:
    """Permohonan milik saya, terbaru dahulu (halaman berikutnya lewat `cursor`)."""
    items, cursor = await permohonan.list_own(session, principal, tenant=tenant, page=page)
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/permohonan", response_model=CursorPage[PermohonanListItem])
async def list_permohonan(
    tenant: TenantDep,
    session: SessionDep,
    principal: Petugas,
    page: CursorDep,
    status: Annotated[Filter | None, Query()] = None,
    jenis: Annotated[Filter | None, Query()] = None,
    urut: Annotated[
        Urutan,
        Query(
            description="terbaru: terbaru dahulu; sla: batas waktu terdekat dahulu "
            "(tanpa saringan status, hanya yang belum selesai)"
        ),
    ] = "terbaru",
) -> CursorPage[PermohonanListItem]:
    """Daftar permohonan daerah, terbaru atau batas waktu terdekat dahulu (petugas; halaman berikutnya lewat `cursor`)."""
    items, cursor = await permohonan.list_for_staff(
        session, principal, tenant=tenant, page=page, status=status, jenis=jenis, urut=urut
    )
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/permohonan/{permohonan_id}", response_model=PermohonanRead)
async def get_permohonan(
    tenant: TenantDep, permohonan_id: UUID, session: SessionDep, principal: WargaAtauPetugas
) -> PermohonanRead:
    """Rincian permohonan dengan riwayatnya (pemohon atau petugas)."""
    return await permohonan.read(session, principal, tenant=tenant, permohonan_id=permohonan_id)


# The applicant uploads the scans the region asks for; the applicant and the staff download them.
add_dokumen_routes(router, model=Dokumen, permohonan_model=Permohonan, required=permohonan.dokumen_wajib)


async def _transition(
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    permohonan_id: UUID,
    action: str,
    catatan: str | None,
) -> PermohonanRead:
    if action in permohonan.CITIZEN_ACTIONS:
        return await permohonan.citizen_action(
            session, principal, tenant=tenant, permohonan_id=permohonan_id, action=action
        )
    return await permohonan.staff_action(
        session, principal, tenant=tenant, permohonan_id=permohonan_id, action=action, note=catatan
    )


add_transition_routes(
    router,
    handler=_transition,
    response_model=PermohonanRead,
    actions=[
        ("ajukan", "ajukan", "Mengajukan permohonan (pemohon)."),
        ("ajukan-ulang", "ajukan_ulang", "Mengirim perbaikan (pemohon)."),
        ("batalkan", "batalkan", "Membatalkan permohonan (pemohon)."),
        ("verifikasi", "verifikasi", "Mulai memverifikasi (petugas)."),
        ("minta-perbaikan", "minta_perbaikan", "Meminta perbaikan dengan catatan (petugas)."),
        ("proses", "proses", "Berkas lengkap, diproses (petugas)."),
        ("tolak", "tolak", "Menolak dengan alasan (petugas)."),
    ],
)


@router.post("/permohonan/{permohonan_id}/setujui", response_model=PermohonanRead)
async def approve(
    tenant: TenantDep, permohonan_id: UUID, body: PersetujuanIn, session: SessionDep, principal: Petugas
) -> PermohonanRead:
    """Menyetujui: mencatat nomor dokumen SIAK dan menerapkan perubahan ke data penduduk (petugas)."""
    return await permohonan.approve(session, principal, tenant=tenant, permohonan_id=permohonan_id, data=body)


@router.get("/lacak/{nomor}", response_model=TrackingView)
async def track(tenant: TenantDep, nomor: str, session: SessionDep, principal: Publik) -> TrackingView:
    """Pelacakan publik: status dan linimasa, tanpa data pribadi."""
    return await tracking_view(session, PERMOHONAN, Permohonan, Riwayat, tenant=tenant, nomor=nomor)


@router.get("/verifikasi-nik", response_model=VerifikasiRead)
async def verification_status(tenant: TenantDep, session: SessionDep, principal: Warga) -> VerifikasiRead:
    """Apakah NIK akun saya sudah terbukti milik saya (warga)."""
    return await verifikasi.status(session, principal, tenant=tenant)


@router.post("/verifikasi-nik", response_model=VerifikasiRead)
async def verify_self(
    tenant: TenantDep, body: VerifikasiMandiriIn, session: SessionDep, principal: Warga
) -> VerifikasiRead:
    """Membuktikan NIK milik sendiri dengan No. KK dan nama ibu kandung (warga; 5 kali percobaan sehari)."""
    return await verifikasi.verify_self(session, principal, tenant=tenant, data=body)


@router.post("/verifikasi-nik/kode-loket", response_model=KodeLoketRead, status_code=201)
async def counter_code(tenant: TenantDep, session: SessionDep, principal: Warga) -> KodeLoketRead:
    """Kode untuk verifikasi di loket Disdukcapil, berlaku 24 jam (warga)."""
    return await verifikasi.counter_code(session, principal, tenant=tenant)


@router.post("/verifikasi-nik/loket", response_model=VerifikasiRead)
async def verify_at_counter(
    tenant: TenantDep, body: VerifikasiLoketIn, session: SessionDep, principal: Petugas
) -> VerifikasiRead:
    """Memverifikasi NIK warga di loket setelah KTP-nya diperiksa, dengan kode dari aplikasinya (petugas)."""
    return await verifikasi.verify_at_counter(session, principal, tenant=tenant, data=body)


@router.post("/verifikasi-nik/lepas", response_model=PelepasanNikRead, status_code=202)
async def release_at_counter(
    tenant: TenantDep, body: PelepasanNikIn, session: SessionDep, principal: Petugas
) -> PelepasanNikRead:
    """Melepas NIK dari akun lain yang belum terbukti, setelah KTP pemegangnya diperiksa di loket (petugas)."""
    return await verifikasi.release_at_counter(session, principal, tenant=tenant, data=body)


# The two hot reads go on the read path (puja_kit.baca): rows as PendudukRead writes them, not validated again.
@router.get("/penduduk/saya", response_model=list[PendudukRead])
async def my_family(reader: ReaderDep, principal: Warga) -> Response:
    """Data saya dan anggota Kartu Keluarga saya."""
    return json_response(await penduduk.keluarga_saya(reader, principal))


@router.get("/penduduk", response_model=CursorPage[PendudukRead])
async def search_penduduk(
    reader: ReaderDep,
    principal: Petugas,
    page: CursorDep,
    q: Annotated[
        Cari | None,
        Query(
            description=(
                "NIK (hanya angka), atau kata-kata nama: setiap kata harus utuh ada di nama, huruf besar"
                ' atau kecil sama, urutannya bebas (`siti` menemukan "Siti Hasanah" dan "Nur Siti",'
                ' `hasanah siti` menemukan "Siti Hasanah", `sit` tidak menemukan keduanya). Kata'
                " dipisah oleh apa pun selain huruf dan angka (`Abd. Rahman` = `abd rahman`); tanda"
                " petik dibuang (`Nur'aini` = `nuraini`). Tanpa satu kata pun: 422."
            )
        ),
    ] = None,
    kode_wilayah: Annotated[KodeWilayah | None, Query()] = None,
    status: Annotated[str | None, Query(pattern="^(HIDUP|MENINGGAL|PINDAH)$")] = None,
) -> Response:
    """Mencari penduduk daerah menurut NIK atau kata utuh nama, urut nama lalu NIK (petugas; `cursor`)."""
    return json_response(
        await penduduk.search(reader, q=q, kode_wilayah=kode_wilayah, status=status, page=page)
    )


@router.get("/penduduk/{nik}", response_model=PendudukRead)
async def get_penduduk(
    tenant: TenantDep, nik: str, session: SessionDep, principal: WargaAtauPetugas
) -> PendudukRead:
    """Data seorang penduduk (petugas, atau anggota KK yang sama)."""
    return _penduduk(await penduduk.get(session, principal, tenant=tenant, nik=nik))


@router.post("/impor", response_model=ImporRead, status_code=202)
async def start_import(
    request: Request,
    tenant: TenantDep,
    session: SessionDep,
    principal: Petugas,
    berkas: Annotated[
        UploadFile, File(description="CSV: " + ", ".join(COLUMNS) + "; boleh ditambah nama_ibu")
    ],
) -> Impor:
    """Mengimpor penduduk dari CSV; kemajuannya dipantau lewat GET /impor/{id} (petugas)."""
    data = await berkas.read()
    job = ImporRepository(session, tenant.kode).add(
        Impor(tenant_id=tenant.kode, nama_berkas=berkas.filename or "impor.csv")
    )
    await session.commit()
    task = asyncio.create_task(
        run_import(
            request.app.state.sessionmaker, tenant_kode=tenant.kode, impor_id=job.id, lines=decode_lines(data)
        )
    )
    request.app.state.imports.add(task)
    task.add_done_callback(request.app.state.imports.discard)
    return job


@router.get("/impor/{impor_id}", response_model=ImporRead)
async def get_import(tenant: TenantDep, impor_id: UUID, session: SessionDep, principal: Petugas) -> Impor:
    """Kemajuan sebuah impor (petugas)."""
    return await ImporRepository(session, tenant.kode).get_or_404(impor_id)


@router.get("/impor/{impor_id}/ditolak", response_model=Page[ImporDitolakRead])
async def rejected_rows(
    tenant: TenantDep, impor_id: UUID, session: SessionDep, principal: Petugas, page: PageDep
) -> Page[ImporDitolakRead]:
    """Baris yang ditolak beserta alasannya (petugas)."""
    await ImporRepository(session, tenant.kode).get_or_404(impor_id)
    repo = ImporDitolakRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.of(impor_id), page)
    return Page(
        items=[ImporDitolakRead.model_validate(r) for r in rows], total=total, page=page.page, size=page.size
    )
