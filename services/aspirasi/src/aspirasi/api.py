"""Aspirasi DPRD's API under /api/aspirasi/v1/{tenant}: who may call each route is in its signature.

The aspirations' routes (`/laporan...`, `/lacak/{nomor}`, Open311) come from the kit's report layanan;
the DPRD, its agenda, pokir and the answered list per commission are this layanan's own."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response
from puja_kit.access import Petugas, Publik, WargaAtauPetugas
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import CursorDep, CursorPage, Page, PageDep
from puja_kit.tenancy import TenantDep, is_staff
from puja_kit.workflow.laporan_api import add_laporan_routes
from puja_kit.workflow.laporan_schemas import NomorLaporan

from aspirasi import pokir, service
from aspirasi.laporan import JENIS
from aspirasi.schemas import (
    AgendaCreate,
    AgendaRead,
    AgendaStatusIn,
    AnggotaCreate,
    AnggotaRead,
    AnggotaUpdate,
    AspirasiDijawab,
    FraksiCreate,
    FraksiRead,
    FraksiUpdate,
    JenisAgenda,
    KomisiCreate,
    KomisiRead,
    KomisiUpdate,
    PokirPublik,
    PokirRead,
    PokirStatusIn,
    PokirUsulIn,
    StatusAgenda,
    Waktu,
)

router = APIRouter(prefix="/{tenant}")
add_laporan_routes(router, JENIS)

SemuaQuery = Annotated[
    bool, Query(description="Termasuk yang tidak aktif (hanya untuk petugas; publik selalu yang aktif)")
]


def _aktif(semua: bool, principal: object, tenant: object) -> bool | None:
    """The public sees active rows only; staff may ask for all."""
    return None if semua and is_staff(principal, tenant) else True  # type: ignore[arg-type]


@router.get("/fraksi", response_model=Page[FraksiRead])
async def list_fraksi(
    tenant: TenantDep, session: SessionDep, page: PageDep, principal: Publik, semua: SemuaQuery = False
) -> Page[FraksiRead]:
    """Fraksi DPRD daerah, urut nama (publik)."""
    return await service.list_fraksi(
        session, tenant=tenant, page=page, aktif=_aktif(semua, principal, tenant)
    )


@router.post("/fraksi", response_model=FraksiRead, status_code=201)
async def create_fraksi(
    tenant: TenantDep, body: FraksiCreate, session: SessionDep, _: Petugas, idempotency: IdempotencyDep
) -> Response:
    """Menambah fraksi (Sekretariat DPRD: petugas aspirasi atau admin daerah)."""
    return await idempotency.run(lambda: service.create_fraksi(session, tenant=tenant, data=body))


@router.patch("/fraksi/{fraksi_id}", response_model=FraksiRead)
async def update_fraksi(
    tenant: TenantDep, fraksi_id: UUID, body: FraksiUpdate, session: SessionDep, _: Petugas
) -> FraksiRead:
    """Mengubah atau menonaktifkan fraksi (`aktif: false`) (petugas)."""
    return await service.update_fraksi(session, tenant=tenant, fraksi_id=fraksi_id, data=body)


@router.get("/komisi", response_model=Page[KomisiRead])
async def list_komisi(
    tenant: TenantDep, session: SessionDep, page: PageDep, principal: Publik, semua: SemuaQuery = False
) -> Page[KomisiRead]:
    """Komisi DPRD dengan bidang, mitra kerja dan anggotanya (publik)."""
    return await service.list_komisi(
        session, tenant=tenant, page=page, aktif=_aktif(semua, principal, tenant)
    )


@router.get("/komisi/{komisi_id}", response_model=KomisiRead)
async def get_komisi(tenant: TenantDep, komisi_id: UUID, session: SessionDep, _: Publik) -> KomisiRead:
    """Satu komisi dengan anggotanya (publik)."""
    return await service.get_komisi(session, tenant=tenant, komisi_id=komisi_id)


@router.post("/komisi", response_model=KomisiRead, status_code=201)
async def create_komisi(
    tenant: TenantDep, body: KomisiCreate, session: SessionDep, _: Petugas, idempotency: IdempotencyDep
) -> Response:
    """Menambah komisi (petugas)."""
    return await idempotency.run(lambda: service.create_komisi(session, tenant=tenant, data=body))


@router.patch("/komisi/{komisi_id}", response_model=KomisiRead)
async def update_komisi(
    tenant: TenantDep, komisi_id: UUID, body: KomisiUpdate, session: SessionDep, _: Petugas
) -> KomisiRead:
    """Mengubah atau menonaktifkan komisi (petugas)."""
    return await service.update_komisi(session, tenant=tenant, komisi_id=komisi_id, data=body)


@router.get("/anggota", response_model=Page[AnggotaRead])
async def list_anggota(
    tenant: TenantDep,
    session: SessionDep,
    page: PageDep,
    principal: Publik,
    fraksi_id: UUID | None = None,
    komisi_id: UUID | None = None,
    semua: SemuaQuery = False,
) -> Page[AnggotaRead]:
    """Anggota DPRD, menurut fraksi atau komisi; pimpinan dahulu lalu nama (publik)."""
    return await service.list_anggota(
        session,
        tenant=tenant,
        page=page,
        fraksi_id=fraksi_id,
        komisi_id=komisi_id,
        aktif=_aktif(semua, principal, tenant),
    )


@router.get("/anggota/{anggota_id}", response_model=AnggotaRead)
async def get_anggota(tenant: TenantDep, anggota_id: UUID, session: SessionDep, _: Publik) -> AnggotaRead:
    """Satu anggota DPRD (publik)."""
    return await service.get_anggota(session, tenant=tenant, anggota_id=anggota_id)


@router.post("/anggota", response_model=AnggotaRead, status_code=201)
async def create_anggota(
    tenant: TenantDep, body: AnggotaCreate, session: SessionDep, _: Petugas, idempotency: IdempotencyDep
) -> Response:
    """Menambah anggota DPRD; fraksi dan komisinya harus milik DPRD daerah ini (petugas)."""
    return await idempotency.run(lambda: service.create_anggota(session, tenant=tenant, data=body))


@router.patch("/anggota/{anggota_id}", response_model=AnggotaRead)
async def update_anggota(
    tenant: TenantDep, anggota_id: UUID, body: AnggotaUpdate, session: SessionDep, _: Petugas
) -> AnggotaRead:
    """Mengubah anggota atau menonaktifkannya (`aktif: false`, mis. pergantian antarwaktu) (petugas)."""
    return await service.update_anggota(session, tenant=tenant, anggota_id=anggota_id, data=body)


@router.get("/agenda", response_model=CursorPage[AgendaRead])
async def list_agenda(
    tenant: TenantDep,
    session: SessionDep,
    page: CursorDep,
    _: Publik,
    waktu: Annotated[
        Waktu, Query(description="mendatang: terdekat dahulu; lalu: terbaru dahulu")
    ] = "mendatang",
    jenis: JenisAgenda | None = None,
    status: StatusAgenda | None = None,
) -> CursorPage[AgendaRead]:
    """Agenda reses dan rapat dengar pendapat menurut waktu (publik; berikutnya lewat `cursor`)."""
    items, cursor = await service.list_agenda(
        session, tenant=tenant, page=page, mendatang=waktu == "mendatang", jenis=jenis, status=status
    )
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/agenda/{agenda_id}", response_model=AgendaRead)
async def get_agenda(tenant: TenantDep, agenda_id: UUID, session: SessionDep, _: Publik) -> AgendaRead:
    """Satu agenda (publik)."""
    return await service.get_agenda(session, tenant=tenant, agenda_id=agenda_id)


@router.post("/agenda", response_model=AgendaRead, status_code=201)
async def create_agenda(
    tenant: TenantDep, body: AgendaCreate, session: SessionDep, _: Petugas, idempotency: IdempotencyDep
) -> Response:
    """Menjadwalkan reses atau RDP: anggota atau komisi, tempat (kode wilayah dan/atau teks), waktu (petugas)."""
    return await idempotency.run(lambda: service.create_agenda(session, tenant=tenant, data=body))


@router.post("/agenda/{agenda_id}/status", response_model=AgendaRead)
async def set_agenda_status(
    tenant: TenantDep, agenda_id: UUID, body: AgendaStatusIn, session: SessionDep, _: Petugas
) -> AgendaRead:
    """Menandai agenda selesai atau dibatalkan (dengan alasan) (petugas)."""
    return await service.set_agenda_status(session, tenant=tenant, agenda_id=agenda_id, data=body)


@router.get("/komisi/{komisi_id}/aspirasi-dijawab", response_model=CursorPage[AspirasiDijawab])
async def list_dijawab(
    tenant: TenantDep, komisi_id: UUID, session: SessionDep, page: CursorDep, _: Publik
) -> CursorPage[AspirasiDijawab]:
    """Aspirasi yang sudah dijawab komisi ini, jawaban terbaru dahulu, tanpa identitas pengirim (publik)."""
    label = {k.kode: k.nama for k in JENIS.kategori}
    items, cursor = await pokir.dijawab(session, tenant=tenant, komisi_id=komisi_id, page=page, label=label)
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.post("/laporan/{laporan_id}/pokir", response_model=PokirRead, status_code=201)
async def usulkan_pokir(
    tenant: TenantDep, laporan_id: UUID, body: PokirUsulIn, session: SessionDep, principal: Petugas
) -> PokirRead:
    """Mencatat aspirasi yang diterima komisi sebagai usulan pokir seorang anggota DPRD (petugas Setwan)."""
    return await pokir.usulkan(session, principal, tenant=tenant, aspirasi_id=laporan_id, data=body)


@router.post("/laporan/{laporan_id}/pokir/status", response_model=PokirRead)
async def ubah_pokir(
    tenant: TenantDep, laporan_id: UUID, body: PokirStatusIn, session: SessionDep, principal: Petugas
) -> PokirRead:
    """Tahap pokir berikutnya, berurutan: diverifikasi Setwan, divalidasi OPD, dibahas TAPD, masuk Renja;
    atau tidak diterima dengan alasan (petugas Setwan)."""
    return await pokir.ubah_status(session, principal, tenant=tenant, aspirasi_id=laporan_id, data=body)


@router.get("/laporan/{laporan_id}/pokir", response_model=PokirRead)
async def lihat_pokir(
    tenant: TenantDep, laporan_id: UUID, session: SessionDep, principal: WargaAtauPetugas
) -> PokirRead:
    """Usulan pokir dari aspirasi ini dengan riwayat tiap tahapnya (pengirim aspirasi atau petugas)."""
    return await pokir.lihat(session, principal, tenant=tenant, aspirasi_id=laporan_id)


@router.get("/lacak/{nomor}/pokir", response_model=PokirPublik)
async def lacak_pokir(
    nomor: Annotated[NomorLaporan, Path()], tenant: TenantDep, session: SessionDep, _: Publik
) -> PokirPublik:
    """Tahap pokir aspirasi bernomor ini: status dan waktu saja, tanpa nama dan catatan (publik)."""
    return await pokir.lacak(session, tenant=tenant, nomor=nomor)
