"""Kesehatan's test data through its API: facilities, poli, schedules, citizens and their bookings."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import httpx
from puja_kit.db import utcnow
from puja_kit.testing.layanan import LayananDriver, Warga
from puja_kit.workflow.sla import local_date

_serial = itertools.count(1)


def today(layanan: LayananDriver) -> date:
    """Today in region X, as the service counts it."""
    return local_date(utcnow(), layanan.x.zona_waktu)


def in_days(layanan: LayananDriver, days: int) -> date:
    return today(layanan) + timedelta(days=days)


def make_warga(layanan: LayananDriver, nama: str = "Siti Aminah", nik: str | None = None) -> Warga:
    """A citizen of region X with a proved NIK, a fresh one unless given."""
    return layanan.warga(nama, nik or layanan.x.nik())


async def make_fasilitas(layanan: LayananDriver, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "jenis": "puskesmas",
        "nama": f"Puskesmas Uji {next(_serial)}",
        "alamat": "Jl. Uji No. 1",
        "kode_wilayah": "63.08.05",
    }
    body.update(overrides)
    response = await layanan.client.post(layanan.url("/fasilitas"), json=body, headers=layanan.operator_x)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def make_poli(layanan: LayananDriver, fasilitas_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"nama": "Poli Umum"}
    body.update(overrides)
    response = await layanan.client.post(
        layanan.url(f"/fasilitas/{fasilitas_id}/poli"), json=body, headers=layanan.operator_x
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def make_jadwal(layanan: LayananDriver, poli_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hari": today(layanan).weekday(),
        "jam_mulai": "08:00",
        "jam_selesai": "12:00",
        "tenaga": "dr. Siti Rahmah",
        "kuota": 30,
    }
    body.update(overrides)
    response = await layanan.client.post(
        layanan.url(f"/poli/{poli_id}/jadwal"), json=body, headers=layanan.operator_x
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def make_open_poli(
    layanan: LayananDriver, *, kuota: int = 30, fasilitas: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A poli with a schedule on every day of the week, so any date in the window can be booked."""
    fasilitas = fasilitas or await make_fasilitas(layanan)
    poli = await make_poli(layanan, fasilitas["id"], nama=f"Poli Umum {next(_serial)}", kode="U")
    for hari in range(7):
        await make_jadwal(layanan, poli["id"], hari=hari, kuota=kuota)
    return poli


async def book(
    layanan: LayananDriver,
    who: Warga,
    poli_id: str,
    tanggal: date | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = {"poli_id": poli_id, "tanggal": (tanggal or today(layanan)).isoformat()}
    return await layanan.client.post(
        layanan.url("/antrian"), json=body, headers={**who.headers, **(headers or {})}
    )


async def make_booking(
    layanan: LayananDriver, who: Warga, poli_id: str, tanggal: date | None = None
) -> dict[str, Any]:
    """A booking that must succeed."""
    response = await book(layanan, who, poli_id, tanggal)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def act(
    layanan: LayananDriver, antrian_id: str, aksi: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await layanan.client.post(
        layanan.url(f"/antrian/{antrian_id}/{aksi}"), headers=headers or layanan.operator_x
    )


async def read_queue(
    layanan: LayananDriver, poli_id: str, tanggal: date | None = None
) -> list[dict[str, Any]]:
    """The day's queue of a poli, as region X's operator reads it."""
    response = await layanan.client.get(
        layanan.url(f"/poli/{poli_id}/antrian"),
        params={"tanggal": (tanggal or today(layanan)).isoformat()},
        headers=layanan.operator_x,
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows
