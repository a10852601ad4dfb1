from __future__ import annotations

from puja_kit.repository import RepositoryBase
from sqlalchemy.sql import Select
from sqlmodel import col

from aspirasi.models import Contoh


class ContohRepository(RepositoryBase[Contoh]):
    model = Contoh
    not_found = "Contoh tidak ditemukan"

    def by_name(self) -> Select[tuple[Contoh]]:
        return self.base_statement().order_by(col(Contoh.nama), col(Contoh.id))

    async def named(self, nama: str) -> Contoh | None:
        return (await self.session.scalars(self.base_statement().where(col(Contoh.nama) == nama))).first()
