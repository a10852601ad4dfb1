"""Aspirasi DPRD in the portal, the DPRD's own pages: its commissions, factions and members and the
agenda of its public hearings (reses, RDP) for anyone, and the secretariat's pages that keep them (add,
edit, switch off; add an agenda item and record how it went). Included by `portal.halaman.aspirasi`,
whose prefix it shares."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from portal.backend import Masalah
from portal.halaman.dasar import (
    Daerah,
    DaerahDep,
    FormDep,
    api_of,
    daftar,
    galat_isian,
    kunci_baru,
    pindah,
    staff_of,
    teks,
)
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import ZONES, page

LAYANAN = "aspirasi"
router = APIRouter(prefix="/{slug}/aspirasi")
_api = api_of(LAYANAN)
petugas = staff_of(LAYANAN)


def _terbaru(*lists: list[dict[str, Any]]) -> str | None:
    """When the shown data last changed (ISO timestamps sort as text)."""
    stamps = [row["updated_at"] for rows in lists for row in rows if row.get("updated_at")]
    return max(stamps) if stamps else None


@router.get("/dprd", response_class=HTMLResponse)
async def dprd(daerah: DaerahDep, pengunjung: PengunjungDep) -> HTMLResponse:
    """Commissions with their members, then the factions with theirs."""
    komisi = (await pengunjung.api.get(f"{_api(daerah)}/komisi", size=100))["items"]
    fraksi = (await pengunjung.api.get(f"{_api(daerah)}/fraksi", size=100))["items"]
    anggota = (await pengunjung.api.get(f"{_api(daerah)}/anggota", size=100))["items"]
    per_fraksi = {f["id"]: [a for a in anggota if a["fraksi_id"] == f["id"]] for f in fraksi}
    return page(
        pengunjung.request,
        f"{LAYANAN}/dprd.html",
        judul=f"DPRD {daerah.nama}",
        daerah=daerah,
        komisi=komisi,
        fraksi=fraksi,
        per_fraksi=per_fraksi,
        jumlah=len(anggota),
        diperbarui=_terbaru(komisi, fraksi, anggota),
        petugas=petugas(pengunjung, daerah),
    )


# --- the secretariat's pages: the DPRD and its agenda ----------------------------------------------

JABATAN = {"KETUA": "Ketua", "WAKIL_KETUA": "Wakil Ketua", "SEKRETARIS": "Sekretaris", "ANGGOTA": "Anggota"}
PESAN_DPRD = {
    "fraksi": "Fraksi ditambahkan.",
    "komisi": "Komisi ditambahkan.",
    "anggota": "Anggota DPRD ditambahkan.",
    "ubah": "Perubahan tersimpan.",
    "nonaktif": "Dinonaktifkan; tidak tampil lagi di halaman publik.",
    "aktif": "Diaktifkan lagi.",
}
PESAN_AGENDA = {"agenda": "Agenda ditambahkan.", "status": "Status agenda tersimpan."}
FIELDS_FRAKSI = ("nama", "singkatan")
FIELDS_KOMISI = ("nama", "bidang", "mitra")
FIELDS_ANGGOTA = ("nama", "fraksi_id", "komisi_id", "dapil", "jabatan", "periode_mulai", "periode_selesai")
FIELDS_AGENDA = ("jenis", "judul", "komisi_id", "kode_wilayah", "tempat", "mulai", "selesai", "keterangan")


async def _setwan(daerah: DaerahDep, pengunjung: MasukDep) -> Daerah:
    """The region, for the layanan's staff (the DPRD secretariat); anyone else gets a 403 page."""
    if not petugas(pengunjung, daerah):
        raise Masalah(
            403,
            {
                "title": "Khusus Sekretariat DPRD",
                "detail": f"Halaman ini hanya untuk petugas Sekretariat DPRD {daerah.nama}.",
            },
        )
    return daerah


SetwanDep = Annotated[Daerah, Depends(_setwan)]


def _isian(form: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: teks(form, k) for k in (*fields, "idempotency_key")}


