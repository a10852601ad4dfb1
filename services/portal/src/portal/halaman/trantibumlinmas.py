"""Trantibumlinmas in the portal: the public early warnings (and their CAP feed), the staff's pages to
issue, update and cancel a warning and to follow each linmas post's acknowledgement per area, the page a
post opens from its acknowledgement link, the linmas posts, and the reports of public-order problems on
the portal's report pages (`portal.halaman.laporan`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
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
from portal.halaman.laporan import HalamanLaporan, add_report_pages, report_links, reports_of_mine
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import ZONES, page
from portal.wilayah import kecamatan_of

LAYANAN = "trantibumlinmas"
NAMA = "Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat"
router = APIRouter(prefix=f"/{{slug}}/{LAYANAN}")
_api = api_of(LAYANAN)
petugas = staff_of(LAYANAN)

LEVEL = {"WASPADA": "Waspada", "SIAGA": "Siaga", "AWAS": "Awas"}
LEVEL_ARTI = {
    "WASPADA": "Waspada: bahaya mungkin terjadi, ikuti perkembangan.",
    "SIAGA": "Siaga: bahaya kemungkinan besar terjadi, bersiap mengungsi.",
    "AWAS": "Awas: bahaya sedang terjadi atau segera terjadi, ikuti perintah evakuasi.",
}
BAHAYA = {
    "banjir": "Banjir",
    "tanah_longsor": "Tanah longsor",
    "karhutla": "Kebakaran hutan dan lahan",
    "puting_beliung": "Angin puting beliung",
    "gempa_tsunami": "Gempa bumi/tsunami",
    "lainnya": "Bahaya lainnya",
}
PESAN = {
    "terbit": "Peringatan diterbitkan. Kirim tautan tanda terima di bawah ini ke setiap pos linmas.",
    "perbarui": "Peringatan diperbarui. Pos linmas perlu menerima versi baru ini: kirim tautan barunya.",
    "batal": "Peringatan dibatalkan; pembatalannya tetap tercatat di riwayat dan umpan CAP.",
    "catat": "Tanda terima tercatat.",
    "pos": "Pos linmas tersimpan.",
}
TOKEN = r"^[0-9a-f]{64}\.[A-Za-z0-9_\-]{20,80}$"

HALAMAN = HalamanLaporan(
    layanan=LAYANAN,
    nama="Laporan trantibum",
    judul_lapor="Laporkan gangguan atau kejadian",
    prefix="TR",
    istilah_kategori="Jenis kejadian",
    petunjuk_isi="apa yang terjadi, di mana tepatnya, ada korban atau tidak",
    templat_jawaban=(
        "Laporan sudah kami terima dan diteruskan ke regu piket untuk dicek ke lokasi.",
        "Petugas sudah turun ke lokasi dan menertibkan/menangani kejadian.",
        "Kejadian sudah ditangani bersama aparat desa dan linmas setempat.",
        "Kejadian ini kewenangan kepolisian; laporan kami teruskan ke Polres setempat.",
    ),
)
add_report_pages(router, HALAMAN)
milik_saya = reports_of_mine(HALAMAN)


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    links = [
        Tautan(
            "Peringatan dini", f"/{daerah.slug}/{LAYANAN}", "banjir, longsor, kebakaran lahan di daerah ini"
        )
    ]
    if petugas(pengunjung, daerah):
        links.append(
            Tautan("Terbitkan peringatan dini", f"/{daerah.slug}/{LAYANAN}/terbitkan", "untuk petugas")
        )
    return links + report_links(HALAMAN, daerah, pengunjung)


def _cap_url(daerah: Daerah) -> str:
    """The CAP messages' base; the feed itself is `<base>.atom`."""
    return f"{_api(daerah)}/cap"


# --- public ------------------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def beranda(
    daerah: DaerahDep, pengunjung: PengunjungDep, pesan: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    feed = await pengunjung.api.get(f"{_api(daerah)}/peringatan")
    return page(
        pengunjung.request,
        f"{LAYANAN}/beranda.html",
        judul="Peringatan dini",
        daerah=daerah,
        feed=feed,
        arti=LEVEL_ARTI,
        cap_url=_cap_url(daerah),
        petugas=petugas(pengunjung, daerah),
        pesan=PESAN.get(pesan or ""),
    )


