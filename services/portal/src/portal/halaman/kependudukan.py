"""Kependudukan: proving one's NIK (by family-card data, or with a code at the counter), a citizen's
requests for a document or a change of their data (with scans, corrections and cancelling), their family
card; for operators: the counter, the inbox by SLA due date, the resident search and the population import
with its progress."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from puja_kit.db import SessionDep
from puja_kit.workflow.machine import PERMOHONAN

from portal.backend import Masalah
from portal.halaman.alur import (
    Aksi,
    act_on_many,
    actions,
    add_document_pages,
    check_action,
    note_of,
    templates_for,
)
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
from portal.sesi import MasukDep, Pengunjung, refresh_profile
from portal.tampilan import page
from portal.wilayah import kecamatan_of

LAYANAN = "kependudukan"
router = APIRouter(prefix="/{slug}/kependudukan")
# The kit's PERMOHONAN workflow, with kependudukan's own route and words for completing it: approving
# records the SIAK document number and applies the change to the resident's data.
PATHS = {"selesaikan": "setujui"}
LABELS = {
    "ajukan": "Ajukan permohonan",
    "ajukan_ulang": "Kirim perbaikan",
    "batalkan": "Batalkan permohonan",
    "verifikasi": "Mulai verifikasi",
    "minta_perbaikan": "Minta perbaikan",
    "proses": "Berkas lengkap, proses",
    "selesaikan": "Setujui",
    "tolak": "Tolak permohonan",
}
# The API approves in one step from these too (verify, process and finish together).
SETUJUI_DARI = ("DIAJUKAN", "VERIFIKASI", "DIPROSES")
BULK = {"verifikasi": "Mulai verifikasi", "proses": "Berkas lengkap, proses"}
JENIS = {
    "PINDAH": ("Pindah alamat", "pindah di dalam daerah ini atau ke daerah lain"),
    "KTP": ("KTP elektronik", "pembuatan atau penggantian KTP-el"),
    "KIA": ("Kartu Identitas Anak", "untuk anak di bawah 17 tahun dalam KK Anda"),
    "PERUBAHAN_KK": ("Perubahan Kartu Keluarga", "nomor KK baru, boleh dengan alamat baru"),
    "AKTA_KELAHIRAN": ("Akta kelahiran", "bayi yang lahir dalam keluarga Anda"),
    "AKTA_KEMATIAN": ("Akta kematian", "anggota keluarga yang meninggal"),
    "PERBAIKAN_DATA": ("Perbaikan data", "nama, tempat atau tanggal lahir yang keliru"),
}
# Answers operators use again and again; picked into the note with one tap.
TEMPLAT_JAWABAN = (
    "Pindaian KTP belum terbaca jelas. Mohon unggah ulang hasil pindaian yang tajam dan utuh.",
    "Pindaian Kartu Keluarga tidak lengkap (halaman atau tanda tangan terpotong). Mohon unggah ulang.",
    "Data pada dokumen berbeda dengan isian permohonan. Mohon samakan dan unggah ulang.",
    "Alamat tujuan belum lengkap (RT/RW, desa). Mohon lengkapi surat pengantarnya.",
)
PESAN = {
    "draf": "Draf permohonan dibuat. Unggah dokumen yang diminta, lalu ajukan.",
    "dokumen": "Dokumen terunggah.",
    "aksi": "Tindakan tersimpan.",
    "setuju": "Permohonan disetujui dan data penduduk diperbarui.",
}
STATUS_PENDUDUK = {"HIDUP": "Hidup", "MENINGGAL": "Meninggal", "PINDAH": "Pindah"}


_api = api_of(LAYANAN)
petugas = staff_of(LAYANAN)


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    base = f"/{daerah.slug}/kependudukan"
    links = [
        Tautan("Buktikan NIK Anda", f"{base}/verifikasi-nik", "agar bisa mengajukan layanan"),
        Tautan("Ajukan layanan kependudukan", f"{base}/ajukan", "pindah alamat, KTP, KK, akta"),
        Tautan("Kartu Keluarga saya", f"{base}/kk", "data Anda dan keluarga"),
    ]
    if petugas(pengunjung, daerah):
        links += [
            Tautan("Kotak masuk kependudukan", f"{base}/kotak-masuk", "untuk petugas"),
            Tautan("Cari penduduk", f"{base}/penduduk", "untuk petugas"),
            Tautan("Impor data penduduk", f"{base}/impor", "untuk petugas"),
            Tautan("Loket verifikasi NIK", f"{base}/loket", "untuk petugas"),
        ]
    return links


async def _wait_for_proof(pengunjung: Pengunjung, daerah: Daerah) -> None:
    """akun learns of the proof from kependudukan's event: wait briefly for it, then take tokens that carry it."""
    for _ in range(20):
        await refresh_profile(pengunjung)
        if pengunjung.nik_proved_in(daerah.kode):
            return
        await asyncio.sleep(0.25)


