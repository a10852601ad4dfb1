"""The ministry's pages under /pusat: onboard a region by its kode wilayah, and the list of regions with
what each enabled and how active each layanan is, so a region whose layanan has gone quiet stands out.

Activity comes from each layanan's own `GET /api/<layanan>/v1/{tenant}/aktivitas` (puja_kit.aktivitas).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response
from puja_kit.aktivitas import MinuteCache
from puja_kit.catalog import load_catalog

from portal.backend import Masalah, TakTerjangkau
from portal.halaman.dasar import FormDep, kunci_baru, pindah, teks
from portal.sesi import MasukDep, Pengunjung
from portal.tampilan import page

router = APIRouter(prefix="/pusat")
PER_PAGE = 20
# Quiet: no application this week and no change of its data for this long.
SEPI_SETELAH = timedelta(days=30)


async def aktivitas(pengunjung: Pengunjung, slug: str, layanan: str) -> dict[str, Any] | None:
    """The layanan's activity in the region, or None when it cannot tell (no such service, down). An
    answer is kept for the minute the layanan itself keeps it (puja_kit.aktivitas), so the region's
    home and the ministry's list ask each layanan again only after that."""
    key = f"{layanan}/{slug}"
    kept_answers: MinuteCache[dict[str, Any]] = pengunjung.request.app.state.aktivitas_layanan
    if (kept := kept_answers.get(key)) is not None:
        return kept
    try:
        prefix = load_catalog().service(layanan).prefix
        found: dict[str, Any] = await pengunjung.api.get(f"/api/{prefix}/v1/{slug}/aktivitas")
    except (Masalah, TakTerjangkau, KeyError):
        return None
    kept_answers.put(key, found)
    return found


async def aktivitas_daerah(pengunjung: Pengunjung, slug: str, layanan: list[str]) -> dict[str, Any]:
    """Each layanan's activity in the region, asked at once."""
    answers = await asyncio.gather(*(aktivitas(pengunjung, slug, name) for name in layanan))
    return dict(zip(layanan, answers, strict=True))


def sepi(found: dict[str, Any] | None, now: datetime) -> bool:
    """No application this week and no data update in 30 days (or never)."""
    if found is None:
        return False
    if found.get("permohonan_minggu_ini"):
        return False
    latest = found.get("data_terakhir_diperbarui")
    return latest is None or datetime.fromisoformat(str(latest)) < now - SEPI_SETELAH


async def _pusat(pengunjung: MasukDep) -> Pengunjung:
    if not pengunjung.pusat:
        raise Masalah(403, {"title": "Khusus kementerian", "detail": "Halaman ini hanya untuk admin pusat."})
    return pengunjung


PusatDep = Annotated[Pengunjung, Depends(_pusat)]


async def _rows(pengunjung: Pengunjung, regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    found = await asyncio.gather(*(aktivitas_daerah(pengunjung, r["slug"], r["layanan"]) for r in regions))
    rows = []
    for region, activity in zip(regions, found, strict=True):
        layanan = [
            {"layanan": name, "aktivitas": activity[name], "sepi": sepi(activity[name], now)}
            for name in region["layanan"]
        ]
        rows.append({**region, "layanan_aktivitas": layanan, "sepi": any(item["sepi"] for item in layanan)})
    return rows


async def _page(
    pengunjung: Pengunjung,
    *,
    halaman: int,
    q: str,
    pesan: str | None = None,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    hasil = await pengunjung.api.get("/api/tenants/v1/tenants", q=q, page=halaman, size=PER_PAGE)
    known = {item["layanan"]: item["nama"] for item in await pengunjung.api.get("/api/tenants/v1/layanan")}
    rows = await _rows(pengunjung, hasil["items"])
    return page(
        pengunjung.request,
        "pusat/daerah.html",
        status_code=masalah.status if masalah else 200,
        judul="Daerah Puja Indah",
        daerah_list=rows,
        nama_layanan=known,
        total=hasil["total"],
        halaman=halaman,
        berikutnya=hasil["total"] > halaman * PER_PAGE,
        q=q,
        pesan=pesan,
        isian=isian or {},
        masalah=masalah,
        kunci=(isian or {}).get("idempotency_key") or kunci_baru(),
    )


@router.get("", response_class=HTMLResponse)
async def daftar_daerah(
    pengunjung: PusatDep,
    halaman: Annotated[int, Query(ge=1, le=1000)] = 1,
    q: Annotated[str | None, Query(max_length=100)] = None,
    baru: Annotated[str | None, Query(max_length=120)] = None,
) -> HTMLResponse:
    """The regions with what each enabled and how active each layanan is; the quiet ones marked."""
    pesan = None
    if baru:
        try:
            detail = await pengunjung.api.get(f"/api/tenants/v1/tenants/{baru}")
            pesan = f"{detail['nama']} terdaftar. Admin daerahnya kini dapat mengaktifkan layanan."
        except Masalah:
            pesan = None
    return await _page(pengunjung, halaman=halaman, q=(q or "").strip(), pesan=pesan)


@router.post("/daerah", response_class=HTMLResponse)
async def daftarkan_daerah(pengunjung: PusatDep, form: FormDep) -> Response:
    """Onboard a region by its kode wilayah (POST /api/tenants/v1/tenants)."""
    isian = {k: teks(form, k) for k in ("kode", "idempotency_key")}
    try:
        detail = await pengunjung.api.post(
            "/api/tenants/v1/tenants",
            {"kode": isian["kode"]},
            idempotency_key=isian["idempotency_key"] or None,
        )
    except Masalah as exc:
        return await _page(pengunjung, halaman=1, q="", isian=isian, masalah=exc)
    return pindah(f"/pusat?baru={detail['slug']}")
