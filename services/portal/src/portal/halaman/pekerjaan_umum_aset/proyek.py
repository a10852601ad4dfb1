"""Projects: the public list and each project's progress; the staff add a project, move its status and record progress."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import HTMLResponse, Response

from portal.backend import Masalah
from portal.halaman.dasar import (
    Daerah,
    DaerahDep,
    FormDep,
    daftar,
    kunci_baru,
    pindah,
    teks,
)
from portal.halaman.pekerjaan_umum_aset.umum import (
    LANGKAH_PROYEK,
    PESAN,
    STATUS_PROYEK,
    TEMPLAT,
    _angka,
    _api,
    _base,
    _rupiah_isian,
    petugas,
    router,
)
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import page

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
    isian["aset_ids"] = daftar(form, "aset_ids")
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