@router.get("/verifikasi-nik", response_class=HTMLResponse)
async def verifikasi(daerah: DaerahDep, pengunjung: MasukDep, session: SessionDep) -> HTMLResponse:
    status = await pengunjung.api.get(f"{_api(daerah)}/verifikasi-nik")
    if status["terverifikasi"] and not pengunjung.nik_proved_in(daerah.kode):
        await _wait_for_proof(pengunjung, daerah)
    return page(
        pengunjung.request,
        "kependudukan/verifikasi.html",
        judul="Buktikan NIK",
        daerah=daerah,
        status=status,
        isian={},
        kode=None,
    )


@router.post("/verifikasi-nik", response_class=HTMLResponse)
async def verifikasi_mandiri(
    daerah: DaerahDep, pengunjung: MasukDep, form: FormDep, session: SessionDep
) -> Response:
    isian = {"no_kk": teks(form, "no_kk"), "nama_ibu": teks(form, "nama_ibu")}
    try:
        status = await pengunjung.api.post(f"{_api(daerah)}/verifikasi-nik", isian)
    except Masalah as exc:
        status = await pengunjung.api.get(f"{_api(daerah)}/verifikasi-nik")
        return page(
            pengunjung.request,
            "kependudukan/verifikasi.html",
            status_code=exc.status,
            judul="Buktikan NIK",
            daerah=daerah,
            status=status,
            isian=isian,
            kode=None,
            masalah=exc,
        )
    if status["terverifikasi"]:
        await _wait_for_proof(pengunjung, daerah)
        return pindah(f"/{daerah.slug}/kependudukan/verifikasi-nik?pesan=terbukti")
    return page(
        pengunjung.request,
        "kependudukan/verifikasi.html",
        judul="Buktikan NIK",
        daerah=daerah,
        status=status,
        isian=isian,
        kode=None,
        masalah=Masalah(
            422,
            {
                "title": "Data belum cocok",
                "detail": f"Nomor KK atau nama ibu tidak cocok dengan catatan {daerah.nama}. Sisa percobaan: {status['sisa_percobaan']}.",
            },
        ),
    )


