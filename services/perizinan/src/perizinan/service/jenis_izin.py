"""Jenis izin: the permit types a region opens, with their documents, fee, SLA and validity."""

from __future__ import annotations

from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.errors import Conflict, InvalidInput
from puja_kit.repository import PageParams
from puja_kit.tenancy import Tenant, is_staff
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.models import JenisIzin
from perizinan.repository import JenisIzinRepository
from perizinan.schemas import JenisIzinCreate, JenisIzinRead, JenisIzinUpdate
from perizinan.service.access import _scope


async def list_jenis_izin(
    session: AsyncSession,
    principal: Principal | None,
    *,
    tenant: Tenant,
    page: PageParams,
    termasuk_nonaktif: bool,
    tingkat_risiko: str | None,
    q: str | None,
) -> tuple[list[JenisIzinRead], int]:
    await _scope(session, tenant)
    repo = JenisIzinRepository(session, tenant.kode)
    stmt = repo.listing(
        # Anyone reads the open types; only the region's staff also see the closed ones.
        termasuk_nonaktif=termasuk_nonaktif and is_staff(principal, tenant),
        tingkat_risiko=tingkat_risiko,
        q=q,
    )
    rows, total = await repo.paginate(stmt, page)
    return [JenisIzinRead.model_validate(r) for r in rows], total


async def create_jenis_izin(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: JenisIzinCreate
) -> JenisIzinRead:
    """For the region's staff (the route admits only them)."""
    await _scope(session, tenant)
    repo = JenisIzinRepository(session, tenant.kode)
    if await repo.by_nama(data.nama) is not None:
        raise Conflict(f"Jenis izin '{data.nama}' sudah ada di {tenant.nama}.")
    row = repo.add(JenisIzin(tenant_id=tenant.kode, **data.model_dump()))
    await session.flush()
    await session.refresh(row)
    return JenisIzinRead.model_validate(row)


async def update_jenis_izin(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, jenis_izin_id: UUID, data: JenisIzinUpdate
) -> JenisIzinRead:
    """For the region's staff (the route admits only them)."""
    await _scope(session, tenant)
    repo = JenisIzinRepository(session, tenant.kode)
    row = await repo.get_or_404(jenis_izin_id)
    changes = data.model_dump(exclude_unset=True)
    # Only the validity may be emptied (no expiry); every other field keeps a value.
    cleared = [k for k, v in changes.items() if v is None and k != "masa_berlaku_tahun"]
    if cleared:
        raise InvalidInput(
            errors=[{"field": k, "code": "missing", "message": "tidak boleh kosong"} for k in cleared]
        )
    if "nama" in changes and changes["nama"] != row.nama and await repo.by_nama(changes["nama"]) is not None:
        raise Conflict(f"Jenis izin '{changes['nama']}' sudah ada di {tenant.nama}.")
    for key, value in changes.items():
        setattr(row, key, value)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return JenisIzinRead.model_validate(row)
