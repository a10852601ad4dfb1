from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from puja_kit.access import Petugas, Publik, Warga, WargaAtauPetugas
from puja_kit.auth import Principal
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import CursorDep, CursorPage, Page, PageDep
from puja_kit.tenancy import Tenant, TenantDep
from puja_kit.text import Nik
from puja_kit.workflow.dokumen import download_response
from puja_kit.workflow.models import Urutan
from puja_kit.workflow.routes import add_dokumen_routes, add_transition_routes
from puja_kit.workflow.schemas import TrackingView
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.models import Permohonan, PermohonanDokumen
from perizinan.schemas import (
    CabutIn,
    Cari,
    IzinRead,
    JenisIzinCreate,
    JenisIzinRead,
    JenisIzinUpdate,
    KodePendek,
    PemohonRead,
    PermohonanCreate,
    PermohonanRead,
    PermohonanRingkas,
    Status,
    TingkatRisiko,
    VerifikasiIzin,
)
from perizinan.service import data_pemohon, izin, jenis_izin, permohonan
from perizinan.settings import Settings

router = APIRouter(prefix="/{tenant}")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


# --- jenis izin ------------------------------------------------------------------------------------


@router.get("/jenis-izin", response_model=Page[JenisIzinRead])
async def list_jenis_izin(
    tenant: TenantDep,
    session: SessionDep,
    principal: Publik,
    page: PageDep,
    tingkat_risiko: TingkatRisiko | None = None,
    q: Annotated[Cari | None, Query(description="Cari nama atau awalan KBLI")] = None,
    termasuk_nonaktif: Annotated[bool, Query(description="Juga yang nonaktif (petugas)")] = False,
) -> Page[JenisIzinRead]:
    """Jenis izin yang dibuka daerah, dengan KBLI, tingkat risiko, SLA, dokumen wajib dan biaya."""
    items, total = await jenis_izin.list_jenis_izin(
        session,
        principal,
        tenant=tenant,
        page=page,
        termasuk_nonaktif=termasuk_nonaktif,
        tingkat_risiko=tingkat_risiko,
        q=q,
    )
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.post("/jenis-izin", response_model=JenisIzinRead, status_code=201)
async def create_jenis_izin(
    body: JenisIzinCreate,
    tenant: TenantDep,
    session: SessionDep,
    principal: Petugas,
    idempotency: IdempotencyDep,
) -> Response:
    """Menambah jenis izin (petugas perizinan)."""
    return await idempotency.run(
        lambda: jenis_izin.create_jenis_izin(session, principal, tenant=tenant, data=body)
    )


@router.patch("/jenis-izin/{jenis_izin_id}", response_model=JenisIzinRead)
async def update_jenis_izin(
    jenis_izin_id: UUID,
    body: JenisIzinUpdate,
    tenant: TenantDep,
    session: SessionDep,
    principal: Petugas,
) -> JenisIzinRead:
    """Mengubah atau menonaktifkan jenis izin (petugas perizinan)."""
    return await jenis_izin.update_jenis_izin(
        session, principal, tenant=tenant, jenis_izin_id=jenis_izin_id, data=body
    )


# --- permohonan ------------------------------------------------------------------------------------


@router.post("/permohonan", response_model=PermohonanRead, status_code=201)
async def create_permohonan(
    body: PermohonanCreate,
    tenant: TenantDep,
    session: SessionDep,
    principal: Warga,
    idempotency: IdempotencyDep,
) -> Response:
    """Membuat draf permohonan izin dengan nomor pelacakan (warga)."""
    return await idempotency.run(
        lambda: permohonan.create_permohonan(session, principal, tenant=tenant, data=body)
    )


@router.get("/permohonan", response_model=CursorPage[PermohonanRingkas])
async def list_permohonan(
    tenant: TenantDep,
    session: SessionDep,
    principal: Petugas,
    page: CursorDep,
    status: Annotated[Status | None, Query(description="Mis. DIAJUKAN, VERIFIKASI")] = None,
    jenis_izin_id: UUID | None = None,
    urut: Annotated[
        Urutan,
        Query(
            description="terbaru: terbaru dahulu; sla: batas waktu terdekat dahulu "
            "(tanpa saringan status, hanya yang belum selesai)"
        ),
    ] = "terbaru",
) -> CursorPage[PermohonanRingkas]:
    """Permohonan yang masuk ke daerah, terbaru atau batas waktu terdekat dahulu (petugas perizinan;
    berikutnya lewat `cursor`)."""
    items, cursor = await permohonan.list_for_staff(
        session, principal, tenant=tenant, page=page, status=status, jenis_izin_id=jenis_izin_id, urut=urut
    )
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/permohonan/saya", response_model=CursorPage[PermohonanRingkas])
async def list_my_permohonan(
    tenant: TenantDep, session: SessionDep, principal: Warga, page: CursorDep
) -> CursorPage[PermohonanRingkas]:
    """Permohonan milik saya di daerah ini, terbaru dahulu (berikutnya lewat `cursor`)."""
    items, cursor = await permohonan.list_mine(session, principal, tenant=tenant, page=page)
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/permohonan/{permohonan_id}", response_model=PermohonanRead)
async def get_permohonan(
    permohonan_id: UUID, tenant: TenantDep, session: SessionDep, principal: WargaAtauPetugas
) -> PermohonanRead:
    """Rincian permohonan, dokumen, riwayat, SLA dan izinnya (pemohon atau petugas)."""
    return await permohonan.permohonan_detail(session, principal, tenant=tenant, permohonan_id=permohonan_id)


