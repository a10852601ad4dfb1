"""Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat's rules. Routes call these; only the request's session dependency commits."""

from __future__ import annotations

from puja_kit.auth import Principal
from puja_kit.errors import Conflict
from puja_kit.repository import Page, PageParams
from puja_kit.tenancy import Tenant
from sqlalchemy.ext.asyncio import AsyncSession

from trantibumlinmas.models import Contoh
from trantibumlinmas.repository import ContohRepository
from trantibumlinmas.schemas import ContohCreate, ContohRead


async def list_contoh(session: AsyncSession, *, tenant: Tenant, page: PageParams) -> Page[ContohRead]:
    repo = ContohRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.by_name(), page)
    items = [ContohRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, page=page.page, size=page.size)


async def create_contoh(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: ContohCreate
) -> ContohRead:
    repo = ContohRepository(session, tenant.kode)
    if await repo.named(data.nama) is not None:
        raise Conflict(f"{data.nama} sudah ada di {tenant.nama}.")
    row = repo.add(Contoh(tenant_id=tenant.kode, nama=data.nama))
    await session.flush()
    return ContohRead.model_validate(row)
