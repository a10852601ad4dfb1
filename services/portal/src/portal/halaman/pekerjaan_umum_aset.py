"""Pekerjaan umum's inventory, projects and heavy-equipment rental in the portal: the public reads the
inventory with the km of road per condition, each item's condition history, the projects and the
machines' calendars; a signed-in citizen books a machine and follows the booking; the staff work the
booking inbox (approve, reject, record the retribusi paid, hand over, take back) with the queue shown.

Included by the layanan's page module (portal.halaman.pekerjaan_umum), whose prefix it shares."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from portal.backend import Masalah
from portal.halaman.dasar import (
    Daerah,
    DaerahDep,
    FormDep,
    Tautan,
    api_of,
    kunci_baru,
    pindah,
    staff_of,
    teks,
)
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import page
from portal.wilayah import kecamatan_of

LAYANAN = "pekerjaan_umum"
router = APIRouter(prefix="/{slug}/pekerjaan_umum")
_api = api_of(LAYANAN)
petugas = staff_of(LAYANAN)
TEMPLAT = "pekerjaan_umum_aset"

JENIS = {"ruas_jalan": "Ruas jalan", "jembatan": "Jembatan", "drainase": "Saluran drainase"}
KONDISI = {"BAIK": "Baik", "SEDANG": "Sedang", "RUSAK_RINGAN": "Rusak ringan", "RUSAK_BERAT": "Rusak berat"}
STATUS_SEWA = {
    "DIAJUKAN": "Diajukan",
    "DISETUJUI": "Disetujui",
    "DIBAYAR": "Dibayar",
    "DIPAKAI": "Dipakai",
    "DIKEMBALIKAN": "Dikembalikan",
    "DITOLAK": "Ditolak",
    "DIBATALKAN": "Dibatalkan",
}
# The steps the staff (and the applicant, for cancelling) take on a booking, by status.
LANGKAH = {
    "DIAJUKAN": ("setujui", "tolak", "batalkan"),
    "DISETUJUI": ("bayar", "tolak", "batalkan"),
    "DIBAYAR": ("serahkan", "batalkan"),
    "DIPAKAI": ("kembalikan",),
}
LABEL_LANGKAH = {
    "setujui": "Setujui pemesanan",
    "tolak": "Tolak pemesanan",
    "bayar": "Catat pembayaran retribusi",
    "serahkan": "Serahkan alat",
    "kembalikan": "Catat alat dikembalikan",
    "batalkan": "Batalkan pemesanan",
}
PERLU_ALASAN = {"tolak", "batalkan"}
NAMA_HARI = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
NAMA_BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
PESAN = {
    "diajukan": "Pemesanan diajukan. Petugas akan memeriksa jadwal alat.",
    "aksi": "Tindakan tersimpan.",
    "survei": "Hasil survei tercatat.",
}


def _base(daerah: Daerah) -> str:
    return f"/{daerah.slug}/{LAYANAN}"


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    links = [
        Tautan(
            "Inventaris jalan, jembatan dan drainase", f"{_base(daerah)}/aset", "kondisi dan riwayat survei"
        ),
        Tautan("Proyek pekerjaan umum", f"{_base(daerah)}/proyek", "anggaran dan kemajuan"),
        Tautan("Sewa alat berat", f"{_base(daerah)}/alat", "jadwal, tarif dan pemesanan"),
    ]
    if pengunjung.warga:
        links.append(Tautan("Pemesanan alat saya", f"{_base(daerah)}/sewa/saya"))
    if petugas(pengunjung, daerah):
        links.append(Tautan("Kotak masuk sewa alat", f"{_base(daerah)}/sewa", "untuk petugas"))
    return links


def _kecamatan(daerah: Daerah) -> dict[str, str]:
    return {k.kode: k.nama for k in kecamatan_of(daerah.kode)}


# --- the inventory ------------------------------------------------------------------------------------


@router.get("/aset", response_class=HTMLResponse)
async def aset_list(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    jenis: Annotated[str | None, Query(max_length=20)] = None,
    kondisi: Annotated[str | None, Query(max_length=20)] = None,
    kecamatan: Annotated[str | None, Query(max_length=8)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    saring = {
        "jenis": jenis if jenis in JENIS else None,
        "kondisi": kondisi if kondisi in KONDISI else None,
        "kecamatan": kecamatan if kecamatan in _kecamatan(daerah) else None,
    }
    hasil = await pengunjung.api.get(f"{_api(daerah)}/aset", cursor=cursor, limit=50, **saring)
    ringkasan = await pengunjung.api.get(f"{_api(daerah)}/aset/ringkasan")
    return page(
        pengunjung.request,
        f"{TEMPLAT}/aset_list.html",
        judul="Inventaris prasarana",
        daerah=daerah,
        hasil=hasil,
        ringkasan=ringkasan,
        saring={k: v or "" for k, v in saring.items()},
        jenis=JENIS,
        kondisi=KONDISI,
        kecamatan=_kecamatan(daerah),
    )


async def _aset_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    aset_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    aset = await pengunjung.api.get(f"{_api(daerah)}/aset/{aset_id}")
    staff = petugas(pengunjung, daerah)
    laporan = await pengunjung.api.get(f"{_api(daerah)}/aset/{aset_id}/laporan") if staff else []
    return page(
        pengunjung.request,
        f"{TEMPLAT}/aset.html",
        status_code=masalah.status if masalah else 200,
        judul=aset["nama"],
        daerah=daerah,
        a=aset,
        petugas=staff,
        laporan=laporan,
        kondisi=KONDISI,
        kecamatan=_kecamatan(daerah),
        pesan=pesan,
        masalah=masalah,
        hari_ini=date.today().isoformat(),
    )


@router.get("/aset/{aset_id}", response_class=HTMLResponse)
async def aset(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    aset_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _aset_page(daerah, pengunjung, aset_id, pesan=PESAN.get(pesan or ""))


@router.post("/aset/{aset_id}/survei", response_class=HTMLResponse)
async def survei(daerah: DaerahDep, pengunjung: MasukDep, aset_id: str, form: FormDep) -> Response:
    body: dict[str, Any] = {k: teks(form, k) for k in ("tanggal", "kondisi", "surveyor")}
    if teks(form, "catatan"):
        body["catatan"] = teks(form, "catatan")
    try:
        await pengunjung.api.post(f"{_api(daerah)}/aset/{aset_id}/survei", body)
    except Masalah as exc:
        return await _aset_page(daerah, pengunjung, aset_id, masalah=exc)
    return pindah(f"{_base(daerah)}/aset/{aset_id}?pesan=survei")


# --- projects -----------------------------------------------------------------------------------------


@router.get("/proyek", response_class=HTMLResponse)
async def proyek_list(
    daerah: DaerahDep, pengunjung: PengunjungDep, cursor: Annotated[str | None, Query(max_length=200)] = None
) -> HTMLResponse:
    hasil = await pengunjung.api.get(f"{_api(daerah)}/proyek", cursor=cursor, limit=50)
    return page(
        pengunjung.request,
        f"{TEMPLAT}/proyek_list.html",
        judul="Proyek pekerjaan umum",
        daerah=daerah,
        hasil=hasil,
    )


@router.get("/proyek/{proyek_id}", response_class=HTMLResponse)
async def proyek(daerah: DaerahDep, pengunjung: PengunjungDep, proyek_id: str) -> HTMLResponse:
    data = await pengunjung.api.get(f"{_api(daerah)}/proyek/{proyek_id}")
    return page(pengunjung.request, f"{TEMPLAT}/proyek.html", judul=data["nama"], daerah=daerah, p=data)


# --- machines, the calendar and booking ---------------------------------------------------------------


@router.get("/alat", response_class=HTMLResponse)
async def alat_list(daerah: DaerahDep, pengunjung: PengunjungDep) -> HTMLResponse:
    alat = await pengunjung.api.get(f"{_api(daerah)}/alat")
    tarif = await pengunjung.api.get(f"{_api(daerah)}/tarif-alat")
    return page(
        pengunjung.request,
        f"{TEMPLAT}/alat_list.html",
        judul="Sewa alat berat",
        daerah=daerah,
        alat=alat,
        tarif=tarif,
    )


def _minggu(kalender: dict[str, Any]) -> list[list[dict[str, Any] | None]]:
    """The month's days as weeks from Monday, None before the first and after the last day."""
    days = kalender["hari"]
    first = date.fromisoformat(days[0]["tanggal"])
    cells: list[dict[str, Any] | None] = [None] * first.weekday() + [
        {**d, "nomor": int(d["tanggal"][8:])} for d in days
    ]
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def _bulan_lain(bulan: str, langkah: int) -> str:
    tahun, nomor = (int(x) for x in bulan.split("-"))
    nomor += langkah
    if nomor == 0:
        tahun, nomor = tahun - 1, 12
    elif nomor == 13:
        tahun, nomor = tahun + 1, 1
    return f"{tahun:04d}-{nomor:02d}"