# The applicant uploads the permit type's required documents; the applicant and the staff download them.
add_dokumen_routes(
    router, model=PermohonanDokumen, permohonan_model=Permohonan, required=permohonan.dokumen_wajib
)


async def _transition(
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    permohonan_id: UUID,
    action: str,
    catatan: str | None,
) -> PermohonanRead:
    return await permohonan.transition(
        session, principal, tenant=tenant, permohonan_id=permohonan_id, action=action, catatan=catatan
    )


add_transition_routes(
    router,
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
    tenant: TenantDep,
    session: SessionDep,
    principal: Petugas,
    idempotency: IdempotencyDep,
) -> Response:
    """Menyelesaikan permohonan dan menerbitkan izinnya (petugas)."""
    return await idempotency.run(
        lambda: izin.terbitkan(session, principal, tenant=tenant, permohonan_id=permohonan_id)
    )


# --- izin ------------------------------------------------------------------------------------------


@router.get("/izin/{izin_id}", response_model=IzinRead)
async def get_izin(
    izin_id: UUID, tenant: TenantDep, session: SessionDep, principal: WargaAtauPetugas
) -> IzinRead:
    """Rincian izin yang terbit (pemegang atau petugas)."""
    return await izin.izin_detail(session, principal, tenant=tenant, izin_id=izin_id)


@router.get(
    "/izin/{izin_id}/pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}}
)
async def izin_pdf(
    izin_id: UUID,
    tenant: TenantDep,
    session: SessionDep,
    principal: WargaAtauPetugas,
    settings: SettingsDep,
) -> Response:
    """Mengunduh izin sebagai PDF dengan kode QR verifikasi (pemegang atau petugas)."""
    row, content = await izin.izin_pdf(
        session, principal, tenant=tenant, izin_id=izin_id, public_base_url=settings.public_base_url
    )
    return download_response(content, media_type="application/pdf", filename=f"izin-{row.nomor_izin}.pdf")


@router.post("/izin/{izin_id}/cabut", response_model=IzinRead)
async def cabut_izin(
    izin_id: UUID, body: CabutIn, tenant: TenantDep, session: SessionDep, principal: Petugas
) -> IzinRead:
    """Mencabut izin dengan alasan (petugas perizinan)."""
    return await izin.cabut_izin(session, principal, tenant=tenant, izin_id=izin_id, alasan=body.alasan)


# --- public pages ----------------------------------------------------------------------------------


@router.get("/lacak/{nomor}", response_model=TrackingView)
async def lacak(
    nomor: Annotated[KodePendek, Path()], tenant: TenantDep, session: SessionDep, principal: Publik
) -> TrackingView:
    """Lacak permohonan dengan nomornya (e-Tracking): status dan linimasa, tanpa data pribadi."""
    return await permohonan.lacak(session, tenant=tenant, nomor=nomor)


@router.get("/verifikasi/{kode}", response_model=VerifikasiIzin)
async def verifikasi_izin(
    kode: Annotated[KodePendek, Path()], tenant: TenantDep, session: SessionDep, principal: Publik
) -> VerifikasiIzin:
    """Memeriksa keaslian izin dengan kode verifikasinya: berlaku, dicabut atau kedaluwarsa."""
    return await izin.verifikasi(session, tenant=tenant, kode=kode)


# --- pemohon ---------------------------------------------------------------------------------------


@router.get("/pemohon/{nik}", response_model=PemohonRead)
async def get_pemohon(
    nik: Annotated[Nik, Path()],
    tenant: TenantDep,
    session: SessionDep,
    principal: Petugas,
) -> PemohonRead:
    """Data kependudukan pemohon yang disalin ke layanan ini dan permohonannya (petugas perizinan)."""
    return await data_pemohon.pemohon(session, principal, tenant=tenant, nik=nik)
