"""Perizinan: permit types, applying with documents, the application's page, the operators' inbox,
the permit's PDF and the public check of a permit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from puja_kit.workflow.machine import PERMOHONAN

from portal.backend import Masalah
from portal.halaman.alur import (
    act_on_many,
    actions,
    add_document_pages,
    check_action,
    note_of,
    proxy_download,
    templates_for,
)
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

LAYANAN = "perizinan"
router = APIRouter(prefix="/{slug}/perizinan")
# The kit's PERMOHONAN workflow, with perizinan's own route and words for completing it.
PATHS = {"selesaikan": "terbitkan"}
LABELS = {
    "selesaikan": "Terbitkan izin",
    "proses": "Berkas lengkap, proses",
    "verifikasi": "Mulai verifikasi",
}
# What an operator does to several at once from the inbox.
BULK = {"verifikasi": "Mulai verifikasi", "proses": "Berkas lengkap, proses"}
RISIKO = {
    "rendah": "Rendah",
    "menengah_rendah": "Menengah rendah",
    "menengah_tinggi": "Menengah tinggi",
    "tinggi": "Tinggi",
}


_api = api_of(LAYANAN)
petugas = staff_of(LAYANAN)


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    links = [
        Tautan("Jenis izin dan persyaratannya", f"/{daerah.slug}/perizinan", "biaya, dokumen, lama proses")
    ]
    if petugas(pengunjung, daerah):
        links.append(
            Tautan("Kotak masuk permohonan izin", f"/{daerah.slug}/perizinan/kotak-masuk", "untuk petugas")
        )
    return links


@router.get("", response_class=HTMLResponse)
async def jenis_izin(
    daerah: DaerahDep, pengunjung: PengunjungDep, q: Annotated[str | None, Query(max_length=100)] = None
) -> HTMLResponse:
    hasil = await pengunjung.api.get(f"{_api(daerah)}/jenis-izin", q=q, size=100)
    return page(
        pengunjung.request,
        "perizinan/jenis_izin.html",
        judul="Jenis izin",
        daerah=daerah,
        jenis=hasil["items"],
        q=q or "",
        risiko=RISIKO,
    )


@router.get("/ajukan/{jenis_izin_id}", response_class=HTMLResponse)
async def ajukan_form(daerah: DaerahDep, pengunjung: MasukDep, jenis_izin_id: str) -> HTMLResponse:
    jenis = await pengunjung.api.get(f"{_api(daerah)}/jenis-izin", size=100)
    pilihan = next((j for j in jenis["items"] if j["id"] == jenis_izin_id), None)
    if pilihan is None:
        raise Masalah(
            404,
            {"title": "Jenis izin tidak ditemukan", "detail": "Jenis izin ini tidak dibuka di daerah ini."},
        )
    return _ajukan_page(pengunjung.request, daerah, pengunjung, pilihan, {}, None)


def _ajukan_page(
    request: Request,
    daerah: Daerah,
    pengunjung: Pengunjung,
    jenis: dict[str, Any],
    isian: dict[str, Any],
    masalah: Masalah | None,
) -> HTMLResponse:
    return page(
        request,
        "perizinan/ajukan.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Ajukan {jenis['nama']}",
        daerah=daerah,
        jenis=jenis,
        isian=isian,
        masalah=masalah,
        kecamatan=kecamatan_of(daerah.kode),
        kunci=isian.get("idempotency_key") or kunci_baru(),
        terbukti=pengunjung.nik_proved_in(daerah.kode),
    )


@router.post("/ajukan/{jenis_izin_id}", response_class=HTMLResponse)
async def ajukan(daerah: DaerahDep, pengunjung: MasukDep, jenis_izin_id: str, form: FormDep) -> Response:
    isian = {
        k: teks(form, k) for k in ("nama_usaha", "alamat_usaha", "kode_wilayah", "nib", "idempotency_key")
    }
    body = {
        "jenis_izin_id": jenis_izin_id,
        **{k: isian[k] for k in ("nama_usaha", "alamat_usaha", "kode_wilayah")},
    }
    if isian["nib"]:
        body["nib"] = isian["nib"]
    try:
        created = await pengunjung.api.post(
            f"{_api(daerah)}/permohonan", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        jenis = await pengunjung.api.get(f"{_api(daerah)}/jenis-izin", size=100)
        pilihan = next(
            (j for j in jenis["items"] if j["id"] == jenis_izin_id),
            {"id": jenis_izin_id, "nama": "izin", "dokumen_wajib": []},
        )
        return _ajukan_page(pengunjung.request, daerah, pengunjung, pilihan, isian, exc)
    return pindah(f"/{daerah.slug}/perizinan/permohonan/{created['id']}?pesan=draf")


PESAN = {
    "draf": "Draf permohonan dibuat. Unggah dokumen yang diminta, lalu ajukan.",
    "dokumen": "Dokumen terunggah.",
    "aksi": "Tindakan tersimpan.",
    "terbit": "Izin terbit.",
}


@router.get("/permohonan/{permohonan_id}", response_class=HTMLResponse)
async def permohonan(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    permohonan_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _permohonan_page(daerah, pengunjung, permohonan_id, pesan=PESAN.get(pesan or ""))


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
    open_actions = actions(
        PERMOHONAN,
        data["status"],
        pemohon=not staff and pengunjung.warga,
        petugas=staff,
        paths=PATHS,
        labels=LABELS,
    )
    upload = (not staff) and data["status"] in ("DRAF", "PERLU_PERBAIKAN")
    jenis_dokumen = sorted(
        {*data.get("dokumen_kurang", []), *(d["jenis"] for d in data["dokumen"] if not d.get("diganti_at"))}
    )
    return page(
        pengunjung.request,
        "perizinan/permohonan.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Permohonan {data['nomor']}",
        daerah=daerah,
        p=data,
        aksi=open_actions,
        unggah=upload,
        jenis_dokumen=jenis_dokumen,
        petugas=staff,
        pesan=pesan,
        masalah=masalah,
        templat=await templates_for(pengunjung, daerah, LAYANAN, TEMPLAT_JAWABAN),
    )


# Answers operators use again and again; picked into the note with one tap.
TEMPLAT_JAWABAN = (
    "Dokumen belum terbaca jelas. Mohon unggah ulang hasil pindaian yang tajam dan utuh.",
    "Nama usaha pada dokumen berbeda dengan isian. Mohon samakan dan unggah ulang.",
    "Alamat usaha belum lengkap (RT/RW, desa). Mohon lengkapi dokumennya.",
    "Lokasi usaha tidak sesuai dengan rencana tata ruang daerah.",
)


add_document_pages(router, layanan=LAYANAN, api=_api, application_page=_permohonan_page)


@router.post("/permohonan/{permohonan_id}/aksi/{jalur}", response_class=HTMLResponse)
async def aksi(
    daerah: DaerahDep, pengunjung: MasukDep, permohonan_id: str, jalur: str, form: FormDep
) -> Response:
    check_action(actions(PERMOHONAN, teks(form, "status"), pemohon=True, petugas=True, paths=PATHS), jalur)
    catatan = await note_of(pengunjung, daerah, LAYANAN, TEMPLAT_JAWABAN, form)
    try:
        if jalur == "terbitkan":
            await pengunjung.api.post(
                f"{_api(daerah)}/permohonan/{permohonan_id}/terbitkan",
                idempotency_key=teks(form, "idempotency_key") or None,
            )
        else:
            await pengunjung.api.post(
                f"{_api(daerah)}/permohonan/{permohonan_id}/{jalur}", {"catatan": catatan} if catatan else {}
            )
    except Masalah as exc:
        return await _permohonan_page(daerah, pengunjung, permohonan_id, masalah=exc)
    return pindah(
        f"/{daerah.slug}/perizinan/permohonan/{permohonan_id}?pesan={'terbit' if jalur == 'terbitkan' else 'aksi'}"
    )


@router.get("/izin/{izin_id}.pdf")
async def izin_pdf(daerah: DaerahDep, pengunjung: MasukDep, izin_id: str) -> Response:
    return proxy_download(await pengunjung.api.call("GET", f"{_api(daerah)}/izin/{izin_id}/pdf"))


@router.get("/periksa/{kode}", response_class=HTMLResponse)
async def periksa(daerah: DaerahDep, pengunjung: PengunjungDep, kode: str) -> HTMLResponse:
    """The public check of a permit (the QR code on its PDF): enough to trust it, no personal data."""
    try:
        izin = await pengunjung.api.get(f"{_api(daerah)}/verifikasi/{kode}")
    except Masalah as exc:
        if exc.status != 404:
            raise
        izin = None
    return page(
        pengunjung.request,
        "perizinan/periksa.html",
        status_code=200 if izin else 404,
        judul="Periksa izin",
        daerah=daerah,
        izin=izin,
        kode=kode,
    )


@router.get("/periksa", response_class=HTMLResponse)
async def periksa_form(
    daerah: DaerahDep, pengunjung: PengunjungDep, kode: Annotated[str | None, Query(max_length=30)] = None
) -> Response:
    if kode:
        return pindah(f"/{daerah.slug}/perizinan/periksa/{kode.strip()}")
    return page(
        pengunjung.request, "perizinan/periksa.html", judul="Periksa izin", daerah=daerah, izin=None, kode=""
    )


@router.get("/kotak-masuk", response_class=HTMLResponse)
async def kotak_masuk(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    status: Annotated[str | None, Query(max_length=30)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    aksi: Annotated[str | None, Query(max_length=30)] = None,
    selesai: int = 0,
    gagal: int = 0,
) -> HTMLResponse:
    """The operators' inbox: applications of the region, the nearest SLA due date first, overdue marked."""
    hasil = await pengunjung.api.get(
        f"{_api(daerah)}/permohonan", status=status, cursor=cursor, limit=50, urut="sla"
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
        "perizinan/kotak_masuk.html",
        judul="Kotak masuk perizinan",
        daerah=daerah,
        hasil=hasil,
        status=status or "",
        states=PERMOHONAN.states,
        bulk=BULK,
        pesan=pesan,
    )