def _waktu(value: str, daerah: Daerah) -> str | None:
    """A `datetime-local` value read in the region's zone; anything else goes on for the API to name."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(ZONES.get(daerah.zona_waktu, "Asia/Jakarta")))
    return moment.isoformat()


def _pilihan_dari(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The active ones as (id, name) options of a select."""
    return [(r["id"], r["nama"]) for r in rows if r["aktif"]]


def _dprd_url(daerah: Daerah, pesan: str) -> str:
    return f"/{daerah.slug}/{LAYANAN}/dprd/kelola?pesan={pesan}"


async def _kelola_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    *,
    pesan: str | None = None,
    bentuk: str | None = None,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    base = _api(daerah)
    komisi = (await pengunjung.api.get(f"{base}/komisi", size=100, semua=True))["items"]
    fraksi = (await pengunjung.api.get(f"{base}/fraksi", size=100, semua=True))["items"]
    anggota = (await pengunjung.api.get(f"{base}/anggota", size=100, semua=True))["items"]
    return page(
        pengunjung.request,
        f"{LAYANAN}/kelola.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Kelola DPRD {daerah.nama}",
        daerah=daerah,
        komisi=komisi,
        fraksi=fraksi,
        anggota=anggota,
        pilihan_fraksi=_pilihan_dari(fraksi),
        pilihan_komisi=_pilihan_dari(komisi),
        jabatan=JABATAN,
        pesan=pesan,
        bentuk=bentuk,
        isian=isian or {},
        masalah=masalah,
        galat=galat_isian(masalah, umum="body"),
        kunci=(isian or {}).get("idempotency_key") or kunci_baru(),
    )


