"""Pekerjaan umum's inventory, projects and heavy-equipment rental in the portal: the public reads the
inventory with the km of road per condition, each item's condition history, the projects and the
machines' calendars; a signed-in citizen books a machine and follows the booking; the staff work the
booking inbox (approve, reject, record the retribusi paid, hand over, take back) with the queue shown.
The region's staff also keep the records: add and edit an asset and link a damage report to it, add a
project, move its status and record its progress, add and edit a machine and set the daily tariffs.

Included by the layanan's page module (portal.halaman.pekerjaan_umum), whose prefix it shares."""

from __future__ import annotations

import calendar
import uuid
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
    masalah_lokal,
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
# The road's surface; the bridge's and the channel's construction (the service's own lists).
TIPE = {
    "ruas_jalan": {
        "aspal": "Aspal",
        "beton": "Beton (rigid)",
        "kerikil": "Kerikil / telford",
        "tanah": "Tanah",
    },
    "jembatan": {
        "beton": "Beton",
        "baja": "Rangka baja",
        "kayu": "Kayu",
        "gantung": "Gantung",
        "box": "Box culvert",
    },
    "drainase": {"terbuka": "Saluran terbuka", "tertutup": "Saluran tertutup", "tanah": "Saluran tanah"},
}
STATUS_PROYEK = {
    "RENCANA": "Rencana",
    "BERJALAN": "Berjalan",
    "SELESAI": "Selesai",
    "DIHENTIKAN": "Dihentikan",
}
# Where a project may go from each status (the service refuses the rest).
LANGKAH_PROYEK = {"RENCANA": ("BERJALAN", "DIHENTIKAN"), "BERJALAN": ("SELESAI", "DIHENTIKAN")}
JENIS_ALAT = {
    "excavator": "Ekskavator",
    "motor_grader": "Motor grader",
    "vibro_roller": "Vibro roller",
    "dump_truck": "Dump truck",
    "wheel_loader": "Wheel loader",
    "bulldozer": "Buldoser",
    "tandem_roller": "Tandem roller",
}
STATUS_ALAT = {"TERSEDIA": "Tersedia", "PERAWATAN": "Dalam perawatan"}
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
    "aset_baru": "Aset tercatat di inventaris.",
    "aset_ubah": "Data aset tersimpan.",
    "laporan": "Laporan kerusakan dikaitkan dengan aset ini.",
    "proyek_baru": "Proyek tercatat.",
    "status": "Status proyek tersimpan.",
    "progres": "Laporan kemajuan tercatat.",
    "alat_baru": "Alat berat tercatat.",
    "alat_ubah": "Data alat tersimpan.",
    "tarif": "Tarif sewa tersimpan; berlaku untuk pemesanan berikutnya.",
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


def _daftar(form: dict[str, Any], name: str) -> list[str]:
    """A field that may be given several times (checkboxes, a multiple select)."""
    value = form.get(name)
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _angka(value: str) -> str | None:
    """A decimal as typed (a comma as the decimal sign too); empty is None. The service validates it."""
    value = value.replace(" ", "")
    return value.replace(",", ".") if value else None


def _rupiah_isian(value: str) -> str | None:
    """Rupiah as typed ("Rp 3.275.000.000"): the digits; empty is None. The service validates it."""
    value = value.replace(" ", "").removeprefix("Rp").removeprefix("rp").replace(".", "")
    return value or None


def _tampil(number: float | int | None) -> str:
    """A number back into a form field: 12.0 as 12, None as empty."""
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


# --- the inventory ------------------------------------------------------------------------------------


