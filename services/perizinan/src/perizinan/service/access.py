"""Access: the row-level scope every call opens, and who may see an application."""

from __future__ import annotations

from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.errors import NotFound
from puja_kit.repository import set_tenant
from puja_kit.tenancy import Tenant
from puja_kit.workflow import PERMOHONAN, visible_to
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.models import Permohonan
from perizinan.repository import PermohonanRepository


def _ensure_visible(principal: Principal, tenant: Tenant, obj: Permohonan) -> None:
    """The applicant, and the region's staff once it is submitted; for anyone else it does not exist."""
    if not visible_to(principal, obj, tenant, PERMOHONAN):
        raise NotFound(PermohonanRepository.not_found)


async def _scope(session: AsyncSession, tenant: Tenant) -> None:
    # Row-level security, the second wall behind the repositories' tenant filter.
    await set_tenant(session, tenant.kode)


async def _load(
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    permohonan_id: UUID,
    *,
    for_update: bool = False,
) -> Permohonan:
    await _scope(session, tenant)
    repo = PermohonanRepository(session, tenant.kode)
    obj = await (repo.get_for_update(permohonan_id) if for_update else repo.get(permohonan_id))
    if obj is None:
        raise NotFound(repo.not_found)
    _ensure_visible(principal, tenant, obj)
    return obj
