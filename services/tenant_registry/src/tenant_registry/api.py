from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from puja_kit.access import AdminDaerah, AdminPusat, Publik
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.layanan import LAYANAN
from puja_kit.repository import Page, PageDep

from tenant_registry import service
from tenant_registry.schemas import (
    Cari,
    LayananInfo,
    LayananSettingsIn,
    NamaLayanan,
    OpdCreate,
    OpdRead,
    OpdUpdate,
    TenantCreate,
    TenantDetail,
    TenantLayananRead,
    TenantRead,
    TenantUpdate,
)

router = APIRouter()


@router.get("/layanan", response_model=list[LayananInfo])
async def list_layanan(principal: Publik) -> list[LayananInfo]:
    """Daftar layanan yang dapat diaktifkan daerah."""
    return [LayananInfo(layanan=key, nama=nama) for key, nama in LAYANAN.items()]


@router.get("/tenants", response_model=Page[TenantRead])
async def list_tenants(
    session: SessionDep,
    page: PageDep,
    principal: Publik,
    layanan: Annotated[
        NamaLayanan | None, Query(description="Hanya daerah yang mengaktifkan layanan ini")
    ] = None,
    tingkat: Annotated[str | None, Query(pattern="^(provinsi|kabupaten|kota)$")] = None,
    q: Annotated[Cari | None, Query(description="Cari nama daerah")] = None,
) -> Page[TenantRead]:
    """Daftar daerah yang sudah bergabung, dengan layanan yang aktif."""
    items, total = await service.list_tenants(session, page=page, layanan=layanan, tingkat=tingkat, q=q)
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.post("/tenants", response_model=TenantDetail, status_code=201)
async def onboard_tenant(
    body: TenantCreate, session: SessionDep, principal: AdminPusat, idempotency: IdempotencyDep
) -> Response:
    """Mendaftarkan daerah berdasarkan kode wilayah (admin pusat)."""
    return await idempotency.run(lambda: service.onboard(session, kode=body.kode))


@router.get("/tenants/{tenant}", response_model=TenantDetail)
async def get_tenant(tenant: str, session: SessionDep, principal: Publik) -> TenantDetail:
    """Profil daerah, pengaturan layanannya dan OPD-nya."""
    return await service.tenant_detail(session, tenant)


@router.patch("/tenants/{tenant}", response_model=TenantDetail)
async def update_tenant(
    tenant: str, body: TenantUpdate, session: SessionDep, principal: AdminPusat
) -> TenantDetail:
    """Mengubah status daerah (admin pusat)."""
    return await service.update_tenant(session, slug=tenant, aktif=body.aktif)


@router.put("/tenants/{tenant}/layanan/{layanan}", response_model=TenantLayananRead)
async def enable_layanan(
    tenant: str, layanan: str, body: LayananSettingsIn, session: SessionDep, principal: AdminDaerah
) -> TenantLayananRead:
    """Mengaktifkan layanan untuk daerah, dengan pengaturannya (admin daerah)."""
    return await service.enable_layanan(session, slug=tenant, layanan=layanan, settings=body)


@router.delete("/tenants/{tenant}/layanan/{layanan}", status_code=204)
async def disable_layanan(tenant: str, layanan: str, session: SessionDep, principal: AdminDaerah) -> Response:
    """Menonaktifkan layanan untuk daerah (admin daerah)."""
    await service.disable_layanan(session, slug=tenant, layanan=layanan)
    return Response(status_code=204)


@router.get("/tenants/{tenant}/opd", response_model=list[OpdRead])
async def list_opd(tenant: str, session: SessionDep, principal: Publik) -> list[OpdRead]:
    """Daftar OPD daerah."""
    return await service.list_opd(session, slug=tenant)


@router.post("/tenants/{tenant}/opd", response_model=OpdRead, status_code=201)
async def create_opd(tenant: str, body: OpdCreate, session: SessionDep, principal: AdminDaerah) -> OpdRead:
    """Menambah OPD daerah (admin daerah)."""
    return await service.create_opd(session, slug=tenant, data=body)


@router.patch("/tenants/{tenant}/opd/{opd_id}", response_model=OpdRead)
async def update_opd(
    tenant: str, opd_id: UUID, body: OpdUpdate, session: SessionDep, principal: AdminDaerah
) -> OpdRead:
    """Mengubah atau menonaktifkan OPD (admin daerah)."""
    return await service.update_opd(session, slug=tenant, opd_id=opd_id, data=body)
