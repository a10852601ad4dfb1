from __future__ import annotations

from puja_kit.repository import LIKE_ESCAPE, RepositoryBase, contains_pattern
from sqlalchemy import select
from sqlalchemy.sql import Select
from sqlmodel import col

from tenant_registry.models import Opd, Tenant, TenantLayanan


class TenantRepository(RepositoryBase[Tenant]):
    model = Tenant
    not_found = "Daerah tidak ditemukan"

    async def by_slug(self, slug: str) -> Tenant | None:
        return (await self.session.scalars(self.base_statement().where(col(Tenant.slug) == slug))).first()

    async def by_slug_for_update(self, slug: str) -> Tenant | None:
        """The region locked until the transaction ends, as committed by the change before (if any)."""
        stmt = (
            self.base_statement()
            .where(col(Tenant.slug) == slug)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).first()

    def listing(self, *, layanan: str | None, tingkat: str | None, q: str | None) -> Select[tuple[Tenant]]:
        stmt = self.base_statement().order_by(col(Tenant.kode))
        if layanan:
            enabled = select(col(TenantLayanan.tenant_id)).where(
                col(TenantLayanan.layanan) == layanan, col(TenantLayanan.aktif)
            )
            stmt = stmt.where(col(Tenant.kode).in_(enabled))
        if tingkat:
            stmt = stmt.where(col(Tenant.tingkat) == tingkat)
        if q:
            stmt = stmt.where(col(Tenant.nama).ilike(contains_pattern(q), escape=LIKE_ESCAPE))
        return stmt


class TenantLayananRepository(RepositoryBase[TenantLayanan]):
    model = TenantLayanan

    async def all(self) -> list[TenantLayanan]:
        return list(
            (await self.session.scalars(self.base_statement().order_by(col(TenantLayanan.layanan)))).all()
        )

    async def for_layanan(self, layanan: str) -> TenantLayanan | None:
        stmt = self.base_statement().where(col(TenantLayanan.layanan) == layanan)
        return (await self.session.scalars(stmt)).first()

    async def enabled_for(self, kodes: list[str]) -> dict[str, list[str]]:
        """Enabled layanan of many regions in one query (for lists)."""
        rows = await self.session.execute(
            select(col(TenantLayanan.tenant_id), col(TenantLayanan.layanan))
            .where(col(TenantLayanan.tenant_id).in_(kodes), col(TenantLayanan.aktif))
            .order_by(col(TenantLayanan.layanan))
        )
        out: dict[str, list[str]] = {kode: [] for kode in kodes}
        for kode, layanan in rows:
            out[kode].append(layanan)
        return out


class OpdRepository(RepositoryBase[Opd]):
    model = Opd
    not_found = "OPD tidak ditemukan"

    async def all(self) -> list[Opd]:
        return list((await self.session.scalars(self.base_statement().order_by(col(Opd.nama)))).all())

    async def by_nama(self, nama: str) -> Opd | None:
        return (await self.session.scalars(self.base_statement().where(col(Opd.nama) == nama))).first()