@router.post("/verifikasi-nik/kode-loket", response_class=HTMLResponse)
async def kode_loket(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> HTMLResponse:
    kode = await pengunjung.api.post(f"{_api(daerah)}/verifikasi-nik/kode-loket")
    status = await pengunjung.api.get(f"{_api(daerah)}/verifikasi-nik")
    return page(
        pengunjung.request,
        "kependudukan/verifikasi.html",
        judul="Kode loket",
        daerah=daerah,
        status=status,
        isian={},
        kode=kode,
    )


@router.get("/loket", response_class=HTMLResponse)
async def loket(
    daerah: DaerahDep, pengunjung: MasukDep, hasil: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    pesan = {
        "terverifikasi": "NIK warga terverifikasi.",
        "dilepas": "NIK dilepas dari akun yang belum terbukti.",
    }.get(hasil or "")
    return page(
        pengunjung.request,
        "kependudukan/loket.html",
        judul="Loket verifikasi NIK",
        daerah=daerah,
        isian={},
        pesan=pesan,
    )


async def _at_counter(
    daerah: Daerah, pengunjung: Pengunjung, action: str, isian: dict[str, str], hasil: str
) -> Response:
    """One counter action (verify a code, release a NIK); a refusal shows on the counter page."""
    try:
        await pengunjung.api.post(f"{_api(daerah)}/verifikasi-nik/{action}", isian)
    except Masalah as exc:
        return page(
            pengunjung.request,
            "kependudukan/loket.html",
            status_code=exc.status,
            judul="Loket verifikasi NIK",
            daerah=daerah,
            isian=isian,
            masalah=exc,
        )
    return pindah(f"/{daerah.slug}/kependudukan/loket?hasil={hasil}")


@router.post("/loket", response_class=HTMLResponse)
async def loket_verifikasi(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = {"nik": teks(form, "nik"), "kode": teks(form, "kode")}
    return await _at_counter(daerah, pengunjung, "loket", isian, "terverifikasi")


@router.post("/loket/lepas", response_class=HTMLResponse)
async def loket_lepas(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = {"nik": teks(form, "nik"), "alasan": teks(form, "alasan")}
    return await _at_counter(daerah, pengunjung, "lepas", isian, "dilepas")


# --- The citizen's requests -------------------------------------------------------------------------


def _jenis_label(jenis: str) -> str:
    return JENIS.get(jenis, (jenis.replace("_", " ").capitalize(), ""))[0]


async def _keluarga(pengunjung: Pengunjung, daerah: Daerah) -> list[dict[str, Any]]:
    """The citizen's family card; empty when the region does not know them (yet)."""
    try:
        return list(await pengunjung.api.get(f"{_api(daerah)}/penduduk/saya"))
    except Masalah as exc:
        if exc.status in (403, 404):
            return []
        raise


@router.get("/ajukan", response_class=HTMLResponse)
async def pilih_jenis(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
    pengaturan = daerah.pengaturan(LAYANAN) or {}
    return page(
        pengunjung.request,
        "kependudukan/pilih_jenis.html",
        judul="Layanan kependudukan",
        daerah=daerah,
        jenis=JENIS,
        pengaturan=pengaturan,
        terbukti=pengunjung.nik_proved_in(daerah.kode),
    )


async def _ajukan_page(
    daerah: Daerah, pengunjung: Pengunjung, jenis: str, isian: dict[str, Any], masalah: Masalah | None
) -> HTMLResponse:
    return page(
        pengunjung.request,
        "kependudukan/ajukan.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Ajukan {_jenis_label(jenis).lower()}",
        daerah=daerah,
        jenis=jenis,
        label=_jenis_label(jenis),
        isian=isian,
        masalah=masalah,
        keluarga=await _keluarga(pengunjung, daerah),
        kecamatan=kecamatan_of(daerah.kode),
        pengaturan=daerah.pengaturan(LAYANAN) or {},
        kunci=isian.get("idempotency_key") or kunci_baru(),
        terbukti=pengunjung.nik_proved_in(daerah.kode),
    )


def _tidak_dikenal() -> Masalah:
    return Masalah(
        404, {"title": "Layanan tidak dikenal", "detail": "Jenis permohonan ini tidak ada di daerah ini."}
    )


@router.get("/ajukan/{jenis}", response_class=HTMLResponse)
async def ajukan_form(daerah: DaerahDep, pengunjung: MasukDep, jenis: str) -> HTMLResponse:
    if jenis not in JENIS:
        raise _tidak_dikenal()
    return await _ajukan_page(daerah, pengunjung, jenis, {}, None)


FIELDS = (
    "subjek_nik",
    "tujuan",
    "alamat",
    "rt",
    "rw",
    "kode_wilayah",
    "tujuan_kode_wilayah",
    "no_kk_baru",
    "tanggal_meninggal",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "idempotency_key",
)


def _body(jenis: str, isian: dict[str, str]) -> dict[str, Any]:
    """The API's request body for `jenis` from the form's fields (the service checks the rest)."""
    body: dict[str, Any] = {"jenis": jenis}
    if isian["subjek_nik"]:
        body["subjek_nik"] = isian["subjek_nik"]
    alamat = {
        "alamat": isian["alamat"],
        "rt": isian["rt"] or None,
        "rw": isian["rw"] or None,
        "kode_wilayah": isian["kode_wilayah"],
    }
    if jenis == "PINDAH":
        if isian["tujuan"] == "keluar":
            body["tujuan_kode_wilayah"] = isian["tujuan_kode_wilayah"]
        elif isian["alamat"] or isian["kode_wilayah"]:
            body["alamat_baru"] = alamat
    elif jenis == "PERUBAHAN_KK":
        body["no_kk_baru"] = isian["no_kk_baru"]
        if isian["alamat"]:
            body["alamat_baru"] = alamat
    elif jenis == "AKTA_KEMATIAN":
        body["tanggal_meninggal"] = isian["tanggal_meninggal"] or None
    elif jenis == "AKTA_KELAHIRAN":
        body["bayi"] = {
            k: isian[k] or None for k in ("nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin")
        }
    elif jenis == "PERBAIKAN_DATA":
        changes = {
            k: isian[k] for k in ("nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin") if isian[k]
        }
        body["perbaikan"] = changes
    return body


@router.post("/ajukan/{jenis}", response_class=HTMLResponse)
async def ajukan(daerah: DaerahDep, pengunjung: MasukDep, jenis: str, form: FormDep) -> Response:
    if jenis not in JENIS:
        raise _tidak_dikenal()
    isian = {k: teks(form, k) for k in FIELDS}
    try:
        created = await pengunjung.api.post(
            f"{_api(daerah)}/permohonan",
            _body(jenis, isian),
            idempotency_key=isian["idempotency_key"] or None,
        )
    except Masalah as exc:
        return await _ajukan_page(daerah, pengunjung, jenis, isian, exc)
    return pindah(f"/{daerah.slug}/kependudukan/permohonan/{created['id']}?pesan=draf")


@router.get("/permohonan/{permohonan_id}", response_class=HTMLResponse)
async def permohonan(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    permohonan_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _permohonan_page(daerah, pengunjung, permohonan_id, pesan=PESAN.get(pesan or ""))


def _open_actions(status: str, *, pemohon: bool, staff: bool) -> list[Aksi]:
    found = actions(PERMOHONAN, status, pemohon=pemohon, petugas=staff, paths=PATHS, labels=LABELS)
    if staff and status in SETUJUI_DARI and not any(a.jalur == "setujui" for a in found):
        found.append(Aksi("selesaikan", "setujui", LABELS["selesaikan"], False))
    return found


async def _permohonan_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    permohonan_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    data = await pengunjung.api.get(f"{_api(daerah)}/permohonan/{permohonan_id}")
    staff = petugas(pengunjung, daerah)
    current = [d for d in data["dokumen"] if not d.get("diganti_at")]
    have = {d["jenis"] for d in current}
    wajib = list(data.get("dokumen_wajib") or [])
    perbaikan = next((r for r in reversed(data["riwayat"]) if r["ke"] == "PERLU_PERBAIKAN"), None)
    alamat = data["data"].get("alamat_baru") or {}
    return page(
        pengunjung.request,
        "kependudukan/permohonan.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Permohonan {data['nomor']}",
        daerah=daerah,
        p=data,
        label=_jenis_label(data["jenis"]),
        aksi=_open_actions(data["status"], pemohon=not staff and pengunjung.warga, staff=staff),
        unggah=(not staff) and data["status"] in ("DRAF", "PERLU_PERBAIKAN"),
        dokumen=current,
        jenis_dokumen=wajib or sorted(have) or ["Dokumen pendukung"],
        kurang=[j for j in wajib if j not in have],
        perbaikan=perbaikan if data["status"] == "PERLU_PERBAIKAN" else None,
        nama_wilayah=_nama_wilayah(daerah, alamat.get("kode_wilayah")),
        petugas=staff,
        pesan=pesan,
        masalah=masalah,
        templat=await templates_for(pengunjung, daerah, LAYANAN, TEMPLAT_JAWABAN),
    )


def _nama_wilayah(daerah: Daerah, kode: str | None) -> str | None:
    for kecamatan in kecamatan_of(daerah.kode):
        for kode_desa, nama in kecamatan.desa:
            if kode_desa == kode:
                return f"{nama}, Kecamatan {kecamatan.nama}"
    return None


add_document_pages(router, layanan=LAYANAN, api=_api, application_page=_permohonan_page)


@router.post("/permohonan/{permohonan_id}/aksi/{jalur}", response_class=HTMLResponse)
async def aksi(
    daerah: DaerahDep, pengunjung: MasukDep, permohonan_id: str, jalur: str, form: FormDep
) -> Response:
    check_action(_open_actions(teks(form, "status"), pemohon=True, staff=True), jalur)
    catatan = await note_of(pengunjung, daerah, LAYANAN, TEMPLAT_JAWABAN, form)
    base = f"{_api(daerah)}/permohonan/{permohonan_id}"
    try:
        if jalur == "setujui":
            body = {"nomor_dokumen": teks(form, "nomor_dokumen")}
            if catatan:
                body["catatan"] = catatan
            await pengunjung.api.post(f"{base}/setujui", body)
        else:
            await pengunjung.api.post(f"{base}/{jalur}", {"catatan": catatan} if catatan else {})
    except Masalah as exc:
        return await _permohonan_page(daerah, pengunjung, permohonan_id, masalah=exc)
    done = "setuju" if jalur == "setujui" else "aksi"
    return pindah(f"/{daerah.slug}/kependudukan/permohonan/{permohonan_id}?pesan={done}")


@router.get("/kk", response_class=HTMLResponse)
async def kartu_keluarga(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
    """The citizen's family card: themselves and the members as the region records them."""
    return page(
        pengunjung.request,
        "kependudukan/kk.html",
        judul="Kartu Keluarga saya",
        daerah=daerah,
        keluarga=await _keluarga(pengunjung, daerah),
        status_penduduk=STATUS_PENDUDUK,
        terbukti=pengunjung.nik_proved_in(daerah.kode),
    )


async def milik_saya(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    """The citizen's kependudukan requests here, for their 'Permohonan saya' page."""
    try:
        hasil = await pengunjung.api.get(f"{_api(daerah)}/permohonan/saya", limit=50)
    except Masalah as exc:
        if exc.status in (403, 404):
            return []
        raise
    return [
        {
            "layanan": "Kependudukan",
            "nomor": p["nomor"],
            "judul": _jenis_label(p["jenis"]),
            "status_label": PERMOHONAN.states.get(p["status"], p["status"]),
            "terlambat": p["terlambat"],
            "jatuh_tempo": p.get("sla_jatuh_tempo"),
            "waktu": p.get("diajukan_at") or "",
            "href": f"/{daerah.slug}/kependudukan/permohonan/{p['id']}",
        }
        for p in hasil["items"]
    ]


# --- Operators ----------------------------------------------------------------------------------


@router.get("/kotak-masuk", response_class=HTMLResponse)
async def kotak_masuk(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    status: Annotated[str | None, Query(max_length=30)] = None,
    jenis: Annotated[str | None, Query(max_length=30)] = None,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    aksi: Annotated[str | None, Query(max_length=30)] = None,
    selesai: int = 0,
    gagal: int = 0,
) -> HTMLResponse:
    """The operators' inbox: the open requests of the region, the nearest SLA due date first, overdue marked."""
    hasil = await pengunjung.api.get(
        f"{_api(daerah)}/permohonan",
        status=status if status in PERMOHONAN.states else None,
        jenis=jenis if jenis in JENIS else None,
        cursor=cursor,
        limit=50,
        urut="sla",
    )
    pesan = None
    if aksi in BULK:
        pesan = f"{selesai} permohonan: {BULK[aksi].lower()}." + (
            f" {gagal} tidak dapat (statusnya tidak sesuai)." if gagal else ""
        )
    elif aksi == "kosong":
        pesan = "Pilih permohonan dan tindakannya lebih dulu."
    return page(
        pengunjung.request,
        "kependudukan/kotak_masuk.html",
        judul="Kotak masuk kependudukan",
        daerah=daerah,
        hasil=hasil,
        status=status or "",
        jenis=jenis or "",
        states=PERMOHONAN.states,
        semua_jenis={k: v[0] for k, v in JENIS.items()},
        bulk=BULK,
        pesan=pesan,
    )


@router.post("/kotak-masuk", response_class=HTMLResponse)
async def kotak_masuk_massal(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    raw = form.get("pilih") or []
    ids = [raw] if isinstance(raw, str) else list(raw)
    jalur = teks(form, "aksi")
    if jalur not in BULK or not ids:
        return pindah(f"/{daerah.slug}/kependudukan/kotak-masuk?aksi=kosong")
    done, refused = await act_on_many(pengunjung, _api(daerah), ids[:50], jalur, None)
    return pindah(f"/{daerah.slug}/kependudukan/kotak-masuk?aksi={jalur}&selesai={done}&gagal={len(refused)}")


@router.get("/penduduk", response_class=HTMLResponse)
async def cari_penduduk(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    kode_wilayah: Annotated[str | None, Query(max_length=13)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> HTMLResponse:
    """The staff's resident search by name or NIK, by area and status, page by page."""
    masalah = None
    hasil: dict[str, Any] = {"items": [], "next_cursor": None}
    try:
        hasil = await pengunjung.api.get(
            f"{_api(daerah)}/penduduk",
            q=(q or "").strip() or None,
            kode_wilayah=kode_wilayah or None,
            status=status if status in STATUS_PENDUDUK else None,
            cursor=cursor,
            limit=25,
        )
    except Masalah as exc:
        if exc.status in (401, 403, 404):
            raise
        masalah = exc
    return page(
        pengunjung.request,
        "kependudukan/penduduk.html",
        status_code=masalah.status if masalah else 200,
        judul="Cari penduduk",
        daerah=daerah,
        hasil=hasil,
        isian={"q": q or "", "kode_wilayah": kode_wilayah or "", "status": status or ""},
        kecamatan=kecamatan_of(daerah.kode),
        status_penduduk=STATUS_PENDUDUK,
        masalah=masalah,
        awal=cursor is None,
    )


@router.get("/impor", response_class=HTMLResponse)
async def impor_form(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
    return _impor_form_page(daerah, pengunjung, None)


def _impor_form_page(daerah: Daerah, pengunjung: Pengunjung, masalah: Masalah | None) -> HTMLResponse:
    return page(
        pengunjung.request,
        "kependudukan/impor.html",
        status_code=masalah.status if masalah else 200,
        judul="Impor data penduduk",
        daerah=daerah,
        masalah=masalah,
        kolom=KOLOM_IMPOR,
    )


KOLOM_IMPOR = (
    "nik",
    "no_kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "rt",
    "rw",
    "kode_wilayah",
)


@router.post("/impor", response_class=HTMLResponse)
async def impor(daerah: DaerahDep, pengunjung: MasukDep, request: Request, form: FormDep) -> Response:
    berkas = (await request.form()).get("berkas")
    if berkas is None or isinstance(berkas, str) or not berkas.filename:
        return _impor_form_page(daerah, pengunjung, masalah_lokal("Pilih berkas CSV yang diimpor.", "berkas"))
    content = await berkas.read()
    try:
        job = (
            await pengunjung.api.call(
                "POST",
                f"{_api(daerah)}/impor",
                files={"berkas": (berkas.filename, content, berkas.content_type or "text/csv")},
            )
        ).json()
    except Masalah as exc:
        return _impor_form_page(daerah, pengunjung, exc)
    # The file's rows (less the header), for the progress bar's end; the service counts as it goes.
    rows = max(content.rstrip(b"\n").count(b"\n"), 0)
    return pindah(f"/{daerah.slug}/kependudukan/impor/{job['id']}?baris={rows}")


@router.get("/impor/{impor_id}", response_class=HTMLResponse)
async def impor_kemajuan(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    impor_id: str,
    baris: Annotated[int | None, Query(ge=0, le=100_000_000)] = None,
    diam: int = 0,
    halaman: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """An import's progress; while it runs the page reloads itself (a Refresh header, no script needed)."""
    job = await pengunjung.api.get(f"{_api(daerah)}/impor/{impor_id}")
    berjalan = job["status"] == "BERJALAN"
    ditolak = None
    if not berjalan:
        ditolak = await pengunjung.api.get(f"{_api(daerah)}/impor/{impor_id}/ditolak", page=halaman, size=50)
    total = max(baris or 0, job["diproses"])
    response = page(
        pengunjung.request,
        "kependudukan/impor_kemajuan.html",
        judul="Kemajuan impor",
        daerah=daerah,
        job=job,
        berjalan=berjalan,
        total=total if total else None,
        ditolak=ditolak,
        baris=baris,
        diam=bool(diam),
        halaman=halaman,
    )
    if berjalan and not diam:
        response.headers["Refresh"] = "2"
    return response
