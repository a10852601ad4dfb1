"""Pekerjaan umum's test data through its API: reports in each state, photos with GPS, the OPDs."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from puja_kit.db import new_id
from puja_kit.testing.layanan import LayananDriver, Warga, Wilayah

# Two OPDs of region X, as the registry would name them (the request carries id and name).
PUPR = {"opd_id": str(new_id()), "opd_nama": "Dinas Pekerjaan Umum dan Penataan Ruang"}
DISHUB = {"opd_id": str(new_id()), "opd_nama": "Dinas Perhubungan"}
AMUNTAI = (-2.4300, 115.2500)
# About 15 m north-east of AMUNTAI: the same pothole seen by a second reporter.
DEKAT = (-2.43010, 115.25010)
JAUH = (-2.4500, 115.2800)


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (180, 90, 40))
    exif = Image.Exif()
    exif[0x010F] = "Kamera Warga"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (2.0, 25.0, 48.0), 3: "E", 4: (115.0, 15.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def stored_files(p: LayananDriver) -> list[Path]:
    assert p.storage_dir is not None
    return [path for path in p.storage_dir.rglob("*") if path.is_file()]


async def lapor(
    p: LayananDriver,
    who: Warga | None = None,
    region: Wilayah | None = None,
    *,
    where: tuple[float, float] = AMUNTAI,
    **fields: Any,
) -> dict[str, Any]:
    """A damage report by `who` (warga_a by default): a pothole in Amuntai unless told otherwise."""
    body = {
        "kategori": "jalan_rusak",
        "isi": "Jalan berlubang besar di depan pasar, berbahaya bagi pengendara motor.",
        "lat": where[0],
        "lon": where[1],
        **fields,
    }
    response = await p.client.post(p.url("/laporan", region), json=body, headers=(who or p.warga_a).headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def act(
    p: LayananDriver,
    laporan: dict[str, Any],
    aksi: str,
    headers: dict[str, str] | None = None,
    *,
    status: int = 200,
    **body: Any,
) -> dict[str, Any]:
    """One step through its route, by the region's operator unless `headers` say otherwise."""
    response = await p.client.post(
        p.url(f"/laporan/{laporan['id']}/{aksi}"), json=body, headers=headers or p.operator_x
    )
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


async def dijawab(p: LayananDriver, laporan: dict[str, Any]) -> dict[str, Any]:
    """The report verified, disposed to PUPR, followed up and answered."""
    await act(p, laporan, "verifikasi")
    await act(p, laporan, "disposisi", **PUPR)
    await act(p, laporan, "tindak-lanjut", catatan="Tim turun ke lokasi")
    return await act(p, laporan, "jawab", catatan="Lubang sudah ditambal dengan aspal dingin")
