"""A driver for perizinan in tests: the running service, regions, people and a few ready-made steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from puja_kit.bus import Bus
from puja_kit.db import new_id
from puja_kit.events.catalog import LayananSettings
from puja_kit.tenancy import Tenant
from puja_kit.testing.plugin import RunningService, StartService, enable_layanan, eventually
from puja_kit.testing.tokens import TokenFactory, grant

HSU = "63.08"
TABALONG = "63.09"
REGIONS = {  # slug, name, a kecamatan where businesses are applied for
    HSU: ("kab-hulu-sungai-utara", "Kabupaten Hulu Sungai Utara", "63.08.05"),
    TABALONG: ("kab-tabalong", "Kabupaten Tabalong", "63.09.01"),
}
OPD = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DOKUMEN = ["KTP", "NIB", "Denah lokasi usaha"]
WARUNG = {
    "nama": "Sertifikat Standar Usaha Warung Makan",
    "kbli": "56102",
    "tingkat_risiko": "menengah_rendah",
    "sla_hari": 5,
    "dokumen_wajib": DOKUMEN,
    "masa_berlaku_tahun": 5,
    "biaya": 0,
}


@dataclass(frozen=True)
class Warga:
    nama: str
    nik: str
    id: UUID = field(default_factory=new_id)


SITI = Warga("Siti Rahmah", "6308055708900002")  # a woman: birth day + 40
BUDI = Warga("Budi Santoso", "6308051708900001")


@dataclass
class PerizinanDriver:
    """Test modules cannot import conftest (importlib mode), so the helpers travel on the driver."""

    svc: RunningService
    bus: Bus
    tokens: TokenFactory
    storage_dir: Path

    HSU = HSU
    TABALONG = TABALONG
    SITI = SITI
    BUDI = BUDI
    PDF = PDF
    PNG = PNG
    DOKUMEN = DOKUMEN
    WARUNG = WARUNG
    eventually = staticmethod(eventually)

    @property
    def client(self) -> httpx.AsyncClient:
        return self.svc.client

    def url(self, path: str, kode: str = HSU) -> str:
        return f"/api/perizinan/v1/{REGIONS[kode][0]}{path}"

    def warga(self, person: Warga = SITI) -> dict[str, str]:
        return self.tokens.headers(grant("warga"), sub=person.id, nik=person.nik, name=person.nama)

    def operator(self, kode: str = HSU, layanan: str = "perizinan") -> dict[str, str]:
        return self.tokens.headers(grant("operator", kode, layanan), name="Petugas DPMPTSP")

    def admin(self, kode: str = HSU) -> dict[str, str]:
        return self.tokens.headers(grant("admin_daerah", kode), name="Admin Daerah")

    async def tenant(self, kode: str = HSU) -> Tenant:
        """The region as the service resolves it for a request."""
        tenant: Tenant = await self.svc.app.state.tenants.get(REGIONS[kode][0], "perizinan")
        return tenant

    async def enable(self, kode: str = HSU, **settings: Any) -> None:
        """The registry's announcement that the region enabled perizinan, then wait until it answers."""
        slug, nama, _ = REGIONS[kode]
        await enable_layanan(
            self.bus,
            self.client,
            kode=kode,
            slug=slug,
            nama=nama,
            layanan="perizinan",
            settings=LayananSettings(**{"sla_hari": 5, "opd_nama": OPD, **settings}),
            probe_path=self.url("/jenis-izin", kode),
        )

    async def jenis_izin(self, kode: str = HSU, **fields: Any) -> dict[str, Any]:
        response = await self.client.post(
            self.url("/jenis-izin", kode), json={**WARUNG, **fields}, headers=self.operator(kode)
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def draf(self, jenis: dict[str, Any], person: Warga = SITI, kode: str = HSU) -> dict[str, Any]:
        response = await self.client.post(
            self.url("/permohonan", kode),
            json={
                "jenis_izin_id": jenis["id"],
                "nama_usaha": "Warung Makan Acil Siti",
                "alamat_usaha": "Jl. Norman Umar No. 12, Amuntai",
                "kode_wilayah": REGIONS[kode][2],
                "nib": "9120301234567",
            },
            headers=self.warga(person),
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def upload(
        self,
        permohonan: dict[str, Any],
        jenis: str,
        content: bytes = PDF,
        *,
        person: Warga = SITI,
        filename: str = "scan.pdf",
        kode: str = HSU,
    ) -> httpx.Response:
        return await self.client.post(
            self.url(f"/permohonan/{permohonan['id']}/dokumen", kode),
            data={"jenis": jenis},
            files={"berkas": (filename, content, "application/octet-stream")},
            headers=self.warga(person),
        )

    async def act(
        self,
        permohonan: dict[str, Any],
        action: str,
        headers: dict[str, str],
        kode: str = HSU,
        **body: Any,
    ) -> httpx.Response:
        return await self.client.post(
            self.url(f"/permohonan/{permohonan['id']}/{action}", kode), json=body or None, headers=headers
        )

    async def diajukan(self, jenis: dict[str, Any], person: Warga = SITI, kode: str = HSU) -> dict[str, Any]:
        """A draft with every required document, submitted."""
        draf = await self.draf(jenis, person, kode)
        for name in jenis["dokumen_wajib"]:
            assert (await self.upload(draf, name, person=person, kode=kode)).status_code == 201
        response = await self.act(draf, "ajukan", self.warga(person), kode)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def diproses(self, jenis: dict[str, Any], person: Warga = SITI, kode: str = HSU) -> dict[str, Any]:
        """Submitted, verified and in process: ready to be issued."""
        permohonan = await self.diajukan(jenis, person, kode)
        for action in ("verifikasi", "proses"):
            response = await self.act(permohonan, action, self.operator(kode), kode)
            assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def stored_files(self) -> list[Path]:
        return [p for p in self.storage_dir.rglob("*") if p.is_file()]


@pytest.fixture
async def perizinan(
    start_service: StartService, bus: Bus, tokens: TokenFactory, tmp_path: Path
) -> PerizinanDriver:
    storage_dir = tmp_path / "uploads"
    svc = await start_service("perizinan", storage_dir=storage_dir)
    driver = PerizinanDriver(svc, bus, tokens, storage_dir)
    await driver.enable(HSU)
    return driver
