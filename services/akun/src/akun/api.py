from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from puja_kit.access import AdminPusat, AdminPusatAtauDaerah, Akun, Publik
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import CursorDep, Page, PageDep
from puja_kit.tenancy import TenantCache

from akun import notifikasi, service
from akun.schemas import (
    AkunRead,
    Cari,
    Jwks,
    LoginIn,
    NotifikasiPage,
    RefreshIn,
    RegisterIn,
    SigningKeyRotated,
    SigningKeyWithdrawn,
    StaffCreate,
    StaffRead,
    StaffUpdate,
    TokenPair,
)
from akun.service import Runtime

router = APIRouter()


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _tenants(request: Request) -> TenantCache:
    tenants: TenantCache = request.app.state.tenants
    return tenants


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
TenantsDep = Annotated[TenantCache, Depends(_tenants)]

# Token responses must never be cached (RFC 6749 section 5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post("/register", response_model=AkunRead, status_code=201)
async def register(
    body: RegisterIn,
    session: SessionDep,
    runtime: RuntimeDep,
    idempotency: IdempotencyDep,
    principal: Publik,
) -> Response:
    """Mendaftar sebagai warga dengan NIK dan e-mail atau nomor telepon."""
    return await idempotency.run(lambda: service.register(session, runtime, data=body))


@router.post("/login", response_model=TokenPair)
async def login(
    body: LoginIn, request: Request, session: SessionDep, runtime: RuntimeDep, principal: Publik
) -> Response:
    """Masuk dengan NIK, e-mail, nomor telepon atau nama pengguna, dan kata sandi."""
    # The client as the trusted gateway forwarded it (puja_kit.app, settings.trusted_proxies).
    address = request.client.host if request.client else "tidak-diketahui"
    pair = await service.login(
        session, runtime, username=body.username, password=body.password, address=address
    )
    return JSONResponse(pair.model_dump(), headers=NO_STORE)


@router.post("/refresh", response_model=TokenPair)
async def refresh(body: RefreshIn, session: SessionDep, runtime: RuntimeDep, principal: Publik) -> Response:
    """Menukar token penyegar dengan pasangan token baru (token penyegar lama tidak berlaku lagi)."""
    pair = await service.refresh(session, runtime, refresh_token=body.refresh_token)
    return JSONResponse(pair.model_dump(), headers=NO_STORE)


@router.post("/logout", status_code=204)
async def logout(session: SessionDep, principal: Akun) -> Response:
    """Keluar: sesi ini berakhir dan tokennya ditolak di semua layanan."""
    await service.logout(session, principal)
    return Response(status_code=204)


@router.get("/me", response_model=AkunRead)
async def me(session: SessionDep, principal: Akun, runtime: RuntimeDep) -> AkunRead:
    """Profil dan hak akses akun yang sedang masuk."""
    return await service.me(session, principal, runtime=runtime)


@router.get("/notifikasi", response_model=NotifikasiPage)
async def my_notifications(session: SessionDep, principal: Akun, page: CursorDep) -> NotifikasiPage:
    """Kabar tentang permohonan saya di semua layanan, terbaru lebih dulu (berikutnya lewat `cursor`)."""
    return await notifikasi.list_own(session, principal.id, page)


@router.post("/notifikasi/dibaca-semua", status_code=204)
async def mark_all_read(session: SessionDep, principal: Akun) -> Response:
    """Menandai semua notifikasi saya sudah dibaca."""
    await notifikasi.mark_read(session, principal.id)
    return Response(status_code=204)


@router.post("/notifikasi/{notifikasi_id}/dibaca", status_code=204)
async def mark_read(notifikasi_id: UUID, session: SessionDep, principal: Akun) -> Response:
    """Menandai satu notifikasi saya sudah dibaca."""
    await notifikasi.mark_read(session, principal.id, notifikasi_id)
    return Response(status_code=204)


@router.get("/.well-known/jwks.json", response_model=Jwks)
async def jwks(session: SessionDep, runtime: RuntimeDep, principal: Publik) -> Response:
    """Kunci publik untuk memeriksa token (JWKS)."""
    document = await service.jwks(session, runtime=runtime)
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=300"})


@router.post("/keys/rotate", response_model=SigningKeyRotated)
async def rotate_keys(session: SessionDep, principal: AdminPusat, runtime: RuntimeDep) -> SigningKeyRotated:
    """Mengganti kunci penanda tangan sekarang (admin pusat); token lama tetap sah sampai kedaluwarsa."""
    return await service.rotate_keys(session, runtime=runtime)


@router.post("/keys/{kid}/withdraw", response_model=SigningKeyWithdrawn)
async def withdraw_key(
    kid: str, session: SessionDep, principal: AdminPusat, runtime: RuntimeDep
) -> SigningKeyWithdrawn:
    """Menarik kunci penanda tangan yang bocor (admin pusat): keluar dari JWKS, tokennya ditolak.

    akun menolaknya dalam `key_cache_seconds`, layanan lain pada penyegaran JWKS berikutnya
    (`jwks_refresh_seconds`). Bila kunci itu yang aktif, kunci baru langsung dibuat.
    """
    return await service.withdraw_key(session, kid, runtime=runtime)


@router.get("/{tenant}/staff", response_model=Page[StaffRead])
async def list_staff(
    tenant: str,
    session: SessionDep,
    principal: AdminPusatAtauDaerah,
    tenants: TenantsDep,
    page: PageDep,
    q: Annotated[Cari | None, Query(description="Cari nama atau nama pengguna")] = None,
    aktif: Annotated[bool | None, Query(description="Hanya akun aktif (true) atau nonaktif (false)")] = None,
) -> Page[StaffRead]:
    """Daftar akun staf daerah (admin daerah itu atau admin pusat)."""
    items, total = await service.list_staff(
        session, tenants=tenants, slug=tenant, page=page, q=q, aktif=aktif
    )
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.post("/{tenant}/staff", response_model=StaffRead, status_code=201)
async def create_staff(
    tenant: str,
    body: StaffCreate,
    session: SessionDep,
    principal: AdminPusatAtauDaerah,
    runtime: RuntimeDep,
    tenants: TenantsDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Membuat akun operator atau admin daerah (admin daerah itu atau admin pusat)."""
    return await idempotency.run(
        lambda: service.create_staff(
            session, principal, runtime=runtime, tenants=tenants, slug=tenant, data=body
        )
    )


@router.patch("/{tenant}/staff/{akun_id}", response_model=StaffRead)
async def update_staff(
    tenant: str,
    akun_id: UUID,
    body: StaffUpdate,
    session: SessionDep,
    principal: AdminPusatAtauDaerah,
    tenants: TenantsDep,
) -> StaffRead:
    """Mengubah nama, layanan, atau menonaktifkan akun staf; menonaktifkan mengakhiri sesinya."""
    return await service.update_staff(
        session, principal, tenants=tenants, slug=tenant, akun_id=akun_id, data=body
    )