async def _ruas_jalan(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    """The region's roads, for choosing the one a bridge is on (the first hundred by name)."""
    hasil = await pengunjung.api.get(f"{_api(daerah)}/aset", jenis="ruas_jalan", limit=100)
    return list(hasil["items"])


async def _aset_list_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    saring: dict[str, str | None],
    cursor: str | None = None,
    *,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    hasil = await pengunjung.api.get(f"{_api(daerah)}/aset", cursor=cursor, limit=50, **saring)
    ringkasan = await pengunjung.api.get(f"{_api(daerah)}/aset/ringkasan")
    staff = petugas(pengunjung, daerah)
    isian = isian or {}
    return page(
        pengunjung.request,
        f"{TEMPLAT}/aset_list.html",
        status_code=masalah.status if masalah else 200,
        judul="Inventaris prasarana",
        daerah=daerah,
        hasil=hasil,
        ringkasan=ringkasan,
        saring={k: v or "" for k, v in saring.items()},
        jenis=JENIS,
        kondisi=KONDISI,
        kecamatan=_kecamatan(daerah),
        petugas=staff,
        tipe=TIPE,
        ruas=await _ruas_jalan(daerah, pengunjung) if staff else [],
        baru=isian,
        kunci=isian.get("idempotency_key") or kunci_baru(),
        masalah=masalah,
        **({"isian": isian} if masalah else {}),
    )


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
    return await _aset_list_page(daerah, pengunjung, saring, cursor)


def _isian_aset(form: dict[str, Any]) -> dict[str, Any]:
    """An asset form as typed, kept to show again beside the service's messages."""
    isian: dict[str, Any] = {
        k: teks(form, k)
        for k in ("jenis", "nama", "nomor_ruas", "panjang", "lebar_m", "tipe", "ruas_id", "idempotency_key")
    }
    isian["kecamatan"] = _daftar(form, "kecamatan")
    return isian


def _badan_aset(jenis: str, isian: dict[str, Any], *, ubah: bool) -> dict[str, Any]:
    """The service's body from the form: a road's length in km, a bridge's or a channel's in metres.
    A new asset leaves out what is empty; an edit sends it as cleared (the service says what is needed)."""
    body: dict[str, Any] = {
        "nama": isian["nama"],
        "tipe": isian["tipe"],
        "kecamatan": isian["kecamatan"],
        "panjang_km" if jenis == "ruas_jalan" else "panjang_m": _angka(isian["panjang"]),
        "lebar_m": _angka(isian["lebar_m"]),
    }
    if jenis == "ruas_jalan" or not ubah:
        body["nomor_ruas"] = isian["nomor_ruas"] or None
    if jenis == "jembatan" or not ubah:
        body["ruas_id"] = isian["ruas_id"] or None
    if not ubah:
        body = {"jenis": jenis, **{k: v for k, v in body.items() if v is not None}}
    return body


@router.post("/aset", response_class=HTMLResponse)
async def aset_baru(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = _isian_aset(form)
    try:
        created = await pengunjung.api.post(
            f"{_api(daerah)}/aset",
            _badan_aset(isian["jenis"], isian, ubah=False),
            idempotency_key=isian["idempotency_key"] or None,
        )
    except Masalah as exc:
        saring: dict[str, str | None] = {"jenis": None, "kondisi": None, "kecamatan": None}
        return await _aset_list_page(daerah, pengunjung, saring, isian=isian, masalah=exc)
    return pindah(f"{_base(daerah)}/aset/{created['id']}?pesan=aset_baru")


def _isian_dari_aset(a: dict[str, Any]) -> dict[str, Any]:
    """The edit form filled with the asset as it is."""
    return {
        "nama": a["nama"],
        "nomor_ruas": a["nomor_ruas"] or "",
        "panjang": _tampil(a["panjang_km"] if a["jenis"] == "ruas_jalan" else a["panjang_m"]),
        "lebar_m": _tampil(a["lebar_m"]),
        "tipe": a["tipe"],
        "kecamatan": list(a["kecamatan"]),
        "ruas_id": str(a["ruas_id"] or ""),
    }


async def _aset_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    aset_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
    isian: dict[str, Any] | None = None,
) -> HTMLResponse:
    aset = await pengunjung.api.get(f"{_api(daerah)}/aset/{aset_id}")
    staff = petugas(pengunjung, daerah)
    laporan = await pengunjung.api.get(f"{_api(daerah)}/aset/{aset_id}/laporan") if staff else []
    terbaru: list[dict[str, Any]] = []
    if staff:
        linked = {r["id"] for r in laporan}
        inbox = await pengunjung.api.get(f"{_api(daerah)}/laporan", urut="terbaru", limit=50)
        terbaru = [r for r in inbox["items"] if r["id"] not in linked]
    extra = {"isian": isian} if isian is not None else {}
    return page(
        pengunjung.request,
        f"{TEMPLAT}/aset.html",
        status_code=masalah.status if masalah else 200,
        judul=aset["nama"],
        daerah=daerah,
        a=aset,
        petugas=staff,
        laporan=laporan,
        laporan_terbaru=terbaru,
        kondisi=KONDISI,
        kecamatan=_kecamatan(daerah),
        tipe=TIPE.get(aset["jenis"], {}),
        ruas=await _ruas_jalan(daerah, pengunjung) if staff and aset["jenis"] == "jembatan" else [],
        ubah=isian or _isian_dari_aset(aset),
        pesan=pesan,
        masalah=masalah,
        hari_ini=date.today().isoformat(),
        **extra,
    )


@router.get("/aset/{aset_id}", response_class=HTMLResponse)
async def aset(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    aset_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _aset_page(daerah, pengunjung, aset_id, pesan=PESAN.get(pesan or ""))


@router.post("/aset/{aset_id}/ubah", response_class=HTMLResponse)
async def aset_ubah(daerah: DaerahDep, pengunjung: MasukDep, aset_id: str, form: FormDep) -> Response:
    isian = _isian_aset(form)
    current = await pengunjung.api.get(f"{_api(daerah)}/aset/{aset_id}")
    try:
        await pengunjung.api.patch(
            f"{_api(daerah)}/aset/{aset_id}", _badan_aset(current["jenis"], isian, ubah=True)
        )
    except Masalah as exc:
        return await _aset_page(daerah, pengunjung, aset_id, masalah=exc, isian=isian)
    return pindah(f"{_base(daerah)}/aset/{aset_id}?pesan=aset_ubah")


@router.post("/aset/{aset_id}/laporan", response_class=HTMLResponse)
async def aset_laporan(daerah: DaerahDep, pengunjung: MasukDep, aset_id: str, form: FormDep) -> Response:
    laporan_id = teks(form, "laporan_id")
    try:
        try:
            laporan = uuid.UUID(laporan_id)
        except ValueError:
            raise masalah_lokal("Pilih laporan kerusakan yang akan dikaitkan.", "laporan_id") from None
        await pengunjung.api.post(f"{_api(daerah)}/aset/{aset_id}/laporan/{laporan}")
    except Masalah as exc:
        return await _aset_page(daerah, pengunjung, aset_id, masalah=exc)
    return pindah(f"{_base(daerah)}/aset/{aset_id}?pesan=laporan")


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


async def _proyek_list_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    cursor: str | None = None,
    *,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    hasil = await pengunjung.api.get(f"{_api(daerah)}/proyek", cursor=cursor, limit=50)
    staff = petugas(pengunjung, daerah)
    aset_pilihan = (await pengunjung.api.get(f"{_api(daerah)}/aset", limit=100))["items"] if staff else []
    isian = isian or {}
    return page(
        pengunjung.request,
        f"{TEMPLAT}/proyek_list.html",
        status_code=masalah.status if masalah else 200,
        judul="Proyek pekerjaan umum",
        daerah=daerah,
        hasil=hasil,
        petugas=staff,
        aset_pilihan=aset_pilihan,
        baru=isian,
        kunci=isian.get("idempotency_key") or kunci_baru(),
        masalah=masalah,
        **({"isian": isian} if masalah else {}),
    )


@router.get("/proyek", response_class=HTMLResponse)
async def proyek_list(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    return await _proyek_list_page(daerah, pengunjung, cursor)


@router.post("/proyek", response_class=HTMLResponse)
async def proyek_baru(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian: dict[str, Any] = {
        k: teks(form, k)
        for k in ("nama", "uraian", "anggaran", "kontraktor", "mulai", "selesai", "idempotency_key")
    }
    isian["aset_ids"] = _daftar(form, "aset_ids")
    body: dict[str, Any] = {
        "nama": isian["nama"],
        "anggaran": _rupiah_isian(isian["anggaran"]),
        "mulai": isian["mulai"] or None,
        "selesai": isian["selesai"] or None,
        "aset_ids": isian["aset_ids"],
    }
    for optional in ("uraian", "kontraktor"):
        if isian[optional]:
            body[optional] = isian[optional]
    try:
        created = await pengunjung.api.post(
            f"{_api(daerah)}/proyek", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return await _proyek_list_page(daerah, pengunjung, isian=isian, masalah=exc)
    return pindah(f"{_base(daerah)}/proyek/{created['id']}?pesan=proyek_baru")


async def _proyek_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    proyek_id: str,
    *,
    pesan: str | None = None,
    masalah: Masalah | None = None,
    isian: dict[str, Any] | None = None,
) -> HTMLResponse:
    data = await pengunjung.api.get(f"{_api(daerah)}/proyek/{proyek_id}")
    isian = isian or {}
    return page(
        pengunjung.request,
        f"{TEMPLAT}/proyek.html",
        status_code=masalah.status if masalah else 200,
        judul=data["nama"],
        daerah=daerah,
        p=data,
        petugas=petugas(pengunjung, daerah),
        status_berikut={s: STATUS_PROYEK[s] for s in LANGKAH_PROYEK.get(data["status"], ())},
        progres=isian,
        gagal="progres" if isian else "status",
        hari_ini=date.today().isoformat(),
        pesan=pesan,
        masalah=masalah,
        **({"isian": isian} if masalah and isian else {}),
    )


@router.get("/proyek/{proyek_id}", response_class=HTMLResponse)
async def proyek(
    daerah: DaerahDep,
    pengunjung: PengunjungDep,
    proyek_id: str,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _proyek_page(daerah, pengunjung, proyek_id, pesan=PESAN.get(pesan or ""))


@router.post("/proyek/{proyek_id}/status", response_class=HTMLResponse)
async def proyek_status(daerah: DaerahDep, pengunjung: MasukDep, proyek_id: str, form: FormDep) -> Response:
    body = {"status": teks(form, "status")}
    if teks(form, "catatan_status"):
        body["catatan"] = teks(form, "catatan_status")
    try:
        await pengunjung.api.post(f"{_api(daerah)}/proyek/{proyek_id}/status", body)
    except Masalah as exc:
        return await _proyek_page(daerah, pengunjung, proyek_id, masalah=exc)
    return pindah(f"{_base(daerah)}/proyek/{proyek_id}?pesan=status")


@router.post("/proyek/{proyek_id}/progres", response_class=HTMLResponse)
async def proyek_progres(daerah: DaerahDep, pengunjung: MasukDep, proyek_id: str, form: FormDep) -> Response:
    isian: dict[str, Any] = {
        k: teks(form, k) for k in ("tanggal", "persen_fisik", "persen_keuangan", "catatan")
    }
    isian["koreksi"] = teks(form, "koreksi") == "ya"
    body: dict[str, Any] = {
        "tanggal": isian["tanggal"] or None,
        "persen_fisik": _angka(isian["persen_fisik"]),
        "persen_keuangan": _angka(isian["persen_keuangan"]),
        "koreksi": isian["koreksi"],
    }
    if isian["catatan"]:
        body["catatan"] = isian["catatan"]
    try:
        await pengunjung.api.post(f"{_api(daerah)}/proyek/{proyek_id}/progres", body)
    except Masalah as exc:
        return await _proyek_page(daerah, pengunjung, proyek_id, masalah=exc, isian=isian)
    return pindah(f"{_base(daerah)}/proyek/{proyek_id}?pesan=progres")


# --- machines, the calendar and booking ---------------------------------------------------------------


async def _alat_list_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    *,
    pesan: str | None = None,
    gagal: str = "",
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    """The machines and tariffs; for the staff the forms too. `gagal` names the form a problem came from
    ("baru", "tarif" or a machine's id), whose typed values `isian` are shown again."""
    alat = await pengunjung.api.get(f"{_api(daerah)}/alat")
    tarif = await pengunjung.api.get(f"{_api(daerah)}/tarif-alat")
    isian = isian or {}
    return page(
        pengunjung.request,
        f"{TEMPLAT}/alat_list.html",
        status_code=masalah.status if masalah else 200,
        judul="Sewa alat berat",
        daerah=daerah,
        alat=alat,
        tarif=tarif,
        petugas=petugas(pengunjung, daerah),
        jenis_alat=JENIS_ALAT,
        status_alat=STATUS_ALAT,
        gagal=gagal,
        baru=isian if gagal == "baru" else {},
        isian_tarif=isian if gagal == "tarif" else {},
        isian_ubah=isian if gagal not in ("", "baru", "tarif") else {},
        kunci=isian.get("idempotency_key") or kunci_baru(),
        pesan=pesan,
        masalah=masalah,
        **({"isian": isian} if masalah else {}),
    )


@router.get("/alat", response_class=HTMLResponse)
async def alat_list(
    daerah: DaerahDep, pengunjung: PengunjungDep, pesan: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    return await _alat_list_page(daerah, pengunjung, pesan=PESAN.get(pesan or ""))


@router.post("/alat", response_class=HTMLResponse)
async def alat_baru(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = {k: teks(form, k) for k in ("nama", "jenis", "nomor", "status", "idempotency_key")}
    body = {k: isian[k] for k in ("nama", "jenis", "nomor", "status") if isian[k]}
    try:
        created = await pengunjung.api.post(
            f"{_api(daerah)}/alat", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return await _alat_list_page(daerah, pengunjung, gagal="baru", isian=isian, masalah=exc)
    return pindah(f"{_base(daerah)}/alat?pesan=alat_baru#alat-{created['id']}")


@router.post("/alat/{alat_id}/ubah", response_class=HTMLResponse)
async def alat_ubah(daerah: DaerahDep, pengunjung: MasukDep, alat_id: str, form: FormDep) -> Response:
    isian = {k: teks(form, k) for k in ("nama", "status")}
    try:
        await pengunjung.api.patch(f"{_api(daerah)}/alat/{alat_id}", isian)
    except Masalah as exc:
        return await _alat_list_page(daerah, pengunjung, gagal=alat_id, isian=isian, masalah=exc)
    return pindah(f"{_base(daerah)}/alat?pesan=alat_ubah#alat-{alat_id}")


@router.post("/tarif-alat", response_class=HTMLResponse)
async def tarif_alat(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = {k: teks(form, k) for k in ("jenis", "tarif_harian", "dasar_hukum")}
    body: dict[str, Any] = {"tarif_harian": _rupiah_isian(isian["tarif_harian"])}
    if isian["dasar_hukum"]:
        body["dasar_hukum"] = isian["dasar_hukum"]
    try:
        if isian["jenis"] not in JENIS_ALAT:
            raise masalah_lokal("Pilih jenis alat.", "jenis")
        await pengunjung.api.put(f"{_api(daerah)}/tarif-alat/{isian['jenis']}", body)
    except Masalah as exc:
        return await _alat_list_page(daerah, pengunjung, gagal="tarif", isian=isian, masalah=exc)
    return pindah(f"{_base(daerah)}/alat?pesan=tarif#tarif")


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