async def _alat_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    alat_id: str,
    bulan: str | None,
    *,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    kalender = await pengunjung.api.get(f"{_api(daerah)}/alat/{alat_id}/kalender", bulan=bulan)
    tahun, nomor = (int(x) for x in kalender["bulan"].split("-"))
    isian = isian or {}
    return page(
        pengunjung.request,
        f"{TEMPLAT}/alat.html",
        status_code=masalah.status if masalah else 200,
        judul=kalender["alat"]["nama"],
        daerah=daerah,
        k=kalender,
        alat=kalender["alat"],
        minggu=_minggu(kalender),
        nama_hari=NAMA_HARI,
        nama_bulan=f"{NAMA_BULAN[nomor - 1]} {tahun}",
        sebelum=_bulan_lain(kalender["bulan"], -1),
        sesudah=_bulan_lain(kalender["bulan"], 1),
        hari_terakhir=calendar.monthrange(tahun, nomor)[1],
        isian=isian,
        masalah=masalah,
        kunci=isian.get("idempotency_key") or kunci_baru(),
        terbukti=pengunjung.nik_proved_in(daerah.kode),
        petugas=petugas(pengunjung, daerah),
    )


@router.get("/alat/{alat_id}", response_class=HTMLResponse)
async def alat(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    alat_id: str,
    bulan: Annotated[str | None, Query(max_length=7, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
) -> HTMLResponse:
    return await _alat_page(daerah, pengunjung, alat_id, bulan)


@router.post("/alat/{alat_id}/pesan", response_class=HTMLResponse)
async def pesan(daerah: DaerahDep, pengunjung: MasukDep, alat_id: str, form: FormDep) -> Response:
    isian = {
        k: teks(form, k)
        for k in ("mulai", "selesai", "keperluan", "lokasi", "opd_nama", "laporan_id", "idempotency_key")
    }
    body: dict[str, Any] = {
        "alat_id": alat_id,
        **{k: isian[k] for k in ("mulai", "selesai", "keperluan", "lokasi")},
    }
    for optional in ("opd_nama", "laporan_id"):
        if isian[optional]:
            body[optional] = isian[optional]
    try:
        created = await pengunjung.api.post(
            f"{_api(daerah)}/sewa", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return await _alat_page(
            daerah, pengunjung, alat_id, (isian["mulai"] or "")[:7] or None, isian=isian, masalah=exc
        )
    return pindah(f"{_base(daerah)}/sewa/{created['id']}?pesan=diajukan")


# --- bookings -----------------------------------------------------------------------------------------


@router.get("/sewa", response_class=HTMLResponse)
async def kotak_masuk(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The staff's inbox of bookings, newest first, with each waiting booking's place in its queue."""
    status = status if status in STATUS_SEWA else None
    hasil = await pengunjung.api.get(f"{_api(daerah)}/sewa", status=status, cursor=cursor, limit=50)
    return page(
        pengunjung.request,
        f"{TEMPLAT}/kotak_masuk.html",
        judul="Kotak masuk sewa alat",
        daerah=daerah,
        hasil=hasil,
        status=status or "",
        states=STATUS_SEWA,
    )


@router.get("/sewa/saya", response_class=HTMLResponse)
async def sewa_saya(
    daerah: DaerahDep, pengunjung: MasukDep, cursor: Annotated[str | None, Query(max_length=200)] = None
) -> HTMLResponse:
    hasil = await pengunjung.api.get(f"{_api(daerah)}/sewa/saya", cursor=cursor, limit=50)
    return page(
        pengunjung.request,
        f"{TEMPLAT}/sewa_saya.html",
        judul="Pemesanan alat saya",
        daerah=daerah,
        hasil=hasil,
    )


async def _sewa_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    pemesanan_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    data = await pengunjung.api.get(f"{_api(daerah)}/sewa/{pemesanan_id}")
    staff = petugas(pengunjung, daerah)
    steps = [
        s
        for s in LANGKAH.get(data["status"], ())
        if staff or (s == "batalkan" and data["status"] in ("DIAJUKAN", "DISETUJUI"))
    ]
    return page(
        pengunjung.request,
        f"{TEMPLAT}/sewa.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Pemesanan {data['alat_nama']}",
        daerah=daerah,
        s=data,
        langkah=steps,
        label=LABEL_LANGKAH,
        perlu_alasan=PERLU_ALASAN,
        petugas=staff,
        pesan=pesan,
        masalah=masalah,
    )


@router.get("/sewa/{pemesanan_id}", response_class=HTMLResponse)
async def sewa(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    pemesanan_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _sewa_page(daerah, pengunjung, pemesanan_id, pesan=PESAN.get(pesan or ""))


@router.post("/sewa/{pemesanan_id}/aksi/{langkah}", response_class=HTMLResponse)
async def sewa_aksi(
    daerah: DaerahDep, pengunjung: MasukDep, pemesanan_id: str, langkah: str, form: FormDep
) -> Response:
    if langkah not in LABEL_LANGKAH:
        raise Masalah(404, {"title": "Tindakan tidak dikenal", "detail": "Tindakan ini tidak ada."})
    body = {k: teks(form, k) for k in ("catatan", "referensi_bayar") if teks(form, k)}
    try:
        await pengunjung.api.post(f"{_api(daerah)}/sewa/{pemesanan_id}/{langkah}", body)
    except Masalah as exc:
        return await _sewa_page(daerah, pengunjung, pemesanan_id, masalah=exc)
    return pindah(f"{_base(daerah)}/sewa/{pemesanan_id}?pesan=aksi")


async def milik_saya(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    """The citizen's bookings here, for their 'Permohonan saya' page."""
    hasil = await pengunjung.api.get(f"{_api(daerah)}/sewa/saya", limit=50)
    return [
        {
            "layanan": "Sewa alat berat",
            "nomor": f"{s['mulai']} s.d. {s['selesai']}",
            "judul": f"{s['alat_nama']} · {s['lokasi']}",
            "status_label": s["status_label"],
            "terlambat": False,
            "jatuh_tempo": None,
            "waktu": s["diajukan_at"],
            "href": f"{_base(daerah)}/sewa/{s['id']}",
        }
        for s in hasil["items"]
    ]
