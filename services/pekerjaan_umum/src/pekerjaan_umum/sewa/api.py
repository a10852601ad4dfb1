"""The rental's routes under /api/pekerjaan-umum/v1/{tenant}: machines, tariffs and the calendar are
public; citizens with a proved NIK and the staff book; the staff take each step."""

# No `from __future__ import annotations`: the step routes' endpoints are built at import time and
# FastAPI reads their annotations at runtime.

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from puja_kit.access import Petugas, Publik, Warga, WargaAtauPetugas, akses
from puja_kit.auth import Principal
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import CursorDep, CursorPage
from puja_kit.tenancy import TenantDep

from pekerjaan_umum.sewa import service
from pekerjaan_umum.sewa.schemas import (
    AksiIn,
    AlatIn,
    AlatRead,
    AlatUbah,
    BulanTahun,
    JenisAlat,
    KalenderRead,
    PemesananIn,
    PemesananRead,
    PemesananRingkas,
    StatusPemesanan,
    TarifIn,
    TarifRead,
)

router = APIRouter(prefix="/{tenant}")


@router.get("/alat", response_model=list[AlatRead])
async def list_alat(tenant: TenantDep, session: SessionDep, _: Publik) -> list[AlatRead]:
    """Alat berat daerah yang dapat disewa, dengan tarif hariannya (publik)."""
    return await service.list_alat(session, tenant=tenant)


@router.post("/alat", response_model=AlatRead, status_code=201)
async def create_alat(
    body: AlatIn, tenant: TenantDep, session: SessionDep, _: Petugas, idempotency: IdempotencyDep
) -> Response:
    """Mencatat alat berat: nama, jenis, nomor polisi/seri (petugas)."""
    return await idempotency.run(lambda: service.create_alat(session, tenant=tenant, data=body))


@router.patch("/alat/{alat_id}", response_model=AlatRead)
async def update_alat(
    alat_id: UUID, body: AlatUbah, tenant: TenantDep, session: SessionDep, _: Petugas
) -> AlatRead:
    """Mengubah nama atau status alat (tersedia / dalam perawatan) (petugas)."""
    return await service.update_alat(session, tenant=tenant, alat_id=alat_id, data=body)


@router.get("/alat/{alat_id}/kalender", response_model=KalenderRead)
async def kalender(
    alat_id: UUID,
    tenant: TenantDep,
    session: SessionDep,
    _: Publik,
    bulan: Annotated[BulanTahun | None, Query(description="TTTT-BB; kosong: bulan ini")] = None,
) -> KalenderRead:
    """Kalender pemesanan alat sebulan: hari yang terpakai dan jumlah antrean per hari (publik, tanpa data
    pemohon)."""
    return await service.kalender(session, tenant=tenant, alat_id=alat_id, bulan=bulan)


@router.get("/tarif-alat", response_model=list[TarifRead])
async def list_tarif(tenant: TenantDep, session: SessionDep, _: Publik) -> list[TarifRead]:
    """Tarif sewa harian per jenis alat menurut Perda retribusi daerah (publik)."""
    return await service.list_tarif(session, tenant=tenant)


@router.put("/tarif-alat/{jenis}", response_model=TarifRead)
async def set_tarif(
    jenis: JenisAlat, body: TarifIn, tenant: TenantDep, session: SessionDep, _: Petugas
) -> TarifRead:
    """Menetapkan tarif sewa harian satu jenis alat (petugas); berlaku untuk pemesanan berikutnya."""
    return await service.set_tarif(session, tenant=tenant, jenis=jenis, data=body)


@router.post("/sewa", response_model=PemesananRead, status_code=201)
async def create_pemesanan(
    body: PemesananIn,
    tenant: TenantDep,
    session: SessionDep,
    principal: WargaAtauPetugas,
    idempotency: IdempotencyDep,
) -> Response:
    """Memesan alat untuk rentang tanggal (hari terakhir ikut dihitung); biaya = hari x tarif harian.
    Tanggal yang sudah terpakai masuk antrean (warga dengan NIK terbukti, atau petugas atas nama OPD)."""
    return await idempotency.run(
        lambda: service.create_pemesanan(session, principal, tenant=tenant, data=body)
    )


@router.get("/sewa", response_model=CursorPage[PemesananRingkas])
async def list_pemesanan(
    tenant: TenantDep,
    session: SessionDep,
    _: Petugas,
    page: CursorDep,
    status: Annotated[StatusPemesanan | None, Query(description="Mis. DIAJUKAN")] = None,
    alat_id: Annotated[UUID | None, Query()] = None,
) -> CursorPage[PemesananRingkas]:
    """Kotak masuk pemesanan alat, terbaru dahulu, dengan posisi antrean (petugas)."""
    items, cursor = await service.list_for_staff(
        session, tenant=tenant, page=page, status=status, alat_id=alat_id
    )
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/sewa/saya", response_model=CursorPage[PemesananRingkas])
async def list_my_pemesanan(
    tenant: TenantDep, session: SessionDep, principal: Warga, page: CursorDep
) -> CursorPage[PemesananRingkas]:
    """Pemesanan alat saya di daerah ini, terbaru dahulu."""
    items, cursor = await service.list_mine(session, principal, tenant=tenant, page=page)
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/sewa/{pemesanan_id}", response_model=PemesananRead)
async def get_pemesanan(
    pemesanan_id: UUID, tenant: TenantDep, session: SessionDep, principal: WargaAtauPetugas
) -> PemesananRead:
    """Rincian pemesanan dan riwayatnya (pemohon atau petugas)."""
    return await service.pemesanan_detail(session, principal, tenant=tenant, pemesanan_id=pemesanan_id)


SUMMARY = {
    "setujui": "Menyetujui pemesanan; ditolak bila tanggalnya bentrok dengan pemesanan yang disetujui (petugas).",
    "tolak": "Menolak pemesanan dengan alasan wajib (petugas).",
    "bayar": "Mencatat pembayaran retribusi ke Kas Daerah: referensi_bayar wajib (petugas).",
    "serahkan": "Menyerahkan alat kepada pemesan (petugas).",
    "kembalikan": "Mencatat alat telah dikembalikan, dengan catatan kondisinya (petugas).",
    "batalkan": "Membatalkan pemesanan dengan alasan wajib (pemohon sebelum membayar, atau petugas).",
}


def _endpoint(aksi: str) -> Callable[..., Awaitable[Any]]:
    caller = (
        akses("warga", "operator", "admin_daerah")
        if service.LANGKAH[aksi].pemohon
        else akses("operator", "admin_daerah")
    )

    async def endpoint(
        pemesanan_id: UUID,
        tenant: TenantDep,
        session: SessionDep,
        principal: Principal = Depends(caller),
        body: AksiIn | None = None,
    ) -> PemesananRead:
        return await service.act(
            session, principal, tenant=tenant, pemesanan_id=pemesanan_id, aksi=aksi, body=body or AksiIn()
        )

    return endpoint


for _aksi in service.LANGKAH:
    router.add_api_route(
        f"/sewa/{{pemesanan_id}}/{_aksi}",
        _endpoint(_aksi),
        methods=["POST"],
        response_model=PemesananRead,
        summary=SUMMARY[_aksi],
        name=f"sewa_{_aksi}",
    )
