"""Test data for kependudukan: the demo family in a region, tokens for its people and staff, imports."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from kependudukan.demo import IBU_KANDUNG, KELUARGA_DEMO
from puja_kit.bus import Bus
from puja_kit.events.catalog import LayananSettings
from puja_kit.testing.plugin import RunningService, enable_layanan
from puja_kit.testing.tokens import TokenFactory, grant

KODE = "63.08"
SLUG = "kab-hulu-sungai-utara"
BASE = f"/api/kependudukan/v1/{SLUG}"
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


@dataclass
class Region:
    svc: RunningService
    tokens: TokenFactory

    @property
    def client(self) -> httpx.AsyncClient:
        return self.svc.client

    def warga(self, nik: str, **kwargs: Any) -> dict[str, str]:
        sub = kwargs.pop("sub", None)
        return self.tokens.headers(grant("warga"), nik=nik, sub=sub or _stable_id(nik), **kwargs)

    def operator(self, kode: str = KODE, layanan: str = "kependudukan") -> dict[str, str]:
        return self.tokens.headers(grant("operator", kode, layanan))

    async def import_csv(self, text: str) -> dict[str, Any]:
        response = await self.client.post(
            f"{BASE}/impor",
            files={"berkas": ("penduduk.csv", text.encode(), "text/csv")},
            headers=self.operator(),
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        for _ in range(400):
            job = (await self.client.get(f"{BASE}/impor/{job_id}", headers=self.operator())).json()
            if job["status"] != "BERJALAN":
                return dict(job)
            await asyncio.sleep(0.05)
        raise AssertionError("impor tidak selesai")


def _stable_id(nik: str) -> UUID:
    return UUID(int=int(nik))


async def enable(
    svc: RunningService, bus: Bus, *, dokumen_wajib: list[str], slug: str = SLUG, kode: str = KODE
) -> None:
    await enable_layanan(
        bus,
        svc.client,
        kode=kode,
        slug=slug,
        nama="Kabupaten Hulu Sungai Utara",
        layanan="kependudukan",
        settings=LayananSettings(sla_hari=3, dokumen_wajib=dokumen_wajib),
        probe_path=f"/api/kependudukan/v1/{slug}/lacak/KDK-XXXX-XXXX",
    )
