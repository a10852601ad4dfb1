"""The inventory: road segments, bridges and drainage, their condition history; the staff add and edit an asset, record a survey and link a damage report."""

from __future__ import annotations

import uuid
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
    masalah_lokal,
    pindah,
    teks,
)
from portal.halaman.pekerjaan_umum_aset.umum import (
    JENIS,
    KONDISI,
    PESAN,
    TEMPLAT,
    TIPE,
    _angka,
    _api,
    _base,
    _kecamatan,
    _tampil,
    petugas,
    router,
)
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import page

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
    isian["kecamatan"] = daftar(form, "kecamatan")
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
