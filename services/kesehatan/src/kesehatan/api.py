from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Response
from puja_kit import text
from puja_kit.access import Petugas, Publik, Warga
from puja_kit.baca import ReaderDep, json_response
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import Page, PageDep
from puja_kit.tenancy import TenantDep

from kesehatan.schemas import (
    AntrianCreate,
    AntrianPasienRead,
    AntrianRead,
    AntrianRingkas,
    Cari,
    FasilitasCreate,
    FasilitasDetail,
    FasilitasDirektori,
    FasilitasRead,
    FasilitasUpdate,
    JadwalCreate,
    JadwalRead,
    JenisFasilitas,
    KodeWilayah,
    PasienRead,
    PoliCreate,
    PoliRead,
)
from kesehatan.service import antrian, data_pasien, fasilitas

router = APIRouter()

Nik = Annotated[text.Nik, Path(description="NIK 16 angka")]


async def _saringan(
    jenis: JenisFasilitas | None = None,
    igd: Annotated[bool | None, Query(description="true: hanya yang melayani gawat darurat")] = None,
    kode_wilayah: Annotated[
        KodeWilayah | None, Query(description="Kecamatan atau desa (awalan kode)")
    ] = None,
    q: Annotated[Cari | None, Query(description="Cari nama atau alamat")] = None,
    aktif: Annotated[bool | None, Query(description="Bawaan: hanya yang aktif")] = True,
    lat: Annotated[float | None, Query(ge=-90, le=90, description="Lintang Anda (urut terdekat)")] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, description="Bujur Anda (urut terdekat)")] = None,
) -> fasilitas.SaringanFasilitas:
    """The directory's filters and order, the same for the list and the directory page."""
    return fasilitas.SaringanFasilitas(
        jenis=jenis, igd=igd, kode_wilayah=kode_wilayah, q=q, aktif=aktif, lat=lat, lon=lon
    )


SaringanDep = Annotated[fasilitas.SaringanFasilitas, Depends(_saringan)]


@router.get("/{tenant}/fasilitas", response_model=Page[FasilitasRead])
async def list_fasilitas(
    reader: ReaderDep,
    principal: Publik,
    page: PageDep,
    saringan: SaringanDep,
) -> Response:
    """Direktori fasilitas kesehatan daerah (publik), terdekat dulu bila lat/lon diisi."""
    # The read path (puja_kit.baca): the page as Page[FasilitasRead] writes it, not validated again.
    listing = await fasilitas.list_fasilitas(
        reader,
        page=page,
        saringan=saringan,
    )
    return json_response(listing)


@router.get("/{tenant}/direktori", response_model=Page[FasilitasDirektori])
async def direktori(
    reader: ReaderDep,
    principal: Publik,
    page: PageDep,
    saringan: SaringanDep,
) -> Response:
    """Satu halaman direktori fasilitas (saringan dan urutan seperti /fasilitas) beserta poli, jadwal
    praktik dan ringkasan antrian hari ini tiap poli (publik)."""
    # The read path, as /fasilitas: two statements whatever the page holds.
    listing = await fasilitas.direktori(
        reader,
        page=page,
        saringan=saringan,
    )
    return json_response(listing)


@router.post("/{tenant}/fasilitas", response_model=FasilitasDetail, status_code=201)
async def create_fasilitas(
    tenant: TenantDep, body: FasilitasCreate, session: SessionDep, principal: Petugas
) -> FasilitasDetail:
    """Menambah fasilitas kesehatan (operator kesehatan atau admin daerah)."""
    return await fasilitas.create_fasilitas(session, principal, tenant=tenant, data=body)


@router.get("/{tenant}/fasilitas/{fasilitas_id}", response_model=FasilitasDetail)
async def get_fasilitas(
    tenant: TenantDep, fasilitas_id: UUID, session: SessionDep, principal: Publik
) -> FasilitasDetail:
    """Profil fasilitas dengan poli dan jadwal praktiknya (publik)."""
    return await fasilitas.fasilitas_detail(session, tenant=tenant, fasilitas_id=fasilitas_id)


@router.patch("/{tenant}/fasilitas/{fasilitas_id}", response_model=FasilitasDetail)
async def update_fasilitas(
    tenant: TenantDep,
    fasilitas_id: UUID,
    body: FasilitasUpdate,
    session: SessionDep,
    principal: Petugas,
) -> FasilitasDetail:
    """Mengubah atau menonaktifkan fasilitas (operator kesehatan atau admin daerah)."""
    return await fasilitas.update_fasilitas(
        session, principal, tenant=tenant, fasilitas_id=fasilitas_id, data=body
    )


@router.post("/{tenant}/fasilitas/{fasilitas_id}/poli", response_model=PoliRead, status_code=201)
async def create_poli(
    tenant: TenantDep, fasilitas_id: UUID, body: PoliCreate, session: SessionDep, principal: Petugas
) -> PoliRead:
    """Menambah poli di fasilitas (operator kesehatan atau admin daerah)."""
    return await fasilitas.create_poli(
        session, principal, tenant=tenant, fasilitas_id=fasilitas_id, data=body
    )


