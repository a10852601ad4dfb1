from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from puja_kit.repository import RepositoryBase
from puja_kit.workflow.aduan_models import aduan_in_order
from puja_kit.workflow.models import Urutan
from sqlalchemy.sql import Select
from sqlmodel import col

from pekerjaan_umum.models import Laporan, LaporanFoto, LaporanRiwayat


class LaporanRepository(RepositoryBase[Laporan]):
    model = Laporan
    not_found = "Laporan tidak ditemukan"

    def of_pelapor(self, pelapor_id: UUID) -> Select[tuple[Laporan]]:
        return (
            self.base_statement()
            .where(col(Laporan.pelapor_id) == pelapor_id)
            .order_by(col(Laporan.id).desc())
        )

    def for_staff(self, *, status: str | None, urut: Urutan) -> Select[tuple[Laporan]]:
        # "sla": the running clocks, nearest due date first; "terbaru": newest first (kit indexes).
        return aduan_in_order(self.base_statement(), Laporan, urut, status=status)

    async def get_for_update(self, laporan_id: UUID) -> Laporan | None:
        stmt = self.base_statement().where(col(Laporan.id) == laporan_id).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def by_nomor(self, nomor: str) -> Laporan | None:
        stmt = self.base_statement().where(col(Laporan.nomor) == nomor)
        return (await self.session.scalars(stmt)).first()

    async def nomor_of(self, ids: Sequence[UUID]) -> dict[UUID, str]:
        if not ids:
            return {}
        rows = await self.session.scalars(self.base_statement().where(col(Laporan.id).in_(set(ids))))
        return {row.id: row.nomor for row in rows}


class RiwayatRepository(RepositoryBase[LaporanRiwayat]):
    model = LaporanRiwayat

    async def of_laporan(self, laporan_id: UUID) -> list[LaporanRiwayat]:
        stmt = (
            self.base_statement()
            .where(col(LaporanRiwayat.aduan_id) == laporan_id)
            .order_by(col(LaporanRiwayat.waktu), col(LaporanRiwayat.id))
        )
        return list((await self.session.scalars(stmt)).all())


class FotoRepository(RepositoryBase[LaporanFoto]):
    model = LaporanFoto
    not_found = "Foto tidak ditemukan"

    async def of_laporan(self, laporan_id: UUID) -> list[LaporanFoto]:
        stmt = (
            self.base_statement()
            .where(col(LaporanFoto.laporan_id) == laporan_id)
            .order_by(col(LaporanFoto.diunggah_at), col(LaporanFoto.id))
        )
        return list((await self.session.scalars(stmt)).all())

    async def in_laporan(self, laporan_id: UUID, foto_id: UUID) -> LaporanFoto | None:
        stmt = self.base_statement().where(
            col(LaporanFoto.laporan_id) == laporan_id, col(LaporanFoto.id) == foto_id
        )
        return (await self.session.scalars(stmt)).first()
