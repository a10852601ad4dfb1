"""Bookings: the staff inbox (approve, reject, record the retribusi paid, hand over, take back) and a citizen's own bookings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import HTMLResponse, Response

from portal.backend import Masalah
from portal.halaman.dasar import (
    Daerah,
    DaerahDep,
    FormDep,
    pindah,
    teks,
)
from portal.halaman.pekerjaan_umum_aset.umum import (
    LABEL_LANGKAH,
    LANGKAH,
    PERLU_ALASAN,
    PESAN,
    STATUS_SEWA,
    TEMPLAT,
    _api,
    _base,
    petugas,
    router,
)
from portal.sesi import MasukDep, Pengunjung
from portal.tampilan import page

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