@router.post("/{tenant}/poli/{poli_id}/jadwal", response_model=JadwalRead, status_code=201)
async def create_jadwal(
    tenant: TenantDep, poli_id: UUID, body: JadwalCreate, session: SessionDep, principal: Petugas
) -> JadwalRead:
    """Menambah jadwal praktik mingguan poli (operator kesehatan atau admin daerah)."""
    return await fasilitas.create_jadwal(session, principal, tenant=tenant, poli_id=poli_id, data=body)


@router.delete("/{tenant}/jadwal/{jadwal_id}", status_code=204)
async def delete_jadwal(
    tenant: TenantDep, jadwal_id: UUID, session: SessionDep, principal: Petugas
) -> Response:
    """Menghapus jadwal praktik; antrian yang sudah dipesan tetap (operator kesehatan atau admin daerah)."""
    await fasilitas.delete_jadwal(session, principal, tenant=tenant, jadwal_id=jadwal_id)
    return Response(status_code=204)


@router.get("/{tenant}/poli/{poli_id}/antrian/ringkas", response_model=AntrianRingkas)
async def queue_status(
    tenant: TenantDep,
    poli_id: UUID,
    session: SessionDep,
    principal: Publik,
    tanggal: Annotated[date | None, Query(description="Bawaan: hari ini di zona waktu daerah")] = None,
) -> AntrianRingkas:
    """Ringkasan antrian poli: nomor yang sedang dipanggil, jumlah menunggu dan sisa kuota (publik)."""
    return await antrian.queue_status(session, tenant=tenant, poli_id=poli_id, tanggal=tanggal)


@router.get("/{tenant}/poli/{poli_id}/antrian", response_model=list[AntrianPasienRead])
async def day_queue(
    tenant: TenantDep,
    poli_id: UUID,
    session: SessionDep,
    principal: Petugas,
    tanggal: Annotated[date | None, Query(description="Bawaan: hari ini di zona waktu daerah")] = None,
) -> list[AntrianPasienRead]:
    """Antrian poli pada satu hari, dengan nama dan alamat pasien (operator kesehatan)."""
    return await antrian.day_queue(session, principal, tenant=tenant, poli_id=poli_id, tanggal=tanggal)


@router.post("/{tenant}/antrian", response_model=AntrianRead, status_code=201)
async def book(
    tenant: TenantDep,
    body: AntrianCreate,
    session: SessionDep,
    principal: Warga,
    idempotency: IdempotencyDep,
) -> Response:
    """Mengambil nomor antrian di poli untuk hari berobat (warga)."""
    return await idempotency.run(lambda: antrian.book(session, principal, tenant=tenant, data=body))


@router.get("/{tenant}/antrian/saya", response_model=list[AntrianRead])
async def my_bookings(tenant: TenantDep, session: SessionDep, principal: Warga) -> list[AntrianRead]:
    """Antrian milik warga yang sedang masuk, terbaru dulu."""
    return await antrian.my_bookings(session, principal, tenant=tenant)


@router.post("/{tenant}/antrian/{antrian_id}/batal", response_model=AntrianRead)
async def cancel(tenant: TenantDep, antrian_id: UUID, session: SessionDep, principal: Warga) -> AntrianRead:
    """Membatalkan antrian sendiri yang belum dipanggil (warga)."""
    return await antrian.cancel(session, principal, tenant=tenant, antrian_id=antrian_id)


@router.post("/{tenant}/antrian/{antrian_id}/panggil", response_model=AntrianRead)
async def call(tenant: TenantDep, antrian_id: UUID, session: SessionDep, principal: Petugas) -> AntrianRead:
    """Memanggil pasien (operator kesehatan)."""
    return await antrian.advance(session, principal, tenant=tenant, antrian_id=antrian_id, aksi="panggil")


@router.post("/{tenant}/antrian/{antrian_id}/layani", response_model=AntrianRead)
async def serve(tenant: TenantDep, antrian_id: UUID, session: SessionDep, principal: Petugas) -> AntrianRead:
    """Menandai pasien yang dipanggil sudah dilayani (operator kesehatan)."""
    return await antrian.advance(session, principal, tenant=tenant, antrian_id=antrian_id, aksi="layani")


@router.post("/{tenant}/antrian/{antrian_id}/tidak-hadir", response_model=AntrianRead)
async def absent(tenant: TenantDep, antrian_id: UUID, session: SessionDep, principal: Petugas) -> AntrianRead:
    """Menandai pasien yang dipanggil tidak hadir (operator kesehatan)."""
    return await antrian.advance(session, principal, tenant=tenant, antrian_id=antrian_id, aksi="tidak_hadir")


@router.get("/{tenant}/pasien/{nik}", response_model=PasienRead)
async def get_pasien(tenant: TenantDep, nik: Nik, session: SessionDep, principal: Petugas) -> PasienRead:
    """Data pasien dari salinan data kependudukan, dengan antriannya di daerah ini (operator kesehatan)."""
    return await data_pasien.pasien(session, principal, tenant=tenant, nik=nik)
