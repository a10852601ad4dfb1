"""The region admin's pages under /{slug}/admin: which layanan the region runs and with what settings,
its OPDs, and its staff accounts. The registry and akun enforce who may change what; these pages only
decide what to show (the region's admin daerah, or the ministry)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from portal.backend import Masalah
from portal.halaman.dasar import (
    Daerah,
    DaerahDep,
    FormDep,
    forget_daerah,
    galat_isian,
    kunci_baru,
    pindah,
    teks,
)
from portal.sesi import MasukDep, Pengunjung
from portal.tampilan import page

router = APIRouter(prefix="/{slug}/admin")
REGISTRY = "/api/tenants/v1"

PESAN = {
    "layanan": "Pengaturan layanan tersimpan. Layanan ini aktif dan tampil di beranda daerah.",
    "nonaktif": "Layanan dinonaktifkan. Layanan ini tidak lagi tampil di beranda daerah.",
    "opd": "OPD ditambahkan.",
    "opd_ubah": "OPD tersimpan.",
    "staf": "Akun staf dibuat. Sampaikan nama pengguna dan kata sandinya kepada pemiliknya.",
    "staf_ubah": "Akun staf tersimpan.",
}


async def _admin_daerah(daerah: DaerahDep, pengunjung: MasukDep) -> Daerah:
    """The region, for its admin daerah or the ministry; anyone else gets a 403 page."""
    if not (pengunjung.has("admin_daerah", tenant=daerah.kode) or pengunjung.pusat):
        raise Masalah(
            403,
            {
                "title": "Khusus admin daerah",
                "detail": f"Halaman ini hanya untuk admin daerah {daerah.nama}.",
            },
        )
    return daerah


AdminDep = Annotated[Daerah, Depends(_admin_daerah)]


def _opd_nama(daerah: Daerah) -> dict[str, str]:
    return {str(o["id"]): o["nama"] for o in daerah.detail.get("opd", [])}


@router.get("", response_class=HTMLResponse)
async def beranda_admin(
    daerah: AdminDep,
    pengunjung: MasukDep,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The layanan the platform knows, which of them the region runs, and each one's settings."""
    known = await pengunjung.api.get(f"{REGISTRY}/layanan")
    settings = {s["layanan"]: s for s in daerah.detail.get("pengaturan_layanan", [])}
    rows = [{**item, "pengaturan": settings.get(item["layanan"])} for item in known]
    rows.sort(key=lambda r: (not (r["pengaturan"] and r["pengaturan"]["aktif"]), r["nama"]))
    return page(
        pengunjung.request,
        "admin/beranda.html",
        judul=f"Pengaturan {daerah.nama}",
        daerah=daerah,
        layanan=rows,
        opd_nama=_opd_nama(daerah),
        pesan=PESAN.get(pesan or ""),
    )


def _layanan_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    info: dict[str, Any],
    isian: dict[str, Any],
    masalah: Masalah | None = None,
) -> HTMLResponse:
    current = daerah.pengaturan(info["layanan"])
    return page(
        pengunjung.request,
        "admin/layanan.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Layanan {info['nama']}",
        daerah=daerah,
        info=info,
        aktif=bool(current and current["aktif"]),
        isian=isian,
        opd=[o for o in daerah.detail.get("opd", []) if o["aktif"] or str(o["id"]) == isian.get("opd_id")],
        masalah=masalah,
        galat=galat_isian(masalah),
    )


async def _info(pengunjung: Pengunjung, layanan: str) -> dict[str, Any]:
    for item in await pengunjung.api.get(f"{REGISTRY}/layanan"):
        if item["layanan"] == layanan:
            return dict(item)
    raise Masalah(404, {"title": "Layanan tidak dikenal", "detail": "Platform tidak mengenal layanan ini."})


@router.get("/layanan/{layanan}", response_class=HTMLResponse)
async def layanan_form(daerah: AdminDep, pengunjung: MasukDep, layanan: str) -> HTMLResponse:
    info = await _info(pengunjung, layanan)
    current = daerah.pengaturan(layanan) or {}
    isian = {
        "sla_hari": str(current.get("sla_hari", 5)),
        "biaya": str(current.get("biaya", 0)),
        "dokumen_wajib": "\n".join(current.get("dokumen_wajib", [])),
        "opd_id": str(current.get("opd_id") or ""),
    }
    return _layanan_page(daerah, pengunjung, info, isian)


