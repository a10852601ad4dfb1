"""Test data for kependudukan: the demo family in region X, tokens for its people, imports."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from kependudukan.demo import IBU_KANDUNG, KELUARGA_DEMO
from puja_kit.testing.layanan import LayananDriver
from puja_kit.testing.tokens import grant

AYAH, IBU, ANAK, KAKEK = (p["nik"] for p in KELUARGA_DEMO)
TETANGGA = "6308054404880005"  # another family; SIAK holds no mother's name for her
NO_KK = "6308050101100001"
PDF = b"%PDF-1.4\n% pindaian uji\n"


def family_rows() -> list[dict[str, str]]:
    common = {
        "tempat_lahir": "Amuntai",
        "alamat": "Jl. Norman Umar No. 12",
        "rt": "004",
        "rw": "002",
        "kode_wilayah": "63.08.05.1001",
    }
    rows = [{**p, **common, "no_kk": NO_KK, "nama_ibu": IBU_KANDUNG[p["nik"]]} for p in KELUARGA_DEMO]
    rows.append(
        {
            **common,
            "nik": TETANGGA,
            "nama": "Siti Tetangga",
            "tanggal_lahir": "1988-04-04",
            "jenis_kelamin": "P",
            "no_kk": "6308050101100099",
        }
    )
    return rows


def warga_headers(layanan: LayananDriver, nik: str, **claims: Any) -> dict[str, str]:
    """A citizen's token for `nik`; the same account (sub) for the same NIK unless `sub` is given."""
    sub = claims.pop("sub", None)
    return layanan.tokens.headers(grant("warga"), nik=nik, sub=sub or UUID(int=int(nik)), **claims)


async def import_csv(layanan: LayananDriver, text: str) -> dict[str, Any]:
    """Region X's operator imports the CSV; the finished job."""
    response = await layanan.client.post(
        layanan.url("/impor"),
        files={"berkas": ("penduduk.csv", text.encode(), "text/csv")},
        headers=layanan.operator_x,
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    for _ in range(400):
        job = (await layanan.client.get(layanan.url(f"/impor/{job_id}"), headers=layanan.operator_x)).json()
        if job["status"] != "BERJALAN":
            return dict(job)
        await asyncio.sleep(0.05)
    raise AssertionError("impor tidak selesai")
