from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from puja_kit.repository import RepositoryBase
from sqlalchemy import or_
from sqlalchemy.sql import Select
from sqlmodel import col

from trantibumlinmas.models import Penerimaan, Peringatan, PeringatanVersi, PosLinmas


class PosRepository(RepositoryBase[PosLinmas]):
    model = PosLinmas
    not_found = "Pos linmas tidak ditemukan"

    def by_name(self) -> Select[tuple[PosLinmas]]:
        return self.base_statement().order_by(col(PosLinmas.nama), col(PosLinmas.id))

    async def named(self, nama: str) -> PosLinmas | None:
        stmt = self.base_statement().where(col(PosLinmas.nama) == nama)
        return (await self.session.scalars(stmt)).first()

    async def covering(self, kodes: Sequence[str]) -> list[PosLinmas]:
        """Active posts whose desa is one of `kodes` or lies inside one of them (a kecamatan)."""
        if not kodes:
            return []
        inside = [col(PosLinmas.kode_wilayah) == k for k in kodes] + [
            col(PosLinmas.kode_wilayah).startswith(f"{k}.") for k in kodes
        ]
        stmt = self.by_name().where(col(PosLinmas.aktif).is_(True), or_(*inside))
        return list((await self.session.scalars(stmt)).all())


class PeringatanRepository(RepositoryBase[Peringatan]):
    model = Peringatan
    not_found = "Peringatan dini tidak ditemukan"

    async def get_for_update(self, peringatan_id: UUID) -> Peringatan | None:
        stmt = self.base_statement().where(col(Peringatan.id) == peringatan_id).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def running(self, now: datetime, *, with_cancelled: bool) -> list[Peringatan]:
        """Warnings whose window has not ended (index on tenant_id, berlaku_sampai)."""
        stmt = self.base_statement().where(col(Peringatan.berlaku_sampai) > now)
        if not with_cancelled:
            stmt = stmt.where(col(Peringatan.dibatalkan).is_(False))
        return list((await self.session.scalars(stmt)).all())

    def newest_first(self) -> Select[tuple[Peringatan]]:
        return self.base_statement().order_by(col(Peringatan.id).desc())


class VersiRepository(RepositoryBase[PeringatanVersi]):
    model = PeringatanVersi
    not_found = "Versi peringatan tidak ditemukan"

    async def of_peringatan(self, peringatan_id: UUID) -> list[PeringatanVersi]:
        stmt = (
            self.base_statement()
            .where(col(PeringatanVersi.peringatan_id) == peringatan_id)
            .order_by(col(PeringatanVersi.versi))
        )
        return list((await self.session.scalars(stmt)).all())

    async def many(self, ids: Sequence[UUID]) -> dict[UUID, PeringatanVersi]:
        if not ids:
            return {}
        stmt = self.base_statement().where(col(PeringatanVersi.id).in_(set(ids)))
        return {row.id: row for row in await self.session.scalars(stmt)}

    async def newest_sent(self) -> datetime | None:
        stmt = self.base_statement().order_by(col(PeringatanVersi.dikirim_at).desc()).limit(1)
        row = (await self.session.scalars(stmt)).first()
        return row.dikirim_at if row else None


class PenerimaanRepository(RepositoryBase[Penerimaan]):
    model = Penerimaan

    async def of_versi(self, versi_id: UUID) -> dict[UUID, Penerimaan]:
        stmt = self.base_statement().where(col(Penerimaan.versi_id) == versi_id)
        return {row.pos_id: row for row in await self.session.scalars(stmt)}

    async def of_pair(self, versi_id: UUID, pos_id: UUID) -> Penerimaan | None:
        stmt = self.base_statement().where(
            col(Penerimaan.versi_id) == versi_id, col(Penerimaan.pos_id) == pos_id
        )
        return (await self.session.scalars(stmt)).first()
