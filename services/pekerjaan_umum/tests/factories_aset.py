"""Test data of the inventory and the rental, through the API: road segments, a machine with its tariff,
bookings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from puja_kit.testing.layanan import LayananDriver, Warga
from puja_kit.workflow.sla import today_in

AMUNTAI_TENGAH = "63.08.05"
BANJANG = "63.08.06"
TARIF_EKSKAVATOR = 1_750_000


def hari(n: int) -> str:
    """A date n days from today in the region (WITA), as the API takes it."""
    return (today_in("WITA") + timedelta(days=n)).isoformat()


def tanggal(n: int) -> date:
    return today_in("WITA") + timedelta(days=n)


async def ruas(p: LayananDriver, nomor: str = "001", km: float = 4.2, **fields: Any) -> dict[str, Any]:
    body = {
        "jenis": "ruas_jalan",
        "nama": f"Ruas Amuntai - Banjang {nomor}",
        "nomor_ruas": nomor,
        "panjang_km": km,
        "lebar_m": 4.5,
        "tipe": "aspal",
        "kecamatan": [AMUNTAI_TENGAH, BANJANG],
        **fields,
    }
    response = await p.client.post(p.url("/aset"), json=body, headers=p.operator_x)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def survei(
    p: LayananDriver, aset: dict[str, Any], kondisi: str, pada: str, **fields: Any
) -> dict[str, Any]:
    body = {"tanggal": pada, "kondisi": kondisi, "surveyor": "Tim Bidang Bina Marga", **fields}
    response = await p.client.post(p.url(f"/aset/{aset['id']}/survei"), json=body, headers=p.operator_x)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def ekskavator(p: LayananDriver, nomor: str = "DA 9001 AH") -> dict[str, Any]:
    tarif = await p.client.put(
        p.url("/tarif-alat/excavator"),
        json={"tarif_harian": TARIF_EKSKAVATOR, "dasar_hukum": "Perda Kab. HSU tentang Retribusi Daerah"},
        headers=p.operator_x,
    )
    assert tarif.status_code == 200, tarif.text
    response = await p.client.post(
        p.url("/alat"),
        json={"nama": "Ekskavator PC-200", "jenis": "excavator", "nomor": nomor},
        headers=p.operator_x,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def pesan(
    p: LayananDriver, alat: dict[str, Any], mulai: int, selesai: int, who: Warga | None = None, **fields: Any
) -> dict[str, Any]:
    body = {
        "alat_id": alat["id"],
        "mulai": hari(mulai),
        "selesai": hari(selesai),
        "keperluan": "Normalisasi saluran desa sebelum musim hujan.",
        "lokasi": "Desa Sungai Malang, Amuntai Tengah",
        **fields,
    }
    response = await p.client.post(p.url("/sewa"), json=body, headers=(who or p.warga_a).headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def langkah(
    p: LayananDriver,
    booking: dict[str, Any],
    aksi: str,
    headers: dict[str, str] | None = None,
    *,
    status: int = 200,
    **body: Any,
) -> dict[str, Any]:
    response = await p.client.post(
        p.url(f"/sewa/{booking['id']}/{aksi}"), json=body, headers=headers or p.operator_x
    )
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result
