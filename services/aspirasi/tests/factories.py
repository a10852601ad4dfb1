"""Helpers shared by aspirasi's tests (test modules cannot import conftest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from puja_kit.testing.layanan import LayananDriver, Warga, Wilayah


def in_hours(hours: float) -> str:
    """An aware timestamp `hours` from now, as the API takes it."""
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


async def komisi_dan_anggota(
    p: LayananDriver, region: Wilayah | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A commission and an active member of it (in region X by default), added by the region's operator."""
    headers = p.operator(region)
    fraksi = await p.client.post(
        p.url("/fraksi", region), json={"nama": "Fraksi Uji", "singkatan": "F-Uji"}, headers=headers
    )
    komisi = await p.client.post(
        p.url("/komisi", region), json={"nama": "Komisi III", "bidang": "Pembangunan"}, headers=headers
    )
    assert fraksi.status_code == komisi.status_code == 201, fraksi.text + komisi.text
    anggota = await p.client.post(
        p.url("/anggota", region),
        json={
            "nama": "H. Abdul Haris",
            "fraksi_id": fraksi.json()["id"],
            "komisi_id": komisi.json()["id"],
            "dapil": "Dapil 4",
            "periode_mulai": "2024-08-26",
            "periode_selesai": "2029-08-26",
        },
        headers=headers,
    )
    assert anggota.status_code == 201, anggota.text
    return komisi.json(), anggota.json()


async def kirim(p: LayananDriver, who: Warga | None = None, **fields: Any) -> dict[str, Any]:
    """An aspiration by `who` (warga_a by default), without a map point."""
    body = {
        "kategori": "pembangunan",
        "isi": "Mohon jalan desa Sungai Malang diaspal, rusak sejak 2022.",
        **fields,
    }
    response = await p.client.post(p.url("/laporan"), json=body, headers=(who or p.warga_a).headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def act(
    p: LayananDriver,
    aspirasi: dict[str, Any],
    aksi: str,
    headers: dict[str, str] | None = None,
    *,
    status: int = 200,
    **body: Any,
) -> dict[str, Any]:
    response = await p.client.post(
        p.url(f"/laporan/{aspirasi['id']}/{aksi}"), json=body, headers=headers or p.operator_x
    )
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


async def dijawab(p: LayananDriver, aspirasi: dict[str, Any], komisi: dict[str, Any]) -> dict[str, Any]:
    """Verified, disposed to the commission, followed up and answered."""
    await act(p, aspirasi, "verifikasi")
    await act(p, aspirasi, "disposisi", opd_id=komisi["id"])
    await act(p, aspirasi, "tindak-lanjut", catatan="Dibahas dalam rapat kerja dengan Dinas PUPR")
    return await act(p, aspirasi, "jawab", catatan="Jalan Sungai Malang masuk usulan perbaikan tahun depan.")
