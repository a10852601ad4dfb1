"""What every page module shares: the region being looked at, forms, links and redirects."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from puja_kit.aktivitas import MinuteCache
from puja_kit.catalog import load_catalog

from portal.backend import Masalah
from portal.sesi import Pengunjung, PengunjungDep, check_csrf


@dataclass(frozen=True)
class Tautan:
    """A link a layanan puts on the region's home."""

    judul: str
    href: str
    keterangan: str = ""


@dataclass
class Daerah:
    slug: str
    kode: str
    nama: str
    zona_waktu: str
    layanan: list[str]
    detail: dict[str, Any]

    def pengaturan(self, layanan: str) -> dict[str, Any] | None:
        for item in self.detail.get("pengaturan_layanan", []):
            if item["layanan"] == layanan:
                return dict(item)
        return None


# The registry's page of a region (profile, layanan settings, OPDs), kept this long by each portal
# replica: every page of a region needs it, and it changes only when the region's admin changes it
# through the portal, which then forgets it at once (`forget_daerah`; another replica may show the old
# page for these seconds). It is public and the same for every caller.
DAERAH_SECONDS = 10.0


def daerah_cache() -> MinuteCache[dict[str, Any]]:
    """The portal's copy of the registry's region pages (app.state.daerah, made in main.py)."""
    return MinuteCache[dict[str, Any]](seconds=DAERAH_SECONDS)


async def load_daerah(pengunjung: Pengunjung, slug: str) -> Daerah:
    cache: MinuteCache[dict[str, Any]] = pengunjung.request.app.state.daerah
    detail = cache.get(slug)
    if detail is None:
        detail = await pengunjung.api.get(f"/api/tenants/v1/tenants/{slug}")
        cache.put(slug, detail)
    detail = copy.deepcopy(detail)  # a page may rearrange its copy
    return Daerah(
        slug=detail["slug"],
        kode=detail["kode"],
        nama=detail["nama"],
        zona_waktu=detail["zona_waktu"],
        layanan=list(detail.get("layanan") or []),
        detail=detail,
    )


def forget_daerah(pengunjung: Pengunjung, slug: str) -> None:
    """After a change of the region at the registry: the next page asks again."""
    cache: MinuteCache[dict[str, Any]] = pengunjung.request.app.state.daerah
    cache.forget(slug)


async def _daerah(slug: str, pengunjung: PengunjungDep) -> Daerah:
    daerah = await load_daerah(pengunjung, slug)
    pengunjung.request.state.daerah = daerah
    return daerah


DaerahDep = Annotated[Daerah, Depends(_daerah)]
"""The region of the path's {slug}; an unknown one is a 404 page."""


async def form_data(request: Request, pengunjung: PengunjungDep) -> dict[str, Any]:
    """The posted form, after its CSRF token is checked (a forged post is refused before any call)."""
    form = await request.form()
    check_csrf(pengunjung, str(form.get("csrf") or ""))
    return {key: form.getlist(key) if len(form.getlist(key)) > 1 else form.get(key) for key in form}


FormDep = Annotated[dict[str, Any], Depends(form_data)]


def pindah(url: str) -> RedirectResponse:
    """After a successful post: see the result on its own page (post/redirect/get)."""
    return RedirectResponse(url, status_code=303)


def kunci_baru() -> str:
    """An Idempotency-Key for a form that creates something."""
    return str(uuid.uuid4())


def teks(form: dict[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def daftar(form: dict[str, Any], name: str) -> list[str]:
    """A field that may be given several times (checkboxes, a multiple select): its non-empty values."""
    value = form.get(name)
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def galat_isian(masalah: Masalah | None, *, umum: str = "") -> dict[str, str]:
    """A problem's messages by the form field they belong to (`dokumen_wajib.2` belongs to
    `dokumen_wajib`); a message for no field is kept under `umum`."""
    found: dict[str, str] = {}
    for error in masalah.errors if masalah else []:
        name = str(error.get("field") or umum).split(".")[0]
        found.setdefault(name, str(error.get("message") or ""))
    return found


def masalah_lokal(detail: str, field: str | None = None) -> Masalah:
    """A problem found by the portal itself (a missing file), shown like a service's."""
    errors = [{"field": field, "message": detail}] if field else []
    return Masalah(422, {"title": "Isian belum lengkap", "detail": detail, "errors": errors})


def api_of(layanan: str) -> Callable[[Daerah], str]:
    """A layanan's API base for a region (`/api/<prefix>/v1/<slug>`), its prefix from the catalog."""
    prefix = load_catalog().service(layanan).prefix

    def base(daerah: Daerah) -> str:
        return f"/api/{prefix}/v1/{daerah.slug}"

    return base


def staff_of(layanan: str) -> Callable[[Pengunjung, Daerah], bool]:
    """Whether a visitor is staff of the layanan in the region: its operator, or the region's admin
    (what the layanan's own routes admit as `Petugas`; the portal only decides what to show)."""

    def petugas(pengunjung: Pengunjung, daerah: Daerah) -> bool:
        return pengunjung.has("operator", tenant=daerah.kode, layanan=layanan) or pengunjung.has(
            "admin_daerah", tenant=daerah.kode
        )

    return petugas
