"""Aspirasi DPRD's API under /api/aspirasi/v1/{tenant}: who may call each route is in its signature."""

from __future__ import annotations

from fastapi import APIRouter, Response
from puja_kit.access import Petugas, Publik
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import Page, PageDep
from puja_kit.tenancy import TenantDep

from aspirasi import service
from aspirasi.schemas import ContohCreate, ContohRead

router = APIRouter(prefix="/{tenant}")


@router.get("/contoh", response_model=Page[ContohRead])
async def list_contoh(tenant: TenantDep, session: SessionDep, page: PageDep, _: Publik) -> Page[ContohRead]:
    """Daftar contoh di daerah, urut nama (publik)."""
    return await service.list_contoh(session, tenant=tenant, page=page)


@router.post("/contoh", response_model=ContohRead, status_code=201)
async def create_contoh(
    tenant: TenantDep,
    body: ContohCreate,
    session: SessionDep,
    principal: Petugas,
    idempotency: IdempotencyDep,
) -> Response:
    """Menambah contoh (operator layanan ini atau admin daerah)."""
    if (replayed := await idempotency.replay()) is not None:
        return replayed
    created = await service.create_contoh(session, principal, tenant=tenant, data=body)
    return await idempotency.remember(created, status=201)
