from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from puja_kit.auth import OptionalPrincipalDep, Principal, PrincipalDep
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import Page, PageDep
from puja_kit.storage import EXTENSIONS, MAX_BYTES, StorageDep
from puja_kit.tenancy import Tenant, tenant_dependency
from puja_kit.workflow.routes import add_transition_routes
from puja_kit.workflow.schemas import TrackingView
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan import service
from perizinan.schemas import (
    CabutIn,
    DokumenRead,
    IzinRead,
    JenisIzinCreate,
    JenisIzinRead,
    JenisIzinUpdate,
    PemohonRead,
    PermohonanCreate,
    PermohonanRead,
    PermohonanRingkas,
    TingkatRisiko,
    VerifikasiIzin,
)
from perizinan.settings import Settings

router = APIRouter(prefix="/{tenant}")

TenantDep = Annotated[Tenant, Depends(tenant_dependency("perizinan"))]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


def _attachment(name: str, *, inline: bool = False) -> dict[str, str]:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "berkas"
    disposition = "inline" if inline else "attachment"
    # Personal documents: never kept by a shared cache.
    return {"Content-Disposition": f'{disposition}; filename="{safe}"', "Cache-Control": "private, no-store"}


# --- jenis izin ------------------------------------------------------------------------------------


@router.get("/jenis-izin", response_model=Page[JenisIzinRead])
async def list_jenis_izin(
    daerah: TenantDep,
    session: SessionDep,
    principal: OptionalPrincipalDep,
    page: PageDep,
    tingkat_risiko: TingkatRisiko | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Cari nama atau awalan KBLI")] = None,
    termasuk_nonaktif: Annotated[bool, Query(description="Juga yang nonaktif (petugas)")] = False,
) -> Page[JenisIzinRead]:
    """Jenis izin yang dibuka daerah, dengan KBLI, tingkat risiko, SLA, dokumen wajib dan biaya."""
    items, total = await service.list_jenis_izin(
        session,
        principal,
        tenant=daerah,
        page=page,
        termasuk_nonaktif=termasuk_nonaktif,
        tingkat_risiko=tingkat_risiko,
        q=q,
    )
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.post("/jenis-izin", response_model=JenisIzinRead, status_code=201)
async def create_jenis_izin(
    body: JenisIzinCreate,
    daerah: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Menambah jenis izin (petugas perizinan)."""
    if (replayed := await idempotency.replay()) is not None:
        return replayed
    created = await service.create_jenis_izin(session, principal, tenant=daerah, data=body)
    return await idempotency.remember(created, status=201)


@router.patch("/jenis-izin/{jenis_izin_id}", response_model=JenisIzinRead)
async def update_jenis_izin(
    jenis_izin_id: UUID,
    body: JenisIzinUpdate,
    daerah: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
) -> JenisIzinRead:
    """Mengubah atau menonaktifkan jenis izin (petugas perizinan)."""
    return await service.update_jenis_izin(
        session, principal, tenant=daerah, jenis_izin_id=jenis_izin_id, data=body
    )


# --- permohonan ------------------------------------------------------------------------------------


@router.post("/permohonan", response_model=PermohonanRead, status_code=201)
async def create_permohonan(
    body: PermohonanCreate,
    daerah: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Membuat draf permohonan izin dengan nomor pelacakan (warga)."""
    if (replayed := await idempotency.replay()) is not None:
        return replayed
    created = await service.create_permohonan(session, principal, tenant=daerah, data=body)
    return await idempotency.remember(created, status=201)


@router.get("/permohonan", response_model=Page[PermohonanRingkas])
async def list_permohonan(
    daerah: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    status: Annotated[str | None, Query(max_length=30, description="Mis. DIAJUKAN, VERIFIKASI")] = None,
    jenis_izin_id: UUID | None = None,
) -> Page[PermohonanRingkas]:
    """Permohonan yang masuk ke daerah, terbaru dahulu (petugas perizinan)."""
    items, total = await service.list_for_staff(
        session, principal, tenant=daerah, page=page, status=status, jenis_izin_id=jenis_izin_id
    )
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.get("/permohonan/saya", response_model=Page[PermohonanRingkas])
async def list_my_permohonan(
    daerah: TenantDep, session: SessionDep, principal: PrincipalDep, page: PageDep
) -> Page[PermohonanRingkas]:
    """Permohonan milik saya di daerah ini."""
    items, total = await service.list_mine(session, principal, tenant=daerah, page=page)
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.get("/permohonan/{permohonan_id}", response_model=PermohonanRead)
async def get_permohonan(
    permohonan_id: UUID, daerah: TenantDep, session: SessionDep, principal: PrincipalDep
) -> PermohonanRead:
    """Rincian permohonan, dokumen, riwayat, SLA dan izinnya (pemohon atau petugas)."""
    return await service.permohonan_detail(session, principal, tenant=daerah, permohonan_id=permohonan_id)


@router.post("/permohonan/{permohonan_id}/dokumen", response_model=DokumenRead, status_code=201)
async def upload_dokumen(
    permohonan_id: UUID,
    jenis: Annotated[str, Form(min_length=1, max_length=120, description="Salah satu dokumen wajib")],
    berkas: Annotated[UploadFile, File(description="PDF, JPG atau PNG, paling besar 5 MB")],
    daerah: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
) -> DokumenRead:
    """Mengunggah (atau mengganti) satu dokumen wajib saat draf atau perlu perbaikan (pemohon)."""
    data = await berkas.read(MAX_BYTES + 1)
    return await service.upload_dokumen(
        session,
        principal,
        tenant=daerah,
        storage=storage,
        permohonan_id=permohonan_id,
        jenis=jenis,
        data=data,
        nama_berkas=berkas.filename,
    )


@router.get(
    "/permohonan/{permohonan_id}/dokumen/{dokumen_id}",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}},
)
async def download_dokumen(
    permohonan_id: UUID,
    dokumen_id: UUID,
    daerah: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
) -> Response:
    """Mengunduh dokumen yang diunggah (pemohon atau petugas)."""
    row, data = await service.dokumen_file(
        session, principal, tenant=daerah, storage=storage, permohonan_id=permohonan_id, dokumen_id=dokumen_id
    )
    name = f"{row.jenis}.{EXTENSIONS.get(row.content_type, 'bin')}"
    return Response(data, media_type=row.content_type, headers=_attachment(name))