@router.post("/kotak-masuk", response_class=HTMLResponse)
async def kotak_masuk_massal(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    raw = form.get("pilih") or []
    ids = [raw] if isinstance(raw, str) else list(raw)
    jalur = teks(form, "aksi")
    if jalur not in BULK or not ids:
        return pindah(f"/{daerah.slug}/perizinan/kotak-masuk?aksi=kosong")
    done, refused = await act_on_many(pengunjung, _api(daerah), ids[:50], jalur, None)
    return pindah(f"/{daerah.slug}/perizinan/kotak-masuk?aksi={jalur}&selesai={done}&gagal={len(refused)}")


async def milik_saya(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    """The citizen's applications here, for their 'Permohonan saya' page."""
    hasil = await pengunjung.api.get(f"{_api(daerah)}/permohonan/saya", limit=50)
    return [
        {
            "layanan": "Perizinan",
            "nomor": p["nomor"],
            "judul": f"{p['jenis_izin']['nama'] if p.get('jenis_izin') else 'Izin'}: {p['nama_usaha']}",
            "status_label": p["status_label"],
            "terlambat": p["terlambat"],
            "jatuh_tempo": p.get("sla_jatuh_tempo"),
            "waktu": p.get("diajukan_at") or p["dibuat"],
            "href": f"/{daerah.slug}/perizinan/permohonan/{p['id']}",
        }
        for p in hasil["items"]
    ]
