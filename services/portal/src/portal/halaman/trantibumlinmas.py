"""Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat in the portal: its pages under /{slug}/trantibumlinmas, started by `puja new-layanan`.

Grow them with the layanan: each capability of its API gets its page here and a browser test in
tests/browser/ (see docs/platform.md, "Pages in the portal").
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from portal.halaman.dasar import Daerah, DaerahDep, Tautan, api_of
from portal.sesi import Pengunjung, PengunjungDep
from portal.tampilan import page

LAYANAN = "trantibumlinmas"
NAMA = "Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat"
router = APIRouter(prefix="/{slug}/trantibumlinmas")


_api = api_of(LAYANAN)


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    """The links this layanan puts on the region's home."""
    return [Tautan(NAMA, f"/{daerah.slug}/{LAYANAN}", "daftar contoh")]


@router.get("", response_class=HTMLResponse)
async def beranda(daerah: DaerahDep, pengunjung: PengunjungDep) -> HTMLResponse:
    items = (await pengunjung.api.get(f"{_api(daerah)}/contoh", size=100))["items"]
    template = f"{LAYANAN}/beranda.html"
    return page(pengunjung.request, template, judul=NAMA, daerah=daerah, items=items)
