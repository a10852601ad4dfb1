"""Pekerjaan umum in the portal: a citizen reports damage (category, location, description, a photo),
follows it, accepts, reopens or rates the answer; the public tracks a report by its number; the staff
work the inbox by SLA, merge nearby duplicates, verify, dispose to an OPD of the region, re-route and
answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from puja_kit.workflow.machine import ADUAN

from portal.backend import Masalah
from portal.halaman.alur import Aksi, actions, check_action, note_of, proxy_download, templates_for
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
from portal.tampilan import page

LAYANAN = "pekerjaan_umum"
NAMA = "Pekerjaan Umum"
router = APIRouter(prefix="/{slug}/pekerjaan_umum")
KATEGORI = {
    "jalan_rusak": "Jalan rusak",
    "jembatan": "Jembatan",
    "drainase_banjir": "Drainase / banjir",
    "penerangan_jalan": "Penerangan jalan",
    "lainnya": "Lainnya",
}
# Steps with a page of their own (merging) or the system's alone are not offered as buttons.
TANPA_TOMBOL = {"gabungkan", "tutup_otomatis"}
LABELS = {
    "verifikasi": "Verifikasi laporan",
    "arsipkan": "Arsipkan laporan",
    "disposisi": "Disposisikan ke OPD",
    "alihkan": "Bukan kewenangan OPD: alihkan",
    "bukan_kewenangan": "Bukan kewenangan daerah: teruskan",
    "tindak_lanjut": "Catat tindak lanjut OPD",
    "jawab": "Kirim jawaban OPD",
    "terima_jawaban": "Terima jawaban dan tutup laporan",
    "buka_kembali": "Buka kembali laporan",
}
BAHAYA = {"arsipkan", "bukan_kewenangan"}
PESAN = {
    "terkirim": "Laporan terkirim. Simpan nomornya untuk melacak.",
    "foto": "Foto ditambahkan.",
    "aksi": "Tindakan tersimpan.",
    "gabung": "Laporan digabung dengan laporan pertama; pelapornya mengikuti laporan itu.",
    "nilai": "Terima kasih, penilaian Anda tersimpan.",
}
# Answers operators use again and again; picked into the note with one tap.
TEMPLAT_JAWABAN = (
    "Laporan sudah kami terima dan diteruskan ke bidang terkait untuk dicek ke lokasi.",
    "Tim sudah turun ke lokasi dan melakukan perbaikan sementara.",
    "Perbaikan permanen dijadwalkan dalam anggaran pemeliharaan tahun berjalan.",
    "Lokasi berada di ruas jalan provinsi/nasional, di luar kewenangan kabupaten.",
)


_api = api_of(LAYANAN)


def _base(daerah: Daerah) -> str:
    return f"/{daerah.slug}/{LAYANAN}"


petugas = staff_of(LAYANAN)


def opd_daerah(daerah: Daerah) -> list[dict[str, Any]]:
    """The region's active OPDs, from the registry's page of the region."""
    return [o for o in daerah.detail.get("opd", []) if o.get("aktif", True)]


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    links = [
        Tautan(
            "Laporkan kerusakan jalan, jembatan, drainase", f"{_base(daerah)}/lapor", "dengan foto dan lokasi"
        ),
        Tautan("Lacak laporan kerusakan", f"{_base(daerah)}/lacak", "dengan nomor laporan"),
    ]
    if petugas(pengunjung, daerah):
        links.append(Tautan("Kotak masuk laporan kerusakan", f"{_base(daerah)}/kotak-masuk", "untuk petugas"))
    return links


@router.get("", response_class=HTMLResponse)
async def beranda(daerah: DaerahDep, pengunjung: PengunjungDep) -> HTMLResponse:
    return page(
        pengunjung.request,
        f"{LAYANAN}/beranda.html",
        judul=NAMA,
        daerah=daerah,
        petugas=petugas(pengunjung, daerah),
    )


# --- reporting ------------------------------------------------------------------------------------


def _lapor_page(
    request: Request, daerah: Daerah, pengunjung: Pengunjung, isian: dict[str, Any], masalah: Masalah | None
) -> HTMLResponse:
    return page(
        request,
        f"{LAYANAN}/lapor.html",
        status_code=masalah.status if masalah else 200,
        judul="Laporkan kerusakan",
        daerah=daerah,
        isian=isian,
        masalah=masalah,
        kategori=KATEGORI,
        kunci=isian.get("idempotency_key") or kunci_baru(),
        terbukti=pengunjung.nik_proved_in(daerah.kode),
    )


@router.get("/lapor", response_class=HTMLResponse)
async def lapor_form(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
    return _lapor_page(pengunjung.request, daerah, pengunjung, {"anonim_publik": "1"}, None)


def _koordinat(isian: dict[str, Any]) -> tuple[float, float] | Masalah:
    found = []
    for name, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        try:
            value = float(str(isian.get(name) or "").replace(",", "."))
        except ValueError:
            return masalah_lokal("Isi lintang dan bujur sebagai angka, mis. -2.4300 dan 115.2500.", name)
        if not low <= value <= high:
            return masalah_lokal("Lintang -90 sampai 90, bujur -180 sampai 180.", name)
        found.append(value)
    return found[0], found[1]


async def _berkas(request: Request) -> tuple[str, bytes, str] | None:
    berkas = (await request.form()).get("berkas")
    if berkas is None or isinstance(berkas, str) or not berkas.filename:
        return None
    return berkas.filename, await berkas.read(), berkas.content_type or "application/octet-stream"


async def _kirim_foto(
    pengunjung: Pengunjung, daerah: Daerah, laporan_id: str, berkas: tuple[str, bytes, str]
) -> None:
    await pengunjung.api.call("POST", f"{_api(daerah)}/laporan/{laporan_id}/foto", files={"berkas": berkas})


@router.post("/lapor", response_class=HTMLResponse)
async def lapor(daerah: DaerahDep, pengunjung: MasukDep, request: Request, form: FormDep) -> Response:
    isian = {
        k: teks(form, k)
        for k in (
            "kategori",
            "isi",
            "alamat",
            "lat",
            "lon",
            "lokasi_dibagikan",
            "anonim_publik",
            "idempotency_key",
        )
    }
    where = _koordinat(isian)
    if isinstance(where, Masalah):
        return _lapor_page(request, daerah, pengunjung, isian, where)
    body: dict[str, Any] = {
        "kategori": isian["kategori"],
        "isi": isian["isi"],
        "lat": where[0],
        "lon": where[1],
        "lokasi_dibagikan": isian["lokasi_dibagikan"] == "1",
        "anonim_publik": isian["anonim_publik"] == "1",
    }
    if isian["alamat"]:
        body["alamat"] = isian["alamat"]
    try:
        response = await pengunjung.api.call(
            "POST", f"{_api(daerah)}/laporan", json=body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return _lapor_page(request, daerah, pengunjung, isian, exc)
    created = response.json()
    berkas = await _berkas(request)
    # A resent draft finds its report already made (and its photo sent with it the first time).
    if berkas is not None and not response.headers.get("Idempotent-Replayed"):
        try:
            await _kirim_foto(pengunjung, daerah, created["id"], berkas)
        except Masalah as exc:
            return await _laporan_page(daerah, pengunjung, created["id"], masalah=exc)
    return pindah(f"{_base(daerah)}/laporan/{created['id']}?pesan=terkirim")


# --- a report's page ------------------------------------------------------------------------------


def _waktu(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _aksi(status: str, *, staff: bool, pelapor: bool) -> list[Aksi]:
    found = actions(ADUAN, status, pemohon=pelapor and not staff, petugas=staff, labels=LABELS)
    return [a for a in found if a.nama not in TANPA_TOMBOL]


async def _laporan_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    laporan_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    data = await pengunjung.api.get(f"{_api(daerah)}/laporan/{laporan_id}")
    staff = petugas(pengunjung, daerah)
    duplikat: list[dict[str, Any]] = []
    if staff:
        duplikat = await pengunjung.api.get(f"{_api(daerah)}/laporan/{laporan_id}/duplikat")
    aksi = [
        replace(a, bahaya=a.nama in BAHAYA)
        for a in _aksi(data["status"], staff=staff, pelapor=pengunjung.warga)
    ]
    return page(
        pengunjung.request,
        f"{LAYANAN}/laporan.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Laporan {data['nomor']}",
        daerah=daerah,
        p=data,
        aksi=aksi,
        petugas=staff,
        duplikat=duplikat,
        # The second report follows the first: only reports received earlier are offered to merge into.
        induk={d["id"] for d in duplikat if _waktu(d["diterima_at"]) < _waktu(data["diterima_at"])}
        if staff and data["status"] in ("DITERIMA", "TERVERIFIKASI") and not data["mengikuti_id"]
        else set(),
        opd=opd_daerah(daerah),
        foto_boleh=not staff and data["status"] not in ("DIARSIPKAN", "DITUTUP", "BUKAN_KEWENANGAN"),
        pesan=pesan,
        masalah=masalah,
        templat=await templates_for(pengunjung, daerah, LAYANAN, TEMPLAT_JAWABAN) if staff else [],
    )


@router.get("/laporan/{laporan_id}", response_class=HTMLResponse)
async def laporan(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    laporan_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _laporan_page(daerah, pengunjung, laporan_id, pesan=PESAN.get(pesan or ""))


@router.get("/laporan/{laporan_id}/foto/{foto_id}")
async def foto(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, foto_id: str) -> Response:
    return proxy_download(
        await pengunjung.api.call("GET", f"{_api(daerah)}/laporan/{laporan_id}/foto/{foto_id}")
    )


@router.post("/laporan/{laporan_id}/foto", response_class=HTMLResponse)
async def tambah_foto(
    daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, request: Request, form: FormDep
) -> Response:
    berkas = await _berkas(request)
    if berkas is None:
        return await _laporan_page(
            daerah, pengunjung, laporan_id, masalah=masalah_lokal("Pilih foto yang akan diunggah.", "berkas")
        )
    try:
        await _kirim_foto(pengunjung, daerah, laporan_id, berkas)
    except Masalah as exc:
        return await _laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
    return pindah(f"{_base(daerah)}/laporan/{laporan_id}?pesan=foto")


@router.post("/laporan/{laporan_id}/aksi/{jalur}", response_class=HTMLResponse)
async def aksi(
    daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, jalur: str, form: FormDep
) -> Response:
    allowed = [
        a
        for a in actions(ADUAN, teks(form, "status"), pemohon=True, petugas=True)
        if a.nama not in TANPA_TOMBOL
    ]
    check_action(allowed, jalur)
    body: dict[str, Any] = {}
    catatan = await note_of(pengunjung, daerah, LAYANAN, TEMPLAT_JAWABAN, form)
    if catatan:
        body["catatan"] = catatan
    if jalur in ("disposisi", "alihkan") and teks(form, "opd_id"):
        chosen = next((o for o in opd_daerah(daerah) if o["id"] == teks(form, "opd_id")), None)
        if chosen is None:
            return await _laporan_page(
                daerah, pengunjung, laporan_id, masalah=masalah_lokal("Pilih OPD dari daftar.", "opd_id")
            )
        body |= {"opd_id": chosen["id"], "opd_nama": chosen["nama"]}
    if jalur == "bukan-kewenangan" and teks(form, "dialihkan_ke"):
        body["dialihkan_ke"] = teks(form, "dialihkan_ke")
    try:
        await pengunjung.api.post(f"{_api(daerah)}/laporan/{laporan_id}/{jalur}", body)
    except Masalah as exc:
        return await _laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
    return pindah(f"{_base(daerah)}/laporan/{laporan_id}?pesan=aksi")


@router.post("/laporan/{laporan_id}/gabungkan", response_class=HTMLResponse)
async def gabungkan(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, form: FormDep) -> Response:
    try:
        await pengunjung.api.post(
            f"{_api(daerah)}/laporan/{laporan_id}/gabungkan", {"induk_id": teks(form, "induk_id")}
        )
    except Masalah as exc:
        return await _laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
    return pindah(f"{_base(daerah)}/laporan/{laporan_id}?pesan=gabung")


@router.post("/laporan/{laporan_id}/nilai", response_class=HTMLResponse)
async def nilai(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, form: FormDep) -> Response:
    raw = teks(form, "nilai")
    if raw not in {"1", "2", "3", "4", "5"}:
        return await _laporan_page(
            daerah, pengunjung, laporan_id, masalah=masalah_lokal("Pilih nilai 1 sampai 5.", "nilai")
        )
    try:
        await pengunjung.api.post(f"{_api(daerah)}/laporan/{laporan_id}/nilai", {"nilai": int(raw)})
    except Masalah as exc:
        return await _laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
    return pindah(f"{_base(daerah)}/laporan/{laporan_id}?pesan=nilai")


# --- tracking, the inbox, the citizen's list -------------------------------------------------------


@router.get("/lacak", response_class=HTMLResponse)
async def lacak_form(
    daerah: DaerahDep, pengunjung: PengunjungDep, nomor: Annotated[str | None, Query(max_length=30)] = None
) -> Response:
    if nomor and nomor.strip():
        return pindah(f"{_base(daerah)}/lacak/{nomor.strip()}")
    return page(
        pengunjung.request,
        f"{LAYANAN}/lacak.html",
        judul="Lacak laporan",
        daerah=daerah,
        laporan=None,
        nomor="",
    )


@router.get("/lacak/{nomor}", response_class=HTMLResponse)
async def lacak(daerah: DaerahDep, pengunjung: PengunjungDep, nomor: str) -> HTMLResponse:
    """The public view of a report: its status and timeline, never who reported it."""
    try:
        laporan = await pengunjung.api.get(f"{_api(daerah)}/lacak/{nomor}")
    except Masalah as exc:
        if exc.status not in (404, 422):
            raise
        laporan = None
    return page(
        pengunjung.request,
        f"{LAYANAN}/lacak.html",
        status_code=200 if laporan else 404,
        judul="Lacak laporan",
        daerah=daerah,
        laporan=laporan,
        nomor=nomor,
    )


@router.get("/kotak-masuk", response_class=HTMLResponse)
async def kotak_masuk(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    status: Annotated[str | None, Query(max_length=30)] = None,
    urut: Annotated[str | None, Query(max_length=10)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The staff inbox: the nearest SLA due date first (only reports whose clock runs), overdue marked;
    or every report newest first."""
    order = "terbaru" if urut == "terbaru" else "sla"
    hasil = await pengunjung.api.get(
        f"{_api(daerah)}/laporan", status=status, cursor=cursor, limit=50, urut=order
    )
    return page(
        pengunjung.request,
        f"{LAYANAN}/kotak_masuk.html",
        judul="Kotak masuk laporan kerusakan",
        daerah=daerah,
        hasil=hasil,
        status=status or "",
        urut=order,
        states=ADUAN.states,
    )


async def milik_saya(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    """The citizen's reports here, for their 'Permohonan saya' page."""
    hasil = await pengunjung.api.get(f"{_api(daerah)}/laporan/saya", limit=50)
    return [
        {
            "layanan": "Laporan kerusakan",
            "nomor": r["nomor"],
            "judul": f"{r['kategori_label']}: {r['alamat'] or r['isi'][:60]}",
            "status_label": r["status_label"],
            "terlambat": r["terlambat"],
            "jatuh_tempo": r.get("sla_jatuh_tempo"),
            "waktu": r["diterima_at"],
            "href": f"{_base(daerah)}/laporan/{r['id']}",
        }
        for r in hasil["items"]
    ]