@router.get("/peringatan/{peringatan_id}", response_class=HTMLResponse)
async def peringatan(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    peringatan_id: Annotated[str, Path(max_length=40)],
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _peringatan_page(daerah, pengunjung, peringatan_id, pesan=PESAN.get(pesan or ""))


async def _peringatan_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    peringatan_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
    isian: dict[str, Any] | None = None,
) -> HTMLResponse:
    data = await pengunjung.api.get(f"{_api(daerah)}/peringatan/{peringatan_id}")
    return page(
        pengunjung.request,
        f"{LAYANAN}/peringatan.html",
        status_code=masalah.status if masalah else 200,
        judul=data["judul"],
        daerah=daerah,
        w=data,
        arti=LEVEL_ARTI,
        cap_url=_cap_url(daerah),
        petugas=petugas(pengunjung, daerah),
        pesan=pesan,
        masalah=masalah,
        isian=isian or {},
    )


@router.get("/terima/{token}", response_class=HTMLResponse)
async def terima(
    daerah: DaerahDep, pengunjung: PengunjungDep, token: Annotated[str, Path(pattern=TOKEN)]
) -> HTMLResponse:
    return await _terima_page(daerah, pengunjung, token)


async def _terima_page(
    daerah: Daerah, pengunjung: Pengunjung, token: str, *, masalah: Masalah | None = None, baru: bool = False
) -> HTMLResponse:
    info = await pengunjung.api.get(f"{_api(daerah)}/penerimaan/{token}")
    return page(
        pengunjung.request,
        f"{LAYANAN}/terima.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Tanda terima {info['pos_nama']}",
        daerah=daerah,
        info=info,
        token=token,
        arti=LEVEL_ARTI,
        masalah=masalah,
        pesan="Terima kasih, tanda terima pos Anda tercatat." if baru else None,
    )


@router.post("/terima/{token}", response_class=HTMLResponse)
async def terima_kirim(
    daerah: DaerahDep, pengunjung: PengunjungDep, token: Annotated[str, Path(pattern=TOKEN)], form: FormDep
) -> Response:
    try:
        await pengunjung.api.post(f"{_api(daerah)}/penerimaan/{token}")
    except Masalah as exc:
        return await _terima_page(daerah, pengunjung, token, masalah=exc)
    return await _terima_page(daerah, pengunjung, token, baru=True)


# --- staff: issue, update, cancel ---------------------------------------------------------------------


def _local(value: str, zona: str) -> str:
    """An ISO moment in the region's zone as a datetime-local field shows it (2026-12-01T14:00)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    return moment.astimezone(ZoneInfo(ZONES.get(zona, "Asia/Jakarta"))).strftime("%Y-%m-%dT%H:%M")


def _aware(value: str, zona: str) -> str | None:
    """A datetime-local field's value (the region's wall clock) as an ISO moment with its offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=ZoneInfo(ZONES.get(zona, "Asia/Jakarta"))).isoformat()


def _wilayah_of(form: dict[str, Any]) -> list[str]:
    chosen = form.get("wilayah") or []
    return [chosen] if isinstance(chosen, str) else [str(c) for c in chosen]


def _body(form: dict[str, Any], daerah: Daerah) -> tuple[dict[str, Any], dict[str, Any]] | Masalah:
    isian: dict[str, Any] = {
        k: teks(form, k)
        for k in (
            "level",
            "bahaya",
            "judul",
            "uraian",
            "instruksi",
            "berlaku_mulai",
            "berlaku_sampai",
            "idempotency_key",
        )
    }
    isian["wilayah"] = _wilayah_of(form)
    mulai, sampai = (_aware(isian[k], daerah.zona_waktu) for k in ("berlaku_mulai", "berlaku_sampai"))
    if mulai is None or sampai is None:
        field = "berlaku_mulai" if mulai is None else "berlaku_sampai"
        return masalah_lokal("Isi tanggal dan jam mulai serta berakhirnya peringatan.", field)
    if not isian["wilayah"]:
        return masalah_lokal("Pilih sedikitnya satu kecamatan atau desa.", "wilayah")
    body = {k: isian[k] for k in ("level", "bahaya", "judul", "uraian", "instruksi", "wilayah")}
    return {**body, "berlaku_mulai": mulai, "berlaku_sampai": sampai}, isian


