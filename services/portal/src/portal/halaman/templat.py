"""The region's saved answer templates per layanan, kept by its operators: /{slug}/templat/{layanan}."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from puja_kit.db import SessionDep
from puja_kit.layanan import LAYANAN

from portal import templat
from portal.backend import Masalah
from portal.halaman import LAYANAN_PAGES
from portal.halaman.dasar import DaerahDep, FormDep, pindah, teks
from portal.sesi import MasukDep, Pengunjung
from portal.tampilan import page

router = APIRouter(prefix="/{slug}/templat")
PESAN = {
    "disimpan": "Templat disimpan.",
    "dihapus": "Templat dihapus.",
    "penuh": "Templat tidak disimpan: sudah ada, atau sudah 50 templat.",
}


def _allowed(pengunjung: Pengunjung, kode: str, layanan: str) -> None:
    if layanan not in LAYANAN_PAGES or not hasattr(LAYANAN_PAGES[layanan], "TEMPLAT_JAWABAN"):
        raise Masalah(
            404, {"title": "Halaman tidak ditemukan", "detail": "Layanan ini tidak memakai templat jawaban."}
        )
    if not (
        pengunjung.has("operator", tenant=kode, layanan=layanan)
        or pengunjung.has("admin_daerah", tenant=kode)
    ):
        raise Masalah(
            403,
            {
                "title": "Akses ditolak",
                "detail": "Hanya petugas layanan ini di daerah ini yang mengelola templatnya.",
            },
        )


@router.get("/{layanan}", response_class=HTMLResponse)
async def daftar(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    layanan: str,
    session: SessionDep,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    _allowed(pengunjung, daerah.kode, layanan)
    return page(
        pengunjung.request,
        "templat/daftar.html",
        judul="Templat jawaban",
        daerah=daerah,
        layanan=layanan,
        nama_layanan=LAYANAN[layanan],
        bawaan=LAYANAN_PAGES[layanan].TEMPLAT_JAWABAN,
        tersimpan=await templat.saved(session, daerah.kode, layanan),
        pesan=PESAN.get(pesan or ""),
    )


@router.post("/{layanan}", response_class=HTMLResponse)
async def simpan(
    daerah: DaerahDep, pengunjung: MasukDep, layanan: str, form: FormDep, session: SessionDep
) -> Response:
    _allowed(pengunjung, daerah.kode, layanan)
    isi = teks(form, "isi")[:2000]
    if len(isi) < 5:
        return pindah(f"/{daerah.slug}/templat/{layanan}?pesan=penuh")
    assert pengunjung.akun is not None
    ok = await templat.save(session, daerah.kode, layanan, isi, pengunjung.akun.akun_id)
    return pindah(f"/{daerah.slug}/templat/{layanan}?pesan={'disimpan' if ok else 'penuh'}")


@router.post("/{layanan}/{templat_id}/hapus", response_class=HTMLResponse)
async def hapus(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    layanan: str,
    templat_id: UUID,
    form: FormDep,
    session: SessionDep,
) -> Response:
    _allowed(pengunjung, daerah.kode, layanan)
    await templat.remove(session, daerah.kode, layanan, templat_id)
    return pindah(f"/{daerah.slug}/templat/{layanan}?pesan=dihapus")
