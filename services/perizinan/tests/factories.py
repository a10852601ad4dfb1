"""Perizinan's test data through its API: permit types, applications in each state, uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from puja_kit.tenancy import Tenant
from puja_kit.testing.layanan import LayananDriver, Warga, Wilayah

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


async def tenant_of(p: LayananDriver, region: Wilayah | None = None) -> Tenant:
    """The region (X by default) as the service resolves it for a request."""
    tenant: Tenant = await p.svc.app.state.tenants.get((region or p.x).slug, p.name)
    return tenant


def stored_files(p: LayananDriver) -> list[Path]:
    assert p.storage_dir is not None
    return [path for path in p.storage_dir.rglob("*") if path.is_file()]


async def make_jenis_izin(p: LayananDriver, region: Wilayah | None = None, **fields: Any) -> dict[str, Any]:
    """A permit type (the warung's by default), made by the region's operator."""
    response = await p.client.post(
        p.url("/jenis-izin", region), json={**WARUNG, **fields}, headers=p.operator(region)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def make_draf(
    p: LayananDriver,
    jenis: dict[str, Any],
    who: Warga | None = None,
    region: Wilayah | None = None,
    *,
    kode_wilayah: str | None = None,
) -> dict[str, Any]:
    """A draft application by `who` (warga_a by default), for a business in the region's first kecamatan."""
    response = await p.client.post(
        p.url("/permohonan", region),
        json={
            "jenis_izin_id": jenis["id"],
            "nama_usaha": "Warung Makan Acil Siti",
            "alamat_usaha": "Jl. Norman Umar No. 12, Amuntai",
            "kode_wilayah": kode_wilayah or (region or p.x).kecamatan,
            "nib": "9120301234567",
        },
        headers=(who or p.warga_a).headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def upload(
    p: LayananDriver,
    permohonan: dict[str, Any],
    jenis: str,
    content: bytes = PDF,
    *,
    who: Warga | None = None,
    filename: str = "scan.pdf",
    region: Wilayah | None = None,
) -> httpx.Response:
    return await p.client.post(
        p.url(f"/permohonan/{permohonan['id']}/dokumen", region),
        data={"jenis": jenis},
        files={"berkas": (filename, content, "application/octet-stream")},
        headers=(who or p.warga_a).headers,
    )


async def act(
    p: LayananDriver,
    permohonan: dict[str, Any],
    action: str,
    headers: dict[str, str],
    region: Wilayah | None = None,
    **body: Any,
) -> httpx.Response:
    return await p.client.post(
        p.url(f"/permohonan/{permohonan['id']}/{action}", region), json=body or None, headers=headers
    )


async def diajukan(
    p: LayananDriver, jenis: dict[str, Any], who: Warga | None = None, region: Wilayah | None = None
) -> dict[str, Any]:
    """A draft with every required document, submitted."""
    who = who or p.warga_a
    draf = await make_draf(p, jenis, who, region)
    for name in jenis["dokumen_wajib"]:
        assert (await upload(p, draf, name, who=who, region=region)).status_code == 201
    response = await act(p, draf, "ajukan", who.headers, region)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def diproses(
    p: LayananDriver, jenis: dict[str, Any], who: Warga | None = None, region: Wilayah | None = None
) -> dict[str, Any]:
    """Submitted, verified and in process: ready to be issued."""
    permohonan = await diajukan(p, jenis, who, region)
    for action in ("verifikasi", "proses"):
        response = await act(p, permohonan, action, p.operator(region), region)
        assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
