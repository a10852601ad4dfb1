from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from puja_kit.auth import Principal, PrincipalDep
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import Page, PageDep
from puja_kit.storage import StorageDep
from puja_kit.tenancy import Tenant, ensure_staff, tenant_dependency
from puja_kit.workflow import PERMOHONAN, tracking_view
from puja_kit.workflow.routes import add_transition_routes
from puja_kit.workflow.schemas import TrackingView
from sqlalchemy.ext.asyncio import AsyncSession

from kependudukan import service, verifikasi
from kependudukan.impor import COLUMNS, decode_lines, run_import
from kependudukan.models import Impor, Permohonan, Riwayat
from kependudukan.repository import ImporDitolakRepository, ImporRepository, PendudukRepository
from kependudukan.schemas import (
    DokumenRead,
    ImporDitolakRead,
    ImporRead,
    KodeLoketRead,
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
from kependudukan.validasi import nama_desa

router = APIRouter(prefix="/{tenant}")
TenantDep = Annotated[Tenant, Depends(tenant_dependency("kependudukan"))]


def _penduduk(record: object) -> PendudukRead:
    read = PendudukRead.model_validate(record)
    read.nama_wilayah = nama_desa(read.kode_wilayah)
    return read


@router.post("/permohonan", response_model=PermohonanRead, status_code=201)
async def create_permohonan(
    tenant: TenantDep,
    body: PermohonanCreate,
    session: SessionDep,
    principal: PrincipalDep,
    idem: IdempotencyDep,
) -> Response:
    """Mengajukan permohonan dokumen atau perubahan data kependudukan (warga)."""
    if (replayed := await idem.replay()) is not None:
        return replayed
    created = await service.create_permohonan(session, principal, tenant=tenant, data=body)
    return await idem.remember(created)


@router.get("/permohonan/saya", response_model=Page[PermohonanListItem])
async def my_permohonan(
    tenant: TenantDep, session: SessionDep, principal: PrincipalDep, page: PageDep
) -> Page[PermohonanListItem]:
    """Permohonan milik saya."""
    items, total = await service.list_own(session, principal, tenant=tenant, page=page)
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.get("/permohonan", response_model=Page[PermohonanListItem])
async def list_permohonan(
    tenant: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    status: Annotated[str | None, Query(max_length=30)] = None,
    jenis: Annotated[str | None, Query(max_length=30)] = None,
) -> Page[PermohonanListItem]:
    """Daftar permohonan daerah (petugas)."""
    items, total = await service.list_for_staff(
        session, principal, tenant=tenant, page=page, status=status, jenis=jenis
    )
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.get("/permohonan/{permohonan_id}", response_model=PermohonanRead)
async def get_permohonan(
    tenant: TenantDep, permohonan_id: UUID, session: SessionDep, principal: PrincipalDep
) -> PermohonanRead:
    """Rincian permohonan dengan riwayatnya (pemohon atau petugas)."""
    return await service.read_permohonan(session, principal, tenant=tenant, permohonan_id=permohonan_id)


@router.post("/permohonan/{permohonan_id}/dokumen", response_model=DokumenRead, status_code=201)
async def upload_dokumen(
    tenant: TenantDep,
    permohonan_id: UUID,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
    jenis: Annotated[str, Form(max_length=60)],
    berkas: Annotated[UploadFile, File()],
) -> DokumenRead:
    """Mengunggah pindaian dokumen (PDF/JPG/PNG, maks. 5 MB)."""
    data = await berkas.read()
    return await service.upload_dokumen(
        session,
        principal,
        tenant=tenant,
        storage=storage,
        permohonan_id=permohonan_id,
        jenis=jenis,
        data=data,
    )


@router.get("/permohonan/{permohonan_id}/dokumen/{dokumen_id}")
async def get_dokumen(
    tenant: TenantDep,
    permohonan_id: UUID,
    dokumen_id: UUID,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
) -> Response:
    """Mengunduh dokumen permohonan (pemohon atau petugas)."""
    content, content_type = await service.dokumen_content(
        session, principal, tenant=tenant, storage=storage, permohonan_id=permohonan_id, dokumen_id=dokumen_id
    )
    return Response(content, media_type=content_type, headers={"Cache-Control": "private, no-store"})


async def _transition(
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    permohonan_id: UUID,
    action: str,
    catatan: str | None,
) -> PermohonanRead:
    if action in service.CITIZEN_ACTIONS:
        return await service.citizen_action(
            session, principal, tenant=tenant, permohonan_id=permohonan_id, action=action
        )
    return await service.staff_action(
        session, principal, tenant=tenant, permohonan_id=permohonan_id, action=action, note=catatan
    )


add_transition_routes(
    router,
    layanan="kependudukan",
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
    tenant: TenantDep, permohonan_id: UUID, body: PersetujuanIn, session: SessionDep, principal: PrincipalDep
) -> PermohonanRead:
    """Menyetujui: mencatat nomor dokumen SIAK dan menerapkan perubahan ke data penduduk (petugas)."""
    return await service.approve(session, principal, tenant=tenant, permohonan_id=permohonan_id, data=body)


@router.get("/lacak/{nomor}", response_model=TrackingView)
async def track(tenant: TenantDep, nomor: str, session: SessionDep) -> TrackingView:
    """Pelacakan publik: status dan linimasa, tanpa data pribadi."""
    return await tracking_view(session, PERMOHONAN, Permohonan, Riwayat, tenant=tenant, nomor=nomor)


@router.get("/verifikasi-nik", response_model=VerifikasiRead)
async def verification_status(
    tenant: TenantDep, session: SessionDep, principal: PrincipalDep
) -> VerifikasiRead:
    """Apakah NIK akun saya sudah terbukti milik saya (warga)."""
    return await verifikasi.status(session, principal, tenant=tenant)


@router.post("/verifikasi-nik", response_model=VerifikasiRead)
async def verify_self(
    tenant: TenantDep, body: VerifikasiMandiriIn, session: SessionDep, principal: PrincipalDep
) -> VerifikasiRead:
    """Membuktikan NIK milik sendiri dengan No. KK dan nama ibu kandung (warga; 5 kali percobaan sehari)."""
    return await verifikasi.verify_self(session, principal, tenant=tenant, data=body)


@router.post("/verifikasi-nik/kode-loket", response_model=KodeLoketRead, status_code=201)
async def counter_code(tenant: TenantDep, session: SessionDep, principal: PrincipalDep) -> KodeLoketRead:
    """Kode untuk verifikasi di loket Disdukcapil, berlaku 24 jam (warga)."""
    return await verifikasi.counter_code(session, principal, tenant=tenant)


@router.post("/verifikasi-nik/loket", response_model=VerifikasiRead)
async def verify_at_counter(
    tenant: TenantDep, body: VerifikasiLoketIn, session: SessionDep, principal: PrincipalDep
) -> VerifikasiRead:
    """Memverifikasi NIK warga di loket setelah KTP-nya diperiksa, dengan kode dari aplikasinya (petugas)."""
    return await verifikasi.verify_at_counter(session, principal, tenant=tenant, data=body)


@router.post("/verifikasi-nik/lepas", response_model=PelepasanNikRead, status_code=202)
async def release_at_counter(
    tenant: TenantDep, body: PelepasanNikIn, session: SessionDep, principal: PrincipalDep
) -> PelepasanNikRead:
    """Melepas NIK dari akun lain yang belum terbukti, setelah KTP pemegangnya diperiksa di loket (petugas)."""
    return await verifikasi.release_at_counter(session, principal, tenant=tenant, data=body)


@router.get("/penduduk/saya", response_model=list[PendudukRead])
async def my_family(tenant: TenantDep, session: SessionDep, principal: PrincipalDep) -> list[PendudukRead]:
    """Data saya dan anggota Kartu Keluarga saya."""
    return [_penduduk(p) for p in await service.keluarga_saya(session, principal, tenant=tenant)]


@router.get("/penduduk", response_model=Page[PendudukRead])
async def search_penduduk(
    tenant: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=100, description="NIK atau nama")] = None,
    kode_wilayah: Annotated[str | None, Query(max_length=13)] = None,
    status: Annotated[str | None, Query(pattern="^(HIDUP|MENINGGAL|PINDAH)$")] = None,
) -> Page[PendudukRead]:
    """Mencari penduduk daerah (petugas)."""
    ensure_staff(principal, tenant)
    repo = PendudukRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.search(q=q, kode_wilayah=kode_wilayah, status=status), page)
    return Page(items=[_penduduk(r) for r in rows], total=total, page=page.page, size=page.size)