def _angka(value: str, field: str, label: str) -> int:
    cleaned = value.replace(".", "").replace(" ", "").removeprefix("Rp").removeprefix("rp")
    if not cleaned.isdigit():
        raise Masalah(
            422,
            {
                "title": "Isian belum benar",
                "detail": "Periksa kembali isian yang ditandai.",
                "errors": [{"field": field, "message": f"{label} diisi angka saja"}],
            },
        )
    return int(cleaned)


@router.post("/layanan/{layanan}", response_class=HTMLResponse)
async def simpan_layanan(daerah: AdminDep, pengunjung: MasukDep, layanan: str, form: FormDep) -> Response:
    """Enable the layanan (or save its settings): PUT on the registry, which announces it to every service."""
    isian = {k: teks(form, k) for k in ("sla_hari", "biaya", "dokumen_wajib", "opd_id")}
    try:
        body = {
            "sla_hari": _angka(isian["sla_hari"], "sla_hari", "SLA"),
            "biaya": _angka(isian["biaya"] or "0", "biaya", "Biaya"),
            "dokumen_wajib": [line.strip() for line in isian["dokumen_wajib"].splitlines() if line.strip()],
            "opd_id": isian["opd_id"] or None,
        }
        await pengunjung.api.put(f"{REGISTRY}/tenants/{daerah.slug}/layanan/{layanan}", body)
    except Masalah as exc:
        return _layanan_page(daerah, pengunjung, await _info(pengunjung, layanan), isian, exc)
    forget_daerah(pengunjung, daerah.slug)
    return pindah(f"/{daerah.slug}/admin?pesan=layanan")


@router.post("/layanan/{layanan}/nonaktifkan", response_class=HTMLResponse)
async def nonaktifkan_layanan(
    daerah: AdminDep, pengunjung: MasukDep, layanan: str, form: FormDep
) -> Response:
    await pengunjung.api.delete(f"{REGISTRY}/tenants/{daerah.slug}/layanan/{layanan}")
    forget_daerah(pengunjung, daerah.slug)
    return pindah(f"/{daerah.slug}/admin?pesan=nonaktif")


# --- OPD -------------------------------------------------------------------------------------------


async def _opd_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    *,
    pesan: str | None = None,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    opd = await pengunjung.api.get(f"{REGISTRY}/tenants/{daerah.slug}/opd")
    return page(
        pengunjung.request,
        "admin/opd.html",
        status_code=masalah.status if masalah else 200,
        judul=f"OPD {daerah.nama}",
        daerah=daerah,
        opd=opd,
        pesan=pesan,
        isian=isian or {},
        masalah=masalah,
        galat=galat_isian(masalah),
        kunci=(isian or {}).get("idempotency_key") or kunci_baru(),
    )


