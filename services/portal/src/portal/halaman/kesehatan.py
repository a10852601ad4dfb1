"""Kesehatan: the region's facility directory with each poli's weekly schedule and today's queue, a
citizen's queue numbers (book, see one's place, cancel), and the staff's side: a poli's queue of the day
(call, serve, mark absent) and a facility's poli and schedules."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
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
    masalah_lokal,
    pindah,
    staff_of,
    teks,
)
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import LOCALE, ZONES, page

LAYANAN = "kesehatan"
router = APIRouter(prefix="/{slug}/kesehatan")
JENIS = {"puskesmas": "Puskesmas", "klinik": "Klinik", "rumah_sakit": "Rumah sakit"}
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
# The service takes bookings from today up to this many days ahead.
BATAS_HARI = 14
UKURAN_DIREKTORI = 10
# Operator actions on a booking: the API's path segment -> which status it acts on, and its button.
AKSI = {
    "panggil": ("TERDAFTAR", "Panggil"),
    "layani": ("DIPANGGIL", "Layani"),
    "tidak-hadir": ("DIPANGGIL", "Tidak hadir"),
}
STATUS_ANTRIAN = {
    "TERDAFTAR": "Menunggu giliran",
    "DIPANGGIL": "Sedang dipanggil",
    "DILAYANI": "Sudah dilayani",
    "TIDAK_HADIR": "Tidak hadir",
    "DIBATALKAN": "Dibatalkan",
}
PESAN = {
    "antrian": "Nomor antrian Anda sudah diambil. Datang sebelum nomor Anda dipanggil.",
    "batal": "Antrian dibatalkan.",
    "panggil": "Pasien dipanggil.",
    "layani": "Pasien ditandai sudah dilayani.",
    "tidak-hadir": "Pasien ditandai tidak hadir.",
    "poli": "Poli ditambahkan. Tambahkan jadwal praktiknya agar warga dapat mengambil antrian.",
    "jadwal": "Jadwal praktik ditambahkan.",
    "hapus-jadwal": "Jadwal praktik dihapus. Antrian yang sudah diambil tetap berlaku.",
}


_api = api_of(LAYANAN)
petugas = staff_of(LAYANAN)


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    links = [
        Tautan(
            "Fasilitas kesehatan dan antrian",
            f"/{daerah.slug}/kesehatan",
            "puskesmas, klinik, jadwal poli, nomor antrian",
        )
    ]
    if pengunjung.warga:
        links.append(
            Tautan("Antrian saya", f"/{daerah.slug}/kesehatan/antrian-saya", "nomor dan giliran Anda")
        )
    if petugas(pengunjung, daerah):
        links.append(
            Tautan("Antrian hari ini", f"/{daerah.slug}/kesehatan/antrian-hari-ini", "untuk petugas")
        )
    return links


def hari_ini(daerah: Daerah) -> date:
    return datetime.now(ZoneInfo(ZONES.get(daerah.zona_waktu, "Asia/Jakarta"))).date()


def jam(value: Any) -> str:
    """`08:00:00` as Indonesians write the hour: `08.00`."""
    return str(value or "")[:5].replace(":", ".")


def nama_tanggal(day: date, today: date) -> str:
    text = format_date(day, "EEEE, d MMM", locale=LOCALE)
    if day == today:
        return f"{text} (hari ini)"
    if day == today + timedelta(days=1):
        return f"{text} (besok)"
    return text


def ringkas_jadwal(jadwal: list[dict[str, Any]]) -> list[str]:
    """A week in a line or two: days with the same hours together, `Senin–Sabtu 08.00–12.00`."""
    by_hours: dict[tuple[str, str], list[int]] = {}
    for item in jadwal:
        by_hours.setdefault((jam(item["jam_mulai"]), jam(item["jam_selesai"])), []).append(int(item["hari"]))
    lines = []
    for (mulai, selesai), days in sorted(by_hours.items(), key=lambda kv: min(kv[1])):
        runs: list[list[int]] = []
        for day in sorted(set(days)):
            if runs and day == runs[-1][-1] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = [
            HARI[r[0]]
            if len(r) == 1
            else f"{HARI[r[0]]}, {HARI[r[1]]}"
            if len(r) == 2
            else f"{HARI[r[0]]}–{HARI[r[-1]]}"
            for r in runs
        ]
        lines.append(f"{', '.join(names)} {mulai}–{selesai}")
    return lines


def jadwal_per_tenaga(jadwal: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who practises when, in short: one line per doctor or midwife with their week and daily quota."""
    by_tenaga: dict[str, list[dict[str, Any]]] = {}
    for item in jadwal:
        by_tenaga.setdefault(item["tenaga"], []).append(item)
    out = []
    for tenaga, items in by_tenaga.items():
        kuota = sorted({int(i["kuota"]) for i in items})
        out.append(
            {
                "tenaga": tenaga,
                "minggu": "; ".join(ringkas_jadwal(items)),
                "kuota": str(kuota[0]) if len(kuota) == 1 else f"{kuota[0]}–{kuota[-1]}",
            }
        )
    return out