@router.get("/dprd/kelola", response_class=HTMLResponse)
async def kelola(
    daerah: SetwanDep, pengunjung: MasukDep, pesan: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    """The secretariat's DPRD: every faction, commission and member (inactive ones too), and forms to add."""
    return await _kelola_page(daerah, pengunjung, pesan=PESAN_DPRD.get(pesan or ""))


async def _tambah(
    daerah: Daerah, pengunjung: Pengunjung, jenis: str, isian: dict[str, Any], body: dict[str, Any]
) -> Response:
    try:
        await pengunjung.api.post(
            f"{_api(daerah)}/{jenis}", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return await _kelola_page(daerah, pengunjung, bentuk=jenis, isian=isian, masalah=exc)
    return pindah(_dprd_url(daerah, jenis))


def _anggota_body(isian: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: isian[k] for k in ("nama", "dapil", "jabatan", "periode_mulai", "periode_selesai")},
        "fraksi_id": isian["fraksi_id"] or None,
        "komisi_id": isian["komisi_id"] or None,
    }


@router.post("/dprd/fraksi", response_class=HTMLResponse)
async def tambah_fraksi(daerah: SetwanDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = _isian(form, FIELDS_FRAKSI)
    return await _tambah(daerah, pengunjung, "fraksi", isian, {k: isian[k] for k in FIELDS_FRAKSI})


@router.post("/dprd/komisi", response_class=HTMLResponse)
async def tambah_komisi(daerah: SetwanDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = _isian(form, FIELDS_KOMISI)
    body = {"nama": isian["nama"], "bidang": isian["bidang"], "mitra": isian["mitra"] or None}
    return await _tambah(daerah, pengunjung, "komisi", isian, body)


@router.post("/dprd/anggota", response_class=HTMLResponse)
async def tambah_anggota(daerah: SetwanDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = _isian(form, FIELDS_ANGGOTA)
    return await _tambah(daerah, pengunjung, "anggota", isian, _anggota_body(isian))


async def _satu(daerah: Daerah, pengunjung: Pengunjung, jenis: str, item_id: str) -> dict[str, Any]:
    """One faction or commission or member, inactive ones too (factions have no GET by id)."""
    if jenis != "fraksi":
        return dict(await pengunjung.api.get(f"{_api(daerah)}/{jenis}/{item_id}"))
    for row in (await pengunjung.api.get(f"{_api(daerah)}/fraksi", size=100, semua=True))["items"]:
        if row["id"] == item_id:
            return dict(row)
    raise Masalah(
        404, {"title": "Fraksi tidak ditemukan", "detail": "Fraksi ini tidak ada di DPRD daerah ini."}
    )


async def _ubah_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    jenis: str,
    item_id: str,
    *,
    pesan: str | None = None,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    item = await _satu(daerah, pengunjung, jenis, item_id)
    pilihan: dict[str, Any] = {}
    if jenis == "anggota":
        base = _api(daerah)
        fraksi = (await pengunjung.api.get(f"{base}/fraksi", size=100))["items"]
        komisi = (await pengunjung.api.get(f"{base}/komisi", size=100))["items"]
        pilihan = {"pilihan_fraksi": _pilihan_dari(fraksi), "pilihan_komisi": _pilihan_dari(komisi)}
    return page(
        pengunjung.request,
        f"{LAYANAN}/ubah_{jenis}.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Ubah {item['nama']}",
        daerah=daerah,
        item=item,
        jabatan=JABATAN,
        pesan=pesan,
        isian=isian or {k: "" if item.get(k) is None else str(item[k]) for k in item},
        masalah=masalah,
        galat=galat_isian(masalah, umum="body"),
        **pilihan,
    )


async def _ubah(
    daerah: Daerah,
    pengunjung: Pengunjung,
    jenis: str,
    item_id: str,
    form: dict[str, Any],
    fields: tuple[str, ...],
) -> Response:
    """Save the edit form, or with `aktif` switch the row off or on."""
    isian: dict[str, Any] | None = None
    if teks(form, "aktif") in ("0", "1"):
        body: dict[str, Any] = {"aktif": teks(form, "aktif") == "1"}
        done = "aktif" if body["aktif"] else "nonaktif"
    else:
        isian = _isian(form, fields)
        body = _anggota_body(isian) if jenis == "anggota" else {k: isian[k] or None for k in fields}
        done = "ubah"
    try:
        await pengunjung.api.patch(f"{_api(daerah)}/{jenis}/{item_id}", body)
    except Masalah as exc:
        return await _ubah_page(daerah, pengunjung, jenis, item_id, isian=isian, masalah=exc)
    return pindah(_dprd_url(daerah, done))


@router.get("/dprd/fraksi/{item_id}", response_class=HTMLResponse)
async def ubah_fraksi_page(daerah: SetwanDep, pengunjung: MasukDep, item_id: str) -> HTMLResponse:
    """Rename a faction, or switch it off or on."""
    return await _ubah_page(daerah, pengunjung, "fraksi", item_id)


@router.post("/dprd/fraksi/{item_id}", response_class=HTMLResponse)
async def ubah_fraksi(daerah: SetwanDep, pengunjung: MasukDep, item_id: str, form: FormDep) -> Response:
    return await _ubah(daerah, pengunjung, "fraksi", item_id, form, FIELDS_FRAKSI)


@router.get("/dprd/komisi/{item_id}", response_class=HTMLResponse)
async def ubah_komisi_page(daerah: SetwanDep, pengunjung: MasukDep, item_id: str) -> HTMLResponse:
    """Edit a commission's name, field and partners, or switch it off or on."""
    return await _ubah_page(daerah, pengunjung, "komisi", item_id)


@router.post("/dprd/komisi/{item_id}", response_class=HTMLResponse)
async def ubah_komisi(daerah: SetwanDep, pengunjung: MasukDep, item_id: str, form: FormDep) -> Response:
    return await _ubah(daerah, pengunjung, "komisi", item_id, form, FIELDS_KOMISI)


@router.get("/dprd/anggota/{item_id}", response_class=HTMLResponse)
async def ubah_anggota_page(daerah: SetwanDep, pengunjung: MasukDep, item_id: str) -> HTMLResponse:
    """Edit a member, or switch them off (e.g. replaced mid-term) or on."""
    return await _ubah_page(daerah, pengunjung, "anggota", item_id)


@router.post("/dprd/anggota/{item_id}", response_class=HTMLResponse)
async def ubah_anggota(daerah: SetwanDep, pengunjung: MasukDep, item_id: str, form: FormDep) -> Response:
    return await _ubah(daerah, pengunjung, "anggota", item_id, form, FIELDS_ANGGOTA)


async def _agenda_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    *,
    cursor: str | None = None,
    waktu: str = "mendatang",
    pesan: str | None = None,
    bentuk: str | None = None,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    base = _api(daerah)
    hasil = await pengunjung.api.get(f"{base}/agenda", cursor=cursor, waktu=waktu, limit=20)
    staff = petugas(pengunjung, daerah)
    komisi: list[dict[str, Any]] = []
    anggota: list[dict[str, Any]] = []
    if staff:
        komisi = (await pengunjung.api.get(f"{base}/komisi", size=100))["items"]
        anggota = (await pengunjung.api.get(f"{base}/anggota", size=100))["items"]
    return page(
        pengunjung.request,
        f"{LAYANAN}/agenda.html",
        status_code=masalah.status if masalah else 200,
        judul="Agenda reses dan RDP",
        daerah=daerah,
        items=hasil["items"],
        berikutnya=hasil["next_cursor"],
        waktu=waktu,
        awal=cursor is None,
        diperbarui=_terbaru(hasil["items"]),
        petugas=staff,
        pilihan_komisi=_pilihan_dari(komisi),
        anggota=anggota,
        pesan=pesan,
        bentuk=bentuk,
        isian=isian or {"anggota_ids": []},
        masalah=masalah,
        galat=galat_isian(masalah, umum="body"),
        kunci=(isian or {}).get("idempotency_key") or kunci_baru(),
    )


@router.get("/agenda", response_class=HTMLResponse)
async def agenda(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    waktu: Annotated[str, Query(pattern="^(mendatang|lalu)$")] = "mendatang",
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """Upcoming hearings soonest first (or past ones, latest first), a page at a time; for the
    secretariat also a form to schedule one and, on each scheduled one, its outcome."""
    return await _agenda_page(
        daerah, pengunjung, cursor=cursor, waktu=waktu, pesan=PESAN_AGENDA.get(pesan or "")
    )


@router.post("/agenda", response_class=HTMLResponse)
async def tambah_agenda(daerah: SetwanDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian: dict[str, Any] = {**_isian(form, FIELDS_AGENDA), "anggota_ids": daftar(form, "anggota_ids")}
    body = {
        "jenis": isian["jenis"],
        "judul": isian["judul"],
        "komisi_id": isian["komisi_id"] or None,
        "anggota_ids": isian["anggota_ids"],
        "kode_wilayah": isian["kode_wilayah"] or None,
        "tempat": isian["tempat"],
        "mulai": _waktu(isian["mulai"], daerah),
        "selesai": _waktu(isian["selesai"], daerah),
        "keterangan": isian["keterangan"] or None,
    }
    try:
        await pengunjung.api.post(
            f"{_api(daerah)}/agenda", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return await _agenda_page(daerah, pengunjung, bentuk="agenda", isian=isian, masalah=exc)
    return pindah(f"/{daerah.slug}/{LAYANAN}/agenda?pesan=agenda")


@router.post("/agenda/{agenda_id}/status", response_class=HTMLResponse)
async def status_agenda(daerah: SetwanDep, pengunjung: MasukDep, agenda_id: str, form: FormDep) -> Response:
    """Mark a scheduled hearing held or cancelled (a cancellation says why)."""
    waktu = "lalu" if teks(form, "waktu") == "lalu" else "mendatang"
    isian = {"status": teks(form, "status"), "catatan": teks(form, "catatan")}
    body = {"status": isian["status"], "catatan": isian["catatan"] or None}
    try:
        await pengunjung.api.post(f"{_api(daerah)}/agenda/{agenda_id}/status", body)
    except Masalah as exc:
        return await _agenda_page(daerah, pengunjung, waktu=waktu, bentuk=agenda_id, isian=isian, masalah=exc)
    return pindah(f"/{daerah.slug}/{LAYANAN}/agenda?waktu={waktu}&pesan=status")
