from __future__ import annotations

import hashlib
import logging
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from puja_kit.aktivitas import MinuteCache
from puja_kit.app import create_service_app
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.backend import Masalah, TakTerjangkau
from portal.halaman import LAYANAN_PAGES, admin, akun, pusat, templat, umum
from portal.halaman.dasar import daerah_cache
from portal.sesi import CsrfDitolak, PerluMasuk, apply_cookies, login_url
from portal.settings import Settings
from portal.tampilan import HERE, TEMPLATES, page

STATIC = HERE / "static"
# Pages may load only what the portal itself serves: no CDN, no inline script, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def asset_version() -> str:
    """Changes whenever the stylesheet or the script does, so phones fetch the new one."""
    digest = hashlib.sha256()
    for name in ("app.css", "app.js", "draf.js", "sw.js"):
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:10]


async def start_portal(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    app.state.backend = httpx.AsyncClient(
        base_url=settings.gateway_url,
        timeout=settings.backend_timeout_seconds,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )


async def stop_portal(app: FastAPI) -> None:
    await app.state.backend.aclose()


def _error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    response = page(request, "umum/galat.html", status_code=status, judul=title, detail=detail)
    apply_cookies(request, response)
    return response


def install_page_handlers(app: FastAPI) -> None:
    @app.exception_handler(PerluMasuk)
    async def _login(request: Request, exc: PerluMasuk) -> Response:
        return RedirectResponse(login_url(exc.lanjut), status_code=303)

    @app.exception_handler(CsrfDitolak)
    async def _csrf(request: Request, exc: CsrfDitolak) -> Response:
        return _error_page(
            request,
            403,
            "Formulir kedaluwarsa",
            "Formulir ini sudah terlalu lama dibuka atau tidak berasal dari halaman ini. Muat ulang halamannya lalu kirim lagi.",
        )

    @app.exception_handler(TakTerjangkau)
    async def _down(request: Request, exc: TakTerjangkau) -> Response:
        return _error_page(
            request,
            503,
            "Layanan sedang tidak dapat dijangkau",
            "Coba lagi sebentar lagi. Isian yang belum terkirim tidak hilang: kirim ulang formulirnya.",
        )

    @app.exception_handler(Masalah)
    async def _problem(request: Request, exc: Masalah) -> Response:
        if exc.status == 401:
            return RedirectResponse(login_url(request.url.path), status_code=303)
        return _error_page(request, exc.status, exc.title, exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_page(
                request, 404, "Halaman tidak ditemukan", "Alamat ini tidak ada. Periksa kembali tautannya."
            )
        return _error_page(request, exc.status_code, "Permintaan tidak dapat diproses", str(exc.detail))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # One line per backend call would double the log of every page; failures still show as problems.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = create_service_app(
        settings, routers=[], uses_tenants=False, on_startup=[start_portal], on_shutdown=[stop_portal]
    )
    # What each layanan said of its activity in a region, kept the minute the layanan keeps it.
    app.state.aktivitas_layanan = MinuteCache[dict[str, Any]]()
    app.state.daerah = daerah_cache()
    version = asset_version()
    TEMPLATES.env.globals["versi_aset"] = version
    worker = (STATIC / "sw.js").read_text(encoding="utf-8").replace("__VERSI__", version)

    @app.get("/sw.js", include_in_schema=False)
    async def service_worker() -> Response:
        return Response(worker, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get("/manifest.webmanifest", include_in_schema=False)
    async def manifest() -> Response:
        return Response(
            (STATIC / "manifest.webmanifest").read_bytes(), media_type="application/manifest+json"
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(akun.router, include_in_schema=False)
    app.include_router(admin.router, include_in_schema=False)
    app.include_router(pusat.router, include_in_schema=False)
    app.include_router(templat.router, include_in_schema=False)
    # Fixed paths before the region's /{slug} pages; each layanan's pages under /{slug}/<layanan>.
    for module in LAYANAN_PAGES.values():
        # A layanan's pages may span several modules (`routers`), each with the layanan's prefix.
        for pages in getattr(module, "routers", (module.router,)):
            app.include_router(pages, include_in_schema=False)
    app.include_router(umum.router, include_in_schema=False)
    install_page_handlers(app)

    @app.middleware("http")
    async def page_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        apply_cookies(request, response)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            # A page may hold personal data: the browser keeps no copy but the service worker's own.
            response.headers.setdefault("Cache-Control", "private, no-cache")
        elif request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    app.add_middleware(GZipMiddleware, minimum_size=500)
    return app