def _form_page(
    request: Request,
    daerah: Daerah,
    *,
    isian: dict[str, Any],
    masalah: Masalah | None = None,
    peringatan_id: str | None = None,
) -> HTMLResponse:
    return page(
        request,
        f"{LAYANAN}/form.html",
        status_code=masalah.status if masalah else 200,
        judul="Perbarui peringatan dini" if peringatan_id else "Terbitkan peringatan dini",
        daerah=daerah,
        isian=isian,
        masalah=masalah,
        level=LEVEL,
        arti=LEVEL_ARTI,
        bahaya=BAHAYA,
        kecamatan=kecamatan_of(daerah.kode),
        peringatan_id=peringatan_id,
        kunci=isian.get("idempotency_key") or kunci_baru(),
    )


@router.get("/terbitkan", response_class=HTMLResponse)
async def baru_form(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
    # Starts now, for a day: the usual warning, changed when it is not.
    now = datetime.now(ZoneInfo(ZONES.get(daerah.zona_waktu, "Asia/Jakarta")))
    isian = {
        "level": "SIAGA",
        "wilayah": [],
        "berlaku_mulai": now.strftime("%Y-%m-%dT%H:%M"),
        "berlaku_sampai": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    return _form_page(pengunjung.request, daerah, isian=isian)


@router.post("/terbitkan", response_class=HTMLResponse)
async def baru(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    parsed = _body(form, daerah)
    if isinstance(parsed, Masalah):
        return _form_page(
            pengunjung.request, daerah, isian={**form, "wilayah": _wilayah_of(form)}, masalah=parsed
        )
    body, isian = parsed
    try:
        created = await pengunjung.api.post(
            f"{_api(daerah)}/peringatan", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return _form_page(pengunjung.request, daerah, isian=isian, masalah=exc)
    return pindah(f"/{daerah.slug}/{LAYANAN}/peringatan/{created['id']}/penerimaan?pesan=terbit")


@router.get("/peringatan/{peringatan_id}/perbarui", response_class=HTMLResponse)
async def perbarui_form(
    daerah: DaerahDep, pengunjung: MasukDep, peringatan_id: Annotated[str, Path(max_length=40)]
) -> HTMLResponse:
    w = await pengunjung.api.get(f"{_api(daerah)}/peringatan/{peringatan_id}")
    isian = {
        **{k: w[k] for k in ("level", "bahaya", "judul", "uraian", "instruksi")},
        "wilayah": [a["kode"] for a in w["wilayah"]],
        "berlaku_mulai": _local(w["berlaku_mulai"], daerah.zona_waktu),
        "berlaku_sampai": _local(w["berlaku_sampai"], daerah.zona_waktu),
    }
    return _form_page(pengunjung.request, daerah, isian=isian, peringatan_id=peringatan_id)


@router.post("/peringatan/{peringatan_id}/perbarui", response_class=HTMLResponse)
async def perbarui(
    daerah: DaerahDep, pengunjung: MasukDep, peringatan_id: Annotated[str, Path(max_length=40)], form: FormDep
) -> Response:
    parsed = _body(form, daerah)
    if isinstance(parsed, Masalah):
        isian = {**form, "wilayah": _wilayah_of(form)}
        return _form_page(
            pengunjung.request, daerah, isian=isian, masalah=parsed, peringatan_id=peringatan_id
        )
    body, isian = parsed
    try:
        await pengunjung.api.post(f"{_api(daerah)}/peringatan/{peringatan_id}/perbarui", body)
    except Masalah as exc:
        return _form_page(pengunjung.request, daerah, isian=isian, masalah=exc, peringatan_id=peringatan_id)
    return pindah(f"/{daerah.slug}/{LAYANAN}/peringatan/{peringatan_id}/penerimaan?pesan=perbarui")


@router.post("/peringatan/{peringatan_id}/batalkan", response_class=HTMLResponse)
async def batalkan(
    daerah: DaerahDep, pengunjung: MasukDep, peringatan_id: Annotated[str, Path(max_length=40)], form: FormDep
) -> Response:
    try:
        await pengunjung.api.post(
            f"{_api(daerah)}/peringatan/{peringatan_id}/batalkan", {"alasan": teks(form, "alasan")}
        )
    except Masalah as exc:
        return await _peringatan_page(
            daerah, pengunjung, peringatan_id, masalah=exc, isian={"alasan": teks(form, "alasan")}
        )
    return pindah(f"/{daerah.slug}/{LAYANAN}/peringatan/{peringatan_id}?pesan=batal")


# --- staff: the acknowledgement board ---------------------------------------------------------------------


@router.get("/peringatan/{peringatan_id}/penerimaan", response_class=HTMLResponse)
async def papan(
    daerah: DaerahDep,
    pengunjung: MasukDep,
    peringatan_id: Annotated[str, Path(max_length=40)],
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _papan_page(daerah, pengunjung, peringatan_id, pesan=PESAN.get(pesan or ""))


async def _papan_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    peringatan_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    data = await pengunjung.api.get(f"{_api(daerah)}/peringatan/{peringatan_id}/penerimaan")
    base = str(pengunjung.request.base_url).rstrip("/")
    return page(
        pengunjung.request,
        f"{LAYANAN}/penerimaan.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Tanda terima: {data['peringatan']['judul']}",
        daerah=daerah,
        p=data,
        w=data["peringatan"],
        tautan_dasar=f"{base}/{daerah.slug}/{LAYANAN}/terima/",
        pesan=pesan,
        masalah=masalah,
    )


@router.post("/peringatan/{peringatan_id}/penerimaan", response_class=HTMLResponse)
async def catat(
    daerah: DaerahDep, pengunjung: MasukDep, peringatan_id: Annotated[str, Path(max_length=40)], form: FormDep
) -> Response:
    body: dict[str, Any] = {"pos_id": teks(form, "pos_id"), "cara": teks(form, "cara") or "TELEPON"}
    try:
        await pengunjung.api.post(f"{_api(daerah)}/peringatan/{peringatan_id}/penerimaan", body)
    except Masalah as exc:
        return await _papan_page(daerah, pengunjung, peringatan_id, masalah=exc)
    return pindah(f"/{daerah.slug}/{LAYANAN}/peringatan/{peringatan_id}/penerimaan?pesan=catat")


@router.get("/semua", response_class=HTMLResponse)
async def semua(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
    hasil = await pengunjung.api.get(f"{_api(daerah)}/peringatan/semua", size=100)
    senyap = await pengunjung.api.get(f"{_api(daerah)}/senyap")
    return page(
        pengunjung.request,
        f"{LAYANAN}/semua.html",
        judul="Semua peringatan dini",
        daerah=daerah,
        hasil=hasil,
        senyap=senyap,
    )


# --- staff: linmas posts -------------------------------------------------------------------------------


async def _pos_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    *,
    isian: dict[str, Any],
    masalah: Masalah | None = None,
    pesan: str | None = None,
) -> HTMLResponse:
    hasil = await pengunjung.api.get(f"{_api(daerah)}/pos", size=100)
    return page(
        pengunjung.request,
        f"{LAYANAN}/pos.html",
        status_code=masalah.status if masalah else 200,
        judul="Pos linmas",
        daerah=daerah,
        hasil=hasil,
        kecamatan=kecamatan_of(daerah.kode),
        isian=isian,
        masalah=masalah,
        pesan=pesan,
        kunci=isian.get("idempotency_key") or kunci_baru(),
    )


@router.get("/pos", response_class=HTMLResponse)
async def pos(
    daerah: DaerahDep, pengunjung: MasukDep, pesan: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    return await _pos_page(daerah, pengunjung, isian={}, pesan=PESAN.get(pesan or ""))


@router.post("/pos", response_class=HTMLResponse)
async def pos_tambah(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = {k: teks(form, k) for k in ("nama", "kode_wilayah", "telepon", "idempotency_key")}
    body = {k: isian[k] for k in ("nama", "kode_wilayah", "telepon")}
    try:
        await pengunjung.api.post(
            f"{_api(daerah)}/pos", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return await _pos_page(daerah, pengunjung, isian=isian, masalah=exc)
    return pindah(f"/{daerah.slug}/{LAYANAN}/pos?pesan=pos")
