"""Heavy equipment: the machines, their month calendars and the daily tariffs; a citizen books a machine; the staff add and edit machines and set the tariffs."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import HTMLResponse, Response

from portal.backend import Masalah
from portal.halaman.dasar import (
    Daerah,
    DaerahDep,
    FormDep,
    kunci_baru,
    masalah_lokal,
    pindah,
    teks,
)
from portal.halaman.pekerjaan_umum_aset.umum import (
    JENIS_ALAT,
    NAMA_BULAN,
    NAMA_HARI,
    PESAN,
    STATUS_ALAT,
    TEMPLAT,
    _api,
    _base,
    _rupiah_isian,
    petugas,
    router,
)
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import page

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