@router.get("/opd", response_class=HTMLResponse)
async def opd(
    daerah: AdminDep, pengunjung: MasukDep, pesan: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    """The region's OPDs: add one, rename one, switch one off or on."""
    return await _opd_page(daerah, pengunjung, pesan=PESAN.get(pesan or ""))


@router.post("/opd", response_class=HTMLResponse)
async def tambah_opd(daerah: AdminDep, pengunjung: MasukDep, form: FormDep) -> Response:
    isian = {k: teks(form, k) for k in ("nama", "singkatan", "idempotency_key")}
    body: dict[str, Any] = {"nama": isian["nama"], "singkatan": isian["singkatan"] or None}
    try:
        await pengunjung.api.post(
            f"{REGISTRY}/tenants/{daerah.slug}/opd", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return await _opd_page(daerah, pengunjung, isian=isian, masalah=exc)
    forget_daerah(pengunjung, daerah.slug)
    return pindah(f"/{daerah.slug}/admin/opd?pesan=opd")


@router.post("/opd/{opd_id}", response_class=HTMLResponse)
async def ubah_opd(daerah: AdminDep, pengunjung: MasukDep, opd_id: str, form: FormDep) -> Response:
    """Rename (nama, singkatan) or, with `aktif`, switch the OPD off or on."""
    body: dict[str, Any]
    if teks(form, "aktif") in ("0", "1"):
        body = {"aktif": teks(form, "aktif") == "1"}
    else:
        body = {"nama": teks(form, "nama"), "singkatan": teks(form, "singkatan") or None}
    try:
        await pengunjung.api.patch(f"{REGISTRY}/tenants/{daerah.slug}/opd/{opd_id}", body)
    except Masalah as exc:
        return await _opd_page(daerah, pengunjung, masalah=exc)
    forget_daerah(pengunjung, daerah.slug)
    return pindah(f"/{daerah.slug}/admin/opd?pesan=opd_ubah")


# --- Staff -----------------------------------------------------------------------------------------


async def _staf_page(
    daerah: Daerah,
    pengunjung: Pengunjung,
    *,
    halaman: int = 1,
    pesan: str | None = None,
    isian: dict[str, Any] | None = None,
    masalah: Masalah | None = None,
) -> HTMLResponse:
    hasil = await pengunjung.api.get(f"/api/akun/v1/{daerah.slug}/staff", page=halaman, size=50)
    return page(
        pengunjung.request,
        "admin/staf.html",
        status_code=masalah.status if masalah else 200,
        judul=f"Akun staf {daerah.nama}",
        daerah=daerah,
        hasil=hasil,
        halaman=halaman,
        layanan=[s for s in daerah.detail.get("pengaturan_layanan", []) if s["aktif"]],
        opd={o["id"]: o["nama"] for o in daerah.detail.get("opd", [])},
        pesan=pesan,
        isian=isian or {"layanan": []},
        masalah=masalah,
        galat=galat_isian(masalah),
        kunci=(isian or {}).get("idempotency_key") or kunci_baru(),
    )


@router.get("/staf", response_class=HTMLResponse)
async def staf(
    daerah: AdminDep,
    pengunjung: MasukDep,
    pesan: Annotated[str | None, Query(max_length=20)] = None,
    halaman: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    """The region's operators and admins: create an operator for some layanan, switch an account off."""
    return await _staf_page(daerah, pengunjung, halaman=halaman, pesan=PESAN.get(pesan or ""))


@router.post("/staf", response_class=HTMLResponse)
async def tambah_staf(daerah: AdminDep, pengunjung: MasukDep, form: FormDep) -> Response:
    raw = form.get("layanan") or []
    chosen = [raw] if isinstance(raw, str) else [str(v) for v in raw]
    role = teks(form, "role") or "operator"
    isian: dict[str, Any] = {
        **{k: teks(form, k) for k in ("username", "nama", "idempotency_key", "opd_id")},
        "role": role,
        "layanan": chosen,
    }
    body = {
        "username": isian["username"],
        "nama": isian["nama"],
        "password": str(form.get("password") or ""),
        "role": role,
        "layanan": chosen if role == "operator" else [],
    }
    # An OPD's operator sees only the reports disposed to that OPD (the report layanan).
    if role == "operator" and isian["opd_id"]:
        body["opd_id"] = isian["opd_id"]
    try:
        await pengunjung.api.post(
            f"/api/akun/v1/{daerah.slug}/staff", body, idempotency_key=isian["idempotency_key"] or None
        )
    except Masalah as exc:
        return await _staf_page(daerah, pengunjung, isian=isian, masalah=exc)
    return pindah(f"/{daerah.slug}/admin/staf?pesan=staf")


@router.post("/staf/{akun_id}", response_class=HTMLResponse)
async def ubah_staf(daerah: AdminDep, pengunjung: MasukDep, akun_id: str, form: FormDep) -> Response:
    """Switch a staff account off (its sessions end) or on again."""
    try:
        await pengunjung.api.patch(
            f"/api/akun/v1/{daerah.slug}/staff/{akun_id}", {"aktif": teks(form, "aktif") == "1"}
        )
    except Masalah as exc:
        return await _staf_page(daerah, pengunjung, masalah=exc)
    return pindah(f"/{daerah.slug}/admin/staf?pesan=staf_ubah")