def pilihan_tanggal(poli: dict[str, Any], today: date) -> list[tuple[str, str]]:
    """The days a citizen can book this poli: within the service's window, on a day it has a schedule."""
    days = {int(j["hari"]) for j in poli["jadwal"]}
    found = []
    for offset in range(BATAS_HARI + 1):
        day = today + timedelta(days=offset)
        if day.weekday() in days:
            found.append((day.isoformat(), nama_tanggal(day, today)))
    return found


async def _ringkas(pengunjung: Pengunjung, daerah: Daerah, poli_id: str) -> dict[str, Any] | None:
    """Today's queue of a poli at a glance (public); nothing when the service cannot tell."""
    try:
        result: dict[str, Any] = await pengunjung.api.get(f"{_api(daerah)}/poli/{poli_id}/antrian/ringkas")
    except Masalah:
        return None
    return result


def _lengkapi(fasilitas: dict[str, Any], summaries: list[dict[str, Any] | None], today: date) -> None:
    """Each poli of a facility with its week in short and today's queue (`summaries`, in poli order)."""
    for poli, summary in zip(fasilitas["poli"], summaries, strict=True):
        poli["ringkas_jadwal"] = ringkas_jadwal(poli["jadwal"])
        poli["per_tenaga"] = jadwal_per_tenaga(poli["jadwal"])
        poli["hari_ini"] = summary
        poli["praktik_hari_ini"] = any(int(j["hari"]) == today.weekday() for j in poli["jadwal"])
        poli["tanggal"] = pilihan_tanggal(poli, today)
        poli["kunci"] = kunci_baru()


async def _fasilitas_lengkap(pengunjung: Pengunjung, daerah: Daerah, fasilitas_id: str) -> dict[str, Any]:
    """A facility with its poli, each with its week in short and today's queue."""
    detail: dict[str, Any] = await pengunjung.api.get(f"{_api(daerah)}/fasilitas/{fasilitas_id}")
    summaries = await asyncio.gather(*(_ringkas(pengunjung, daerah, p["id"]) for p in detail["poli"]))
    _lengkapi(detail, list(summaries), hari_ini(daerah))
    return detail


async def _direktori(
    pengunjung: Pengunjung, daerah: Daerah, *, q: str | None, jenis: str | None, halaman: int, size: int
) -> dict[str, Any]:
    """A page of facilities with their poli, schedules and today's queues: one call to the service."""
    listing: dict[str, Any] = await pengunjung.api.get(
        f"{_api(daerah)}/direktori", q=q, jenis=jenis, page=halaman, size=size
    )
    today = hari_ini(daerah)
    for item in listing["items"]:
        _lengkapi(item, [p.pop("antrian_hari_ini", None) for p in item["poli"]], today)
    listing["berikutnya"] = halaman * size < int(listing["total"])
    return listing