async def _transition(
    session: AsyncSession,
    principal: Principal,
    daerah: Tenant,
    permohonan_id: UUID,
    action: str,
    catatan: str | None,
) -> PermohonanRead:
    return await service.transition(
        session, principal, tenant=daerah, permohonan_id=permohonan_id, action=action, catatan=catatan
    )


add_transition_routes(
    router,
    layanan="perizinan",
    handler=_transition,
    response_model=PermohonanRead,
    actions=[
        (
            "ajukan",
            "ajukan",
            "Mengajukan draf setelah semua dokumen wajib diunggah; SLA mulai berjalan (pemohon).",
        ),
        (
            "ajukan-ulang",
            "ajukan_ulang",
            "Mengirim perbaikan yang diminta petugas; SLA berjalan lagi (pemohon).",
        ),
        ("batalkan", "batalkan", "Membatalkan permohonan sebelum diproses (pemohon)."),
        ("verifikasi", "verifikasi", "Mulai memverifikasi berkas permohonan (petugas)."),
        (
            "minta-perbaikan",
            "minta_perbaikan",
            "Meminta pemohon memperbaiki berkas, dengan catatan wajib; SLA berhenti (petugas).",
        ),
        ("proses", "proses", "Menyatakan berkas lengkap dan memproses permohonan (petugas)."),
        ("tolak", "tolak", "Menolak permohonan dengan alasan wajib (petugas)."),
    ],
)


@router.post("/permohonan/{permohonan_id}/terbitkan", response_model=IzinRead, status_code=201)
async def terbitkan(
    permohonan_id: UUID,
    daerah: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Menyelesaikan permohonan dan menerbitkan izinnya (petugas)."""
    if (replayed := await idempotency.replay()) is not None:
        return replayed
    izin = await service.terbitkan(session, principal, tenant=daerah, permohonan_id=permohonan_id)
    return await idempotency.remember(izin, status=201)


# --- izin ------------------------------------------------------------------------------------------


@router.get("/izin/{izin_id}", response_model=IzinRead)
async def get_izin(
    izin_id: UUID, daerah: TenantDep, session: SessionDep, principal: PrincipalDep
) -> IzinRead:
    """Rincian izin yang terbit (pemegang atau petugas)."""
    return await service.izin_detail(session, principal, tenant=daerah, izin_id=izin_id)


@router.get(
    "/izin/{izin_id}/pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}}
)
async def izin_pdf(
    izin_id: UUID, daerah: TenantDep, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> Response:
    """Mengunduh izin sebagai PDF dengan kode QR verifikasi (pemegang atau petugas)."""
    izin, content = await service.izin_pdf(
        session, principal, tenant=daerah, izin_id=izin_id, public_base_url=settings.public_base_url
    )
    return Response(content, media_type="application/pdf", headers=_attachment(f"izin-{izin.nomor_izin}.pdf"))


@router.post("/izin/{izin_id}/cabut", response_model=IzinRead)
async def cabut_izin(
    izin_id: UUID, body: CabutIn, daerah: TenantDep, session: SessionDep, principal: PrincipalDep
) -> IzinRead:
    """Mencabut izin dengan alasan (petugas perizinan)."""
    return await service.cabut_izin(session, principal, tenant=daerah, izin_id=izin_id, alasan=body.alasan)


# --- public pages ----------------------------------------------------------------------------------


@router.get("/lacak/{nomor}", response_model=TrackingView)
async def lacak(
    nomor: Annotated[str, Path(max_length=20)], daerah: TenantDep, session: SessionDep
) -> TrackingView:
    """Lacak permohonan dengan nomornya (e-Tracking): status dan linimasa, tanpa data pribadi."""
    return await service.lacak(session, tenant=daerah, nomor=nomor)


@router.get("/verifikasi/{kode}", response_model=VerifikasiIzin)
async def verifikasi_izin(
    kode: Annotated[str, Path(max_length=20)], daerah: TenantDep, session: SessionDep
) -> VerifikasiIzin:
    """Memeriksa keaslian izin dengan kode verifikasinya: berlaku, dicabut atau kedaluwarsa."""
    return await service.verifikasi(session, tenant=daerah, kode=kode)


# --- pemohon ---------------------------------------------------------------------------------------


@router.get("/pemohon/{nik}", response_model=PemohonRead)
async def get_pemohon(
    nik: Annotated[str, Path(pattern=r"^\d{16}$")],
    daerah: TenantDep,
    session: SessionDep,
    principal: PrincipalDep,
) -> PemohonRead:
    """Data kependudukan pemohon yang disalin ke layanan ini dan permohonannya (petugas perizinan)."""
    return await service.pemohon(session, principal, tenant=daerah, nik=nik)
