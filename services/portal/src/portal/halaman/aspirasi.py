"""Aspirasi DPRD in the portal: the region's DPRD (commissions, factions, members) and the agenda of its
public hearings (reses, RDP) for anyone; aspirations on the portal's report pages (`portal.halaman.
laporan`), disposed to a commission; the pokir made of an aspiration (the secretariat records each step,
the sender follows them, the public sees the states); each commission's answered aspirations. The
secretariat keeps the DPRD (factions, commissions, members) and the agenda up to date on its own pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from portal.backend import Masalah
from portal.halaman import aspirasi_dprd as dprd
from portal.halaman.dasar import (
    Daerah,
    DaerahDep,
    FormDep,
    Tautan,
    api_of,
    pindah,
    staff_of,
    teks,
)
from portal.halaman.laporan import HalamanLaporan, add_report_pages, report_links, reports_of_mine
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import page

LAYANAN = "aspirasi"
NAMA = "Aspirasi DPRD"
router = APIRouter(prefix="/{slug}/aspirasi")

_api = api_of(LAYANAN)
petugas = staff_of(LAYANAN)
# A pokir's steps in order; TIDAK_DITERIMA (with a reason) may end it at any open step.
POKIR = {
    "DIUSULKAN": "Diusulkan anggota DPRD sebagai pokir",
    "DIVERIFIKASI_SETWAN": "Diverifikasi Sekretariat DPRD",
    "DIVALIDASI_OPD": "Divalidasi Bappeda/OPD",
    "DIBAHAS_TAPD": "Dibahas TAPD",
    "MASUK_RENJA": "Masuk Renja OPD",
}
PESAN_POKIR = {"usul": "Usulan pokir tercatat.", "tahap": "Tahap pokir tersimpan."}


async def komisi_daerah(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    """Where the secretariat disposes an aspiration: the region's active commissions."""
    items: list[dict[str, Any]] = (await pengunjung.api.get(f"{_api(daerah)}/komisi", size=100))["items"]
    return [{"id": k["id"], "nama": k["nama"]} for k in items]


