"""Access: the row-level scope every call opens, and who may see an application."""

from __future__ import annotations

from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.rls import set_tenant
from puja_kit.tenancy import Tenant
from puja_kit.workflow import PERMOHONAN, get_visible
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.models import Permohonan


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
    """The application if the caller may see it (the applicant; the region's staff once submitted)."""
    await _scope(session, tenant)
    return await get_visible(
        session, PERMOHONAN, Permohonan, principal, tenant, permohonan_id, for_update=for_update
    )