@router.get("", response_class=HTMLResponse)
async def direktori(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    jenis: Annotated[str | None, Query(max_length=20)] = None,
    halaman: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    """The region's health facilities with their poli, weekly schedules and today's queues."""
    jenis = jenis if jenis in JENIS else None
    hasil = await _direktori(pengunjung, daerah, q=q, jenis=jenis, halaman=halaman, size=UKURAN_DIREKTORI)
    return page(
        pengunjung.request,
        "kesehatan/direktori.html",
        judul="Fasilitas kesehatan",
        daerah=daerah,
        hasil=hasil,
        q=q or "",
        jenis=jenis or "",
        jenis_label=JENIS,
        halaman=halaman,
        hari_ini=format_date(hari_ini(daerah), "EEEE, d MMMM y", locale=LOCALE),
    )


@router.get("/fasilitas/{fasilitas_id}", response_class=HTMLResponse)
async def fasilitas(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    fasilitas_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _fasilitas_page(daerah, pengunjung, fasilitas_id, pesan=PESAN.get(pesan or ""))


async def _fasilitas_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    fasilitas_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
    isian: dict[str, Any] | None = None,
) -> HTMLResponse:
    detail = await _fasilitas_lengkap(pengunjung, daerah, fasilitas_id)
    return page(
        pengunjung.request,
        "kesehatan/fasilitas.html",
        status_code=masalah.status if masalah else 200,
        judul=detail["nama"],
        daerah=daerah,
        f=detail,
        jenis_label=JENIS,
        petugas=petugas(pengunjung, daerah),
        terbukti=pengunjung.nik_proved_in(daerah.kode),
        hari=HARI,
        jam=jam,
        pesan=pesan,
        masalah=masalah,
        isian=isian or {},
        hari_ini=format_date(hari_ini(daerah), "EEEE, d MMMM y", locale=LOCALE),
    )


@router.post("/antrian", response_class=HTMLResponse)
async def ambil_antrian(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    """Book a queue number; a form resent from an offline draft carries the same key and books once."""
    isian = {k: teks(form, k) for k in ("poli_id", "tanggal", "fasilitas_id", "idempotency_key")}
    try:
        await pengunjung.api.post(
            f"{_api(daerah)}/antrian",
            {"poli_id": isian["poli_id"], "tanggal": isian["tanggal"]},
            idempotency_key=isian["idempotency_key"] or None,
        )
    except Masalah as exc:
        if not isian["fasilitas_id"]:
            raise
        return await _fasilitas_page(daerah, pengunjung, isian["fasilitas_id"], masalah=exc, isian=isian)
    return pindah(f"/{daerah.slug}/kesehatan/antrian-saya?pesan=antrian")


async def _antrian_saya(pengunjung: Pengunjung, daerah: Daerah) -> list[dict[str, Any]]:
    """The citizen's bookings, the ones still open today with who is being called now."""
    rows: list[dict[str, Any]] = await pengunjung.api.get(f"{_api(daerah)}/antrian/saya")
    today = hari_ini(daerah).isoformat()
    open_today = sorted(
        {r["poli_id"] for r in rows if r["tanggal"] == today and r["status"] in ("TERDAFTAR", "DIPANGGIL")}
    )
    summaries = dict(
        zip(
            open_today,
            await asyncio.gather(*(_ringkas(pengunjung, daerah, p) for p in open_today)),
            strict=True,
        )
    )
    for row in rows:
        row["hari_ini"] = summaries.get(row["poli_id"]) if row["tanggal"] == today else None
        row["aktif"] = row["status"] in ("TERDAFTAR", "DIPANGGIL") and row["tanggal"] >= today
    return rows


@router.get("/antrian-saya", response_class=HTMLResponse)
async def antrian_saya(
    daerah: DaerahDep, pengunjung: MasukDep, pesan: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    return await _antrian_saya_page(daerah, pengunjung, pesan=PESAN.get(pesan or ""))


async def _antrian_saya_page(
    daerah: Daerah, pengunjung: Pengunjung, *, pesan: str | None = None, masalah: Masalah | None = None
) -> HTMLResponse:
    terbukti = pengunjung.nik_proved_in(daerah.kode)
    rows = await _antrian_saya(pengunjung, daerah) if terbukti and pengunjung.warga else []
    aktif = [r for r in rows if r["aktif"]]
    return page(
        pengunjung.request,
        "kesehatan/antrian_saya.html",
        status_code=masalah.status if masalah else 200,
        judul="Antrian saya",
        daerah=daerah,
        aktif=aktif,
        riwayat=[r for r in rows if not r["aktif"]],
        terbukti=terbukti,
        pesan=pesan,
        masalah=masalah,
        label=STATUS_ANTRIAN,
        hari_ini=hari_ini(daerah).isoformat(),
        diperiksa=datetime.now(ZoneInfo(ZONES.get(daerah.zona_waktu, "Asia/Jakarta"))),
    )


@router.post("/antrian/{antrian_id}/batal", response_class=HTMLResponse)
async def batal(daerah: DaerahDep, pengunjung: MasukDep, antrian_id: str, form: FormDep) -> Response:
    try:
        await pengunjung.api.post(f"{_api(daerah)}/antrian/{antrian_id}/batal")
    except Masalah as exc:
        return await _antrian_saya_page(daerah, pengunjung, masalah=exc)
    return pindah(f"/{daerah.slug}/kesehatan/antrian-saya?pesan=batal")


@router.get("/antrian-hari-ini", response_class=HTMLResponse)
async def antrian_hari_ini(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    halaman: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    """For staff: every poli with today's queue at a glance, each opening its queue."""
    hasil = await _direktori(pengunjung, daerah, q=q, jenis=None, halaman=halaman, size=20)
    return page(
        pengunjung.request,
        "kesehatan/antrian_hari_ini.html",
        judul="Antrian hari ini",
        daerah=daerah,
        hasil=hasil,
        q=q or "",
        halaman=halaman,
        petugas=petugas(pengunjung, daerah),
        hari_ini=format_date(hari_ini(daerah), "EEEE, d MMMM y", locale=LOCALE),
    )


@router.get("/poli/{poli_id}/antrian", response_class=HTMLResponse)
async def antrian_poli(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    poli_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _antrian_poli_page(daerah, pengunjung, poli_id, pesan=PESAN.get(pesan or ""))


async def _antrian_poli_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    poli_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    """A poli's queue of the day for its staff: one row per number, with the buttons its status allows."""
    rows, summary = await asyncio.gather(
        pengunjung.api.get(f"{_api(daerah)}/poli/{poli_id}/antrian"),
        pengunjung.api.get(f"{_api(daerah)}/poli/{poli_id}/antrian/ringkas"),
    )
    for row in rows:
        row["aksi"] = [(jalur, label) for jalur, (status, label) in AKSI.items() if status == row["status"]]
    berikutnya = next((r for r in rows if r["status"] == "TERDAFTAR"), None)
    return page(
        pengunjung.request,
        "kesehatan/antrian_poli.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Antrian {summary['poli_nama']}",
        daerah=daerah,
        rows=rows,
        r=summary,
        berikutnya=berikutnya,
        pesan=pesan,
        masalah=masalah,
        label=STATUS_ANTRIAN,
        hari_ini=format_date(hari_ini(daerah), "EEEE, d MMMM y", locale=LOCALE),
    )


@router.post("/poli/{poli_id}/antrian/{antrian_id}/{jalur}", response_class=HTMLResponse)
async def aksi_antrian(
    daerah: DaerahDep, pengunjung: MasukDep, poli_id: str, antrian_id: str, jalur: str, form: FormDep
) -> Response:
    if jalur not in AKSI:
        raise Masalah(
            404, {"title": "Tindakan tidak dikenal", "detail": "Tindakan ini tidak ada untuk antrian."}
        )
    try:
        await pengunjung.api.post(f"{_api(daerah)}/antrian/{antrian_id}/{jalur}")
    except Masalah as exc:
        return await _antrian_poli_page(daerah, pengunjung, poli_id, masalah=exc)
    # Back at the row just acted on, so the next Tab reaches its next button.
    return pindah(f"/{daerah.slug}/kesehatan/poli/{poli_id}/antrian?pesan={jalur}#a-{antrian_id}")


@router.post("/fasilitas/{fasilitas_id}/poli", response_class=HTMLResponse)
async def tambah_poli(daerah: DaerahDep, pengunjung: MasukDep, fasilitas_id: str, form: FormDep) -> Response:
    isian = {"poli_nama": teks(form, "nama"), "poli_kode": teks(form, "kode").upper()}
    body: dict[str, Any] = {"nama": isian["poli_nama"]}
    if isian["poli_kode"]:
        body["kode"] = isian["poli_kode"]
    try:
        await pengunjung.api.post(f"{_api(daerah)}/fasilitas/{fasilitas_id}/poli", body)
    except Masalah as exc:
        return await _fasilitas_page(daerah, pengunjung, fasilitas_id, masalah=exc, isian=isian)
    return pindah(f"/{daerah.slug}/kesehatan/fasilitas/{fasilitas_id}?pesan=poli")


@router.post("/poli/{poli_id}/jadwal", response_class=HTMLResponse)
async def tambah_jadwal(daerah: DaerahDep, pengunjung: MasukDep, poli_id: str, form: FormDep) -> Response:
    fasilitas_id = teks(form, "fasilitas_id")
    isian = {k: teks(form, k) for k in ("hari", "jam_mulai", "jam_selesai", "tenaga", "kuota")}
    isian["poli_id"] = poli_id
    if not isian["hari"].isdigit() or not isian["kuota"].isdigit():
        problem = masalah_lokal("Pilih hari dan isi kuota dengan angka.", "kuota")
        return await _fasilitas_page(daerah, pengunjung, fasilitas_id, masalah=problem, isian=isian)
    body = {**isian, "hari": int(isian["hari"]), "kuota": int(isian["kuota"])}
    del body["poli_id"]
    try:
        await pengunjung.api.post(f"{_api(daerah)}/poli/{poli_id}/jadwal", body)
    except Masalah as exc:
        return await _fasilitas_page(daerah, pengunjung, fasilitas_id, masalah=exc, isian=isian)
    return pindah(f"/{daerah.slug}/kesehatan/fasilitas/{fasilitas_id}?pesan=jadwal#poli-{poli_id}")


@router.post("/jadwal/{jadwal_id}/hapus", response_class=HTMLResponse)
async def hapus_jadwal(daerah: DaerahDep, pengunjung: MasukDep, jadwal_id: str, form: FormDep) -> Response:
    fasilitas_id = teks(form, "fasilitas_id")
    await pengunjung.api.delete(f"{_api(daerah)}/jadwal/{jadwal_id}")
    return pindah(f"/{daerah.slug}/kesehatan/fasilitas/{fasilitas_id}?pesan=hapus-jadwal")


async def milik_saya(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    """The citizen's queue numbers here, for their 'Permohonan saya' page."""
    if not pengunjung.nik_proved_in(daerah.kode):
        return []
    try:
        rows = await pengunjung.api.get(f"{_api(daerah)}/antrian/saya")
    except Masalah:
        return []
    return [
        {
            "layanan": "Kesehatan",
            "nomor": r["nomor_antrian"],
            "judul": f"Antrian {r['poli_nama']}, {r['fasilitas_nama']} · {format_date(date.fromisoformat(r['tanggal']), 'd MMMM y', locale=LOCALE)}",
            "status_label": STATUS_ANTRIAN.get(r["status"], r["status"]),
            "terlambat": False,
            "jatuh_tempo": None,
            "waktu": r["dibuat"],
            "href": f"/{daerah.slug}/kesehatan/antrian-saya#a-{r['id']}",
        }
        for r in rows
    ]
