"""Pages for anyone: choose a region, the region's home, tracking by number, the offline page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from portal.backend import Masalah
from portal.halaman import LAYANAN_PAGES
from portal.halaman.dasar import DaerahDep, Tautan, api_of
from portal.halaman.laporan import HalamanLaporan
from portal.halaman.pusat import aktivitas_daerah
from portal.sesi import MasukDep, PengunjungDep
from portal.tampilan import page

router = APIRouter()
# Layanan that answer `GET /api/<layanan>/v1/{tenant}/lacak/{nomor}` with a public timeline, besides
# the report layanan (each page module with a `HALAMAN`, `portal.halaman.laporan`).
TRACKED = ("perizinan", "kependudukan")


def tracked_for(nomor: str) -> list[str]:
    """The layanan to ask for a tracking number: a report layanan whose prefix the number carries
    first, then the others."""
    reports = {
        name: halaman.prefix
        for name, module in LAYANAN_PAGES.items()
        if isinstance(halaman := getattr(module, "HALAMAN", None), HalamanLaporan)
    }
    upper = nomor.upper()
    first = [name for name, prefix in reports.items() if upper.startswith(f"{prefix}-")]
    return first + [name for name in (*TRACKED, *reports) if name not in first]


@router.get("/", response_class=HTMLResponse)
async def pilih_daerah(
    pengunjung: PengunjungDep, q: Annotated[str | None, Query(max_length=100)] = None
) -> HTMLResponse:
    """Choose a region: search the onboarded ones by name."""
    hasil = await pengunjung.api.get("/api/tenants/v1/tenants", q=q, size=100)
    return page(
        pengunjung.request,
        "umum/pilih_daerah.html",
        judul="Pilih daerah",
        daerah_list=hasil["items"],
        q=q or "",
    )


@router.get("/luring", response_class=HTMLResponse)
async def luring(pengunjung: PengunjungDep) -> HTMLResponse:
    """Shown by the service worker for a page never seen before while offline."""
    return page(pengunjung.request, "umum/luring.html", judul="Sedang luring")


async def unread(pengunjung: PengunjungDep) -> int:
    if not pengunjung.masuk:
        return 0
    try:
        return int((await pengunjung.api.get("/api/akun/v1/notifikasi", limit=1))["belum_dibaca"])
    except Masalah:
        return 0


@router.get("/{slug}", response_class=HTMLResponse)
async def beranda_daerah(daerah: DaerahDep, pengunjung: PengunjungDep) -> HTMLResponse:
    """The region's home: the layanan it enabled, each with its links for this visitor."""
    kartu: list[dict[str, Any]] = []
    for item in daerah.detail.get("pengaturan_layanan", []):
        if not item["aktif"]:
            continue
        module = LAYANAN_PAGES.get(item["layanan"])
        links: list[Tautan] = module.tautan(daerah, pengunjung) if module else []
        kartu.append({**item, "tautan": links})
    # When each layanan's data last changed here, from the layanan itself (None: it cannot tell now).
    activity = await aktivitas_daerah(pengunjung, daerah.slug, [k["layanan"] for k in kartu])
    for k in kartu:
        k["aktivitas"] = activity[k["layanan"]]
    return page(
        pengunjung.request,
        "umum/beranda_daerah.html",
        judul=daerah.nama,
        daerah=daerah,
        kartu=kartu,
        belum_dibaca=await unread(pengunjung),
    )


@router.get("/{slug}/saya", response_class=HTMLResponse)
async def milik_saya(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
    """The citizen's applications in this region across its layanan, the newest first."""
    items: list[dict[str, Any]] = []
    for name in daerah.layanan:
        module = LAYANAN_PAGES.get(name)
        if module is not None and hasattr(module, "milik_saya") and pengunjung.warga:
            items.extend(await module.milik_saya(daerah, pengunjung))
    items.sort(key=lambda item: str(item["waktu"]), reverse=True)
    return page(
        pengunjung.request,
        "umum/saya.html",
        judul="Permohonan saya",
        daerah=daerah,
        items=items,
        belum_dibaca=await unread(pengunjung),
    )


@router.get("/{slug}/lacak", response_class=HTMLResponse)
async def lacak(
    daerah: DaerahDep, pengunjung: PengunjungDep, nomor: Annotated[str | None, Query(max_length=60)] = None
) -> HTMLResponse:
    """Track an application by its number: status, timeline, due date; no personal data."""
    hasil: dict[str, Any] | None = None
    masalah: Masalah | None = None
    nomor = (nomor or "").strip()
    if nomor:
        for layanan in tracked_for(nomor):
            if layanan not in daerah.layanan:
                continue
            try:
                hasil = {
                    "layanan": layanan,
                    **await pengunjung.api.get(f"{api_of(layanan)(daerah)}/lacak/{nomor}"),
                }
                break
            except Masalah as exc:
                if exc.status != 404:
                    masalah = exc
                    break
        if hasil is None and masalah is None:
            masalah = Masalah(
                404,
                {
                    "title": "Nomor tidak ditemukan",
                    "detail": f"Tidak ada permohonan atau laporan bernomor {nomor} di {daerah.nama}. "
                    "Periksa kembali nomornya.",
                },
            )
    return page(
        pengunjung.request,
        "umum/lacak.html",
        judul=f"Lacak {nomor}" if nomor else "Lacak permohonan atau laporan",
        daerah=daerah,
        nomor=nomor,
        hasil=hasil,
        masalah=masalah,
        status_code=404 if masalah and masalah.status == 404 else 200,
    )
