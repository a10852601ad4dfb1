"""The inventory's and the projects' routes under /api/pekerjaan-umum/v1/{tenant}: the public reads,
the staff write."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from puja_kit.access import Petugas, Publik
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import CursorDep, CursorPage
from puja_kit.tenancy import TenantDep

from pekerjaan_umum.inventaris import service
from pekerjaan_umum.inventaris.schemas import (
    AsetIn,
    AsetRead,
    AsetRingkas,
    AsetUbah,
    Jenis,
    KodeKecamatan,
    Kondisi,
    LaporanAset,
    ProgresIn,
    ProyekIn,
    ProyekRead,
    ProyekRingkas,
    Ringkasan,
    StatusProyek,
    StatusProyekIn,
    SurveiIn,
)

router = APIRouter(prefix="/{tenant}")


@router.get("/aset", response_model=CursorPage[AsetRingkas])
async def list_aset(
    tenant: TenantDep,
    session: SessionDep,
    _: Publik,
    page: CursorDep,
    jenis: Annotated[Jenis | None, Query(description="ruas_jalan, jembatan, drainase")] = None,
    kondisi: Annotated[Kondisi | None, Query(description="BAIK, SEDANG, RUSAK_RINGAN, RUSAK_BERAT")] = None,
    kecamatan: Annotated[
        KodeKecamatan | None, Query(description="Kode wilayah kecamatan, mis. 63.08.01")
    ] = None,
) -> CursorPage[AsetRingkas]:
    """Inventaris prasarana daerah urut nama, dengan kondisi terakhir (publik; berikutnya lewat `cursor`)."""
    items, cursor = await service.list_aset(
        session, tenant=tenant, page=page, jenis=jenis, kondisi=kondisi, kecamatan=kecamatan
    )
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/aset/ringkasan", response_model=Ringkasan)
async def ringkasan(tenant: TenantDep, session: SessionDep, _: Publik) -> Ringkasan:
    """Panjang jalan (km) per kondisi dan jumlah aset per jenis (publik)."""
    return await service.ringkasan(session, tenant=tenant)


@router.post("/aset", response_model=AsetRead, status_code=201)
async def create_aset(
    body: AsetIn, tenant: TenantDep, session: SessionDep, _: Petugas, idempotency: IdempotencyDep
) -> Response:
    """Mencatat ruas jalan (sesuai SK Bupati), jembatan atau saluran drainase (petugas)."""
    return await idempotency.run(lambda: service.create_aset(session, tenant=tenant, data=body))


@router.get("/aset/{aset_id}", response_model=AsetRead)
async def get_aset(aset_id: UUID, tenant: TenantDep, session: SessionDep, _: Publik) -> AsetRead:
    """Rincian aset, riwayat kondisinya dan proyek yang mengerjakannya (publik)."""
    return await service.aset_detail(session, tenant=tenant, aset_id=aset_id)


@router.patch("/aset/{aset_id}", response_model=AsetRead)
async def update_aset(
    aset_id: UUID, body: AsetUbah, tenant: TenantDep, session: SessionDep, _: Petugas
) -> AsetRead:
    """Mengubah data aset (petugas)."""
    return await service.update_aset(session, tenant=tenant, aset_id=aset_id, data=body)


@router.post("/aset/{aset_id}/survei", response_model=AsetRead, status_code=201)
async def add_survei(
    aset_id: UUID, body: SurveiIn, tenant: TenantDep, session: SessionDep, principal: Petugas
) -> AsetRead:
    """Mencatat hasil survei kondisi; kondisi aset mengikuti survei bertanggal terakhir (petugas)."""
    return await service.add_survei(session, principal, tenant=tenant, aset_id=aset_id, data=body)


@router.get("/aset/{aset_id}/laporan", response_model=list[LaporanAset])
async def laporan_aset(
    aset_id: UUID, tenant: TenantDep, session: SessionDep, _: Petugas
) -> list[LaporanAset]:
    """Laporan kerusakan yang dikaitkan dengan aset ini, terbaru dahulu (petugas)."""
    return await service.laporan_of_aset(session, tenant=tenant, aset_id=aset_id)


@router.post("/aset/{aset_id}/laporan/{laporan_id}", response_model=LaporanAset)
async def link_laporan(
    aset_id: UUID, laporan_id: UUID, tenant: TenantDep, session: SessionDep, _: Petugas
) -> LaporanAset:
    """Mengaitkan laporan kerusakan dengan aset ini (petugas)."""
    return await service.link_laporan(session, tenant=tenant, aset_id=aset_id, laporan_id=laporan_id)


@router.get("/proyek", response_model=CursorPage[ProyekRingkas])
async def list_proyek(
    tenant: TenantDep,
    session: SessionDep,
    _: Publik,
    page: CursorDep,
    status: Annotated[
        StatusProyek | None, Query(description="RENCANA, BERJALAN, SELESAI, DIHENTIKAN")
    ] = None,
) -> CursorPage[ProyekRingkas]:
    """Proyek pekerjaan umum daerah, terbaru dahulu (publik; berikutnya lewat `cursor`)."""
    items, cursor = await service.list_proyek(session, tenant=tenant, page=page, status=status)
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.post("/proyek", response_model=ProyekRead, status_code=201)
async def create_proyek(
    body: ProyekIn, tenant: TenantDep, session: SessionDep, _: Petugas, idempotency: IdempotencyDep
) -> Response:
    """Mencatat proyek dengan anggaran (rupiah), kontraktor dan aset yang dikerjakan (petugas)."""
    return await idempotency.run(lambda: service.create_proyek(session, tenant=tenant, data=body))


@router.get("/proyek/{proyek_id}", response_model=ProyekRead)
async def get_proyek(proyek_id: UUID, tenant: TenantDep, session: SessionDep, _: Publik) -> ProyekRead:
    """Rincian proyek dan laporan kemajuannya (publik)."""
    return await service.proyek_detail(session, tenant=tenant, proyek_id=proyek_id)


@router.post("/proyek/{proyek_id}/status", response_model=ProyekRead)
async def set_status(
    proyek_id: UUID, body: StatusProyekIn, tenant: TenantDep, session: SessionDep, _: Petugas
) -> ProyekRead:
    """Mengubah status proyek: RENCANA -> BERJALAN -> SELESAI, atau DIHENTIKAN dengan alasan (petugas)."""
    return await service.set_status_proyek(session, tenant=tenant, proyek_id=proyek_id, data=body)


@router.post("/proyek/{proyek_id}/progres", response_model=ProyekRead, status_code=201)
async def add_progres(
    proyek_id: UUID, body: ProgresIn, tenant: TenantDep, session: SessionDep, principal: Petugas
) -> ProyekRead:
    """Laporan kemajuan fisik dan keuangan (persen); turun hanya sebagai koreksi bercatatan (petugas)."""
    return await service.add_progres(session, principal, tenant=tenant, proyek_id=proyek_id, data=body)
