"""Pekerjaan umum in the portal: damage reports on the portal's report pages (`portal.halaman.laporan`),
and the inventory, projects and equipment rental (`portal.halaman.pekerjaan_umum_aset`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from portal.halaman import pekerjaan_umum_aset as aset
from portal.halaman.dasar import Daerah, DaerahDep, Tautan
from portal.halaman.laporan import HalamanLaporan, add_report_pages, report_links, reports_of_mine
from portal.sesi import Pengunjung, PengunjungDep
from portal.tampilan import page

LAYANAN = "pekerjaan_umum"
NAMA = "Pekerjaan Umum"
router = APIRouter(prefix=f"/{{slug}}/{LAYANAN}")
HALAMAN = HalamanLaporan(
    layanan=LAYANAN,
    nama="Laporan kerusakan",
    judul_lapor="Laporkan kerusakan",
    prefix="PU",
    istilah_kategori="Jenis kerusakan",
    petunjuk_isi="apa yang rusak, seberapa parah, sejak kapan",
    templat_jawaban=(
        "Laporan sudah kami terima dan diteruskan ke bidang terkait untuk dicek ke lokasi.",
        "Tim sudah turun ke lokasi dan melakukan perbaikan sementara.",
        "Perbaikan permanen dijadwalkan dalam anggaran pemeliharaan tahun berjalan.",
        "Lokasi berada di ruas jalan provinsi/nasional, di luar kewenangan kabupaten.",
    ),
)
add_report_pages(router, HALAMAN)
# The inventory's, projects' and rental's pages are a module of their own under the same prefix.
routers = (router, aset.router)
_laporan_saya = reports_of_mine(HALAMAN)


async def milik_saya(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    """The citizen's damage reports and equipment bookings, for their 'Permohonan saya' page."""
    return [*await _laporan_saya(daerah, pengunjung), *await aset.milik_saya(daerah, pengunjung)]


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    return report_links(HALAMAN, daerah, pengunjung) + aset.tautan(daerah, pengunjung)


@router.get("", response_class=HTMLResponse)
async def beranda(daerah: DaerahDep, pengunjung: PengunjungDep) -> HTMLResponse:
    return page(
        pengunjung.request,
        f"{LAYANAN}/beranda.html",
        judul=NAMA,
        daerah=daerah,
        petugas=HALAMAN.petugas(pengunjung, daerah),
    )