@router.get("/penduduk/{nik}", response_model=PendudukRead)
async def get_penduduk(
    tenant: TenantDep, nik: str, session: SessionDep, principal: PrincipalDep
) -> PendudukRead:
    """Data seorang penduduk (petugas, atau anggota KK yang sama)."""
    return _penduduk(await service.get_penduduk(session, principal, tenant=tenant, nik=nik))


@router.post("/impor", response_model=ImporRead, status_code=202)
async def start_import(
    request: Request,
    tenant: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    berkas: Annotated[
        UploadFile, File(description="CSV: " + ", ".join(COLUMNS) + "; boleh ditambah nama_ibu")
    ],
) -> Impor:
    """Mengimpor penduduk dari CSV; kemajuannya dipantau lewat GET /impor/{id} (petugas)."""
    ensure_staff(principal, tenant)
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
async def get_import(
    tenant: TenantDep, impor_id: UUID, session: SessionDep, principal: PrincipalDep
) -> Impor:
    """Kemajuan sebuah impor (petugas)."""
    ensure_staff(principal, tenant)
    return await ImporRepository(session, tenant.kode).get_or_404(impor_id)


@router.get("/impor/{impor_id}/ditolak", response_model=Page[ImporDitolakRead])
async def rejected_rows(
    tenant: TenantDep, impor_id: UUID, session: SessionDep, principal: PrincipalDep, page: PageDep
) -> Page[ImporDitolakRead]:
    """Baris yang ditolak beserta alasannya (petugas)."""
    ensure_staff(principal, tenant)
    await ImporRepository(session, tenant.kode).get_or_404(impor_id)
    repo = ImporDitolakRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.of(impor_id), page)
    return Page(
        items=[ImporDitolakRead.model_validate(r) for r in rows], total=total, page=page.page, size=page.size
    )