def ekstra(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The pokir line on an aspiration's page."""
    if data.get("pokir_status"):
        return [("Pokir", data["pokir_status_label"])]
    return []


def tautan_pokir(base: str, detail: dict[str, Any]) -> list[tuple[str, str]]:
    """The link to an aspiration's pokir steps, once it is a pokir or the commission may propose it."""
    extra = detail["ekstra"]
    if extra.get("pokir_status"):
        return [("Lihat tahapan pokir", f"{base}/laporan/{detail['id']}/pokir")]
    if extra.get("boleh_pokir"):
        return [("Usulkan sebagai pokir", f"{base}/laporan/{detail['id']}/pokir")]
    return []


HALAMAN = HalamanLaporan(
    layanan=LAYANAN,
    nama="Aspirasi",
    judul_lapor="Sampaikan aspirasi",
    prefix="AS",
    istilah_kategori="Bidang aspirasi",
    petunjuk_isi="apa yang Anda usulkan atau keluhkan, di mana, untuk siapa",
    templat_jawaban=(
        "Aspirasi Anda sudah kami terima dan dibahas dalam rapat kerja komisi dengan OPD terkait.",
        "Aspirasi Anda diusulkan sebagai pokok-pokok pikiran DPRD untuk perencanaan tahun depan.",
        "Aspirasi ini di luar kewenangan kabupaten dan kami teruskan kepada instansi yang berwenang.",
    ),
    tujuan_label="Komisi",
    tujuan=komisi_daerah,
    lokasi_wajib=False,
    labels={
        "disposisi": "Teruskan ke komisi",
        "alihkan": "Bukan bidang komisi ini: alihkan",
        "tindak_lanjut": "Catat pembahasan komisi",
        "jawab": "Kirim jawaban komisi",
    },
    ekstra=ekstra,
    tautan_laporan=tautan_pokir,
)
add_report_pages(router, HALAMAN)
milik_saya = reports_of_mine(HALAMAN)
# The DPRD and its agenda (public, and kept by the secretariat) are a module of their own.
routers = (router, dprd.router)


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    """The links this layanan puts on the region's home."""
    base = f"/{daerah.slug}/{LAYANAN}"
    return [
        Tautan("DPRD: komisi, fraksi dan anggota", f"{base}/dprd", "siapa wakil Anda"),
        Tautan("Agenda reses dan rapat dengar pendapat", f"{base}/agenda", "jadwal terdekat"),
        *report_links(HALAMAN, daerah, pengunjung),
    ]


@router.get("", response_class=HTMLResponse)
async def beranda(daerah: DaerahDep, pengunjung: PengunjungDep) -> HTMLResponse:
    return page(
        pengunjung.request,
        f"{LAYANAN}/beranda.html",
        judul=NAMA,
        daerah=daerah,
        tautan=tautan(daerah, pengunjung),
    )


@router.get("/komisi/{komisi_id}/dijawab", response_class=HTMLResponse)
async def dijawab(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    komisi_id: str,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> HTMLResponse:
    """A commission's answered aspirations with their answers and pokir state, never who sent them."""
    komisi = await pengunjung.api.get(f"{_api(daerah)}/komisi/{komisi_id}")
    hasil = await pengunjung.api.get(
        f"{_api(daerah)}/komisi/{komisi_id}/aspirasi-dijawab", cursor=cursor, limit=20
    )
    return page(
        pengunjung.request,
        f"{LAYANAN}/dijawab.html",
        judul=f"Aspirasi yang dijawab {komisi['nama']}",
        daerah=daerah,
        komisi=komisi,
        items=hasil["items"],
        berikutnya=hasil["next_cursor"],
        awal=cursor is None,
    )


async def _pokir_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    laporan_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    aspirasi = await pengunjung.api.get(f"{_api(daerah)}/laporan/{laporan_id}")
    try:
        pokir: dict[str, Any] | None = await pengunjung.api.get(f"{_api(daerah)}/laporan/{laporan_id}/pokir")
    except Masalah as exc:
        if exc.status != 404:
            raise
        pokir = None
    staff = petugas(pengunjung, daerah)
    anggota: list[dict[str, Any]] = []
    berikutnya: tuple[str, str] | None = None
    if staff and pokir is None:
        anggota = (await pengunjung.api.get(f"{_api(daerah)}/anggota", size=100))["items"]
    if staff and pokir is not None and pokir["status"] in POKIR and pokir["status"] != "MASUK_RENJA":
        steps = list(POKIR)
        nxt = steps[steps.index(pokir["status"]) + 1]
        berikutnya = (nxt, POKIR[nxt])
    return page(
        pengunjung.request,
        f"{LAYANAN}/pokir.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Pokir dari aspirasi {aspirasi['nomor']}",
        daerah=daerah,
        a=aspirasi,
        pokir=pokir,
        petugas=staff,
        anggota=anggota,
        berikutnya=berikutnya,
        pesan=pesan,
        masalah=masalah,
    )


@router.get("/laporan/{laporan_id}/pokir", response_class=HTMLResponse)
async def pokir(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    laporan_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The pokir made of an aspiration, each step with time, actor and note (its sender and staff)."""
    return await _pokir_page(daerah, pengunjung, laporan_id, pesan=PESAN_POKIR.get(pesan or ""))


@router.post("/laporan/{laporan_id}/pokir", response_class=HTMLResponse)
async def usulkan_pokir(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, form: FormDep) -> Response:
    body = {"anggota_id": teks(form, "anggota_id"), "catatan": teks(form, "catatan") or None}
    try:
        await pengunjung.api.post(f"{_api(daerah)}/laporan/{laporan_id}/pokir", body)
    except Masalah as exc:
        return await _pokir_page(daerah, pengunjung, laporan_id, masalah=exc)
    return pindah(f"/{daerah.slug}/{LAYANAN}/laporan/{laporan_id}/pokir?pesan=usul")


@router.post("/laporan/{laporan_id}/pokir/tahap", response_class=HTMLResponse)
async def tahap_pokir(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, form: FormDep) -> Response:
    body = {"status": teks(form, "status"), "catatan": teks(form, "catatan") or None}
    try:
        await pengunjung.api.post(f"{_api(daerah)}/laporan/{laporan_id}/pokir/status", body)
    except Masalah as exc:
        return await _pokir_page(daerah, pengunjung, laporan_id, masalah=exc)
    return pindah(f"/{daerah.slug}/{LAYANAN}/laporan/{laporan_id}/pokir?pesan=tahap")


@router.get("/pokir/{nomor}", response_class=HTMLResponse)
async def pokir_publik(daerah: DaerahDep, pengunjung: PengunjungDep, nomor: str) -> HTMLResponse:
    """A pokir's states and times for anyone with the aspiration's number: no names, no notes."""
    try:
        data: dict[str, Any] | None = await pengunjung.api.get(f"{_api(daerah)}/lacak/{nomor}/pokir")
    except Masalah as exc:
        if exc.status not in (404, 422):
            raise
        data = None
    return page(
        pengunjung.request,
        f"{LAYANAN}/pokir_publik.html",
        status_code=200 if data else 404,
        judul=f"Tahapan pokir {nomor}",
        daerah=daerah,
        nomor=nomor,
        pokir=data,
    )
