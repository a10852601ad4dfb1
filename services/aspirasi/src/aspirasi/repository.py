from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from puja_kit.repository import RepositoryBase
from sqlalchemy import case, func, select
from sqlalchemy.sql import Select
from sqlmodel import col

from aspirasi.models import AGENDA_MAKS_HARI, Agenda, AgendaAnggota, Anggota, Fraksi, Komisi

# Ketua first, then Wakil Ketua, Sekretaris, Anggota.
_URUT_JABATAN = case({"KETUA": 0, "WAKIL_KETUA": 1, "SEKRETARIS": 2}, value=col(Anggota.jabatan), else_=3)


class FraksiRepository(RepositoryBase[Fraksi]):
    model = Fraksi
    not_found = "Fraksi tidak ditemukan di DPRD daerah ini."

    def listing(self, *, aktif: bool | None) -> Select[tuple[Fraksi]]:
        stmt = self.base_statement().order_by(col(Fraksi.nama), col(Fraksi.id))
        return stmt if aktif is None else stmt.where(col(Fraksi.aktif) == aktif)

    async def clash(self, nama: str, singkatan: str, *, besides: UUID | None = None) -> Fraksi | None:
        stmt = self.base_statement().where(
            (func.lower(col(Fraksi.nama)) == nama.lower())
            | (func.lower(col(Fraksi.singkatan)) == singkatan.lower())
        )
        if besides is not None:
            stmt = stmt.where(col(Fraksi.id) != besides)
        return (await self.session.scalars(stmt)).first()


class KomisiRepository(RepositoryBase[Komisi]):
    model = Komisi
    not_found = "Komisi tidak ditemukan di DPRD daerah ini."

    def listing(self, *, aktif: bool | None) -> Select[tuple[Komisi]]:
        stmt = self.base_statement().order_by(func.length(col(Komisi.nama)), col(Komisi.nama), col(Komisi.id))
        return stmt if aktif is None else stmt.where(col(Komisi.aktif) == aktif)

    async def named(self, nama: str, *, besides: UUID | None = None) -> Komisi | None:
        stmt = self.base_statement().where(func.lower(col(Komisi.nama)) == nama.lower())
        if besides is not None:
            stmt = stmt.where(col(Komisi.id) != besides)
        return (await self.session.scalars(stmt)).first()

    async def many(self, ids: Sequence[UUID]) -> dict[UUID, Komisi]:
        if not ids:
            return {}
        rows = await self.session.scalars(self.base_statement().where(col(Komisi.id).in_(set(ids))))
        return {row.id: row for row in rows}


class AnggotaRepository(RepositoryBase[Anggota]):
    model = Anggota
    not_found = "Anggota DPRD tidak ditemukan di daerah ini."

    def listing(
        self, *, fraksi_id: UUID | None, komisi_id: UUID | None, aktif: bool | None
    ) -> Select[tuple[Anggota]]:
        stmt = self.base_statement().order_by(_URUT_JABATAN, col(Anggota.nama), col(Anggota.id))
        if fraksi_id is not None:
            stmt = stmt.where(col(Anggota.fraksi_id) == fraksi_id)
        if komisi_id is not None:
            stmt = stmt.where(col(Anggota.komisi_id) == komisi_id)
        if aktif is not None:
            stmt = stmt.where(col(Anggota.aktif) == aktif)
        return stmt

    async def many(self, ids: Sequence[UUID]) -> dict[UUID, Anggota]:
        if not ids:
            return {}
        rows = await self.session.scalars(self.base_statement().where(col(Anggota.id).in_(set(ids))))
        return {row.id: row for row in rows}

    async def of_komisi(self, komisi_ids: Sequence[UUID]) -> list[Anggota]:
        if not komisi_ids:
            return []
        stmt = self.listing(fraksi_id=None, komisi_id=None, aktif=True).where(
            col(Anggota.komisi_id).in_(set(komisi_ids))
        )
        return list((await self.session.scalars(stmt)).all())

    async def of_agenda(self, agenda_ids: Sequence[UUID]) -> list[tuple[UUID, Anggota]]:
        if not agenda_ids:
            return []
        stmt = (
            select(col(AgendaAnggota.agenda_id), Anggota)
            .join(Anggota, col(Anggota.id) == col(AgendaAnggota.anggota_id))
            .where(
                col(AgendaAnggota.tenant_id) == self.tenant_id,
                col(AgendaAnggota.agenda_id).in_(set(agenda_ids)),
            )
            .order_by(_URUT_JABATAN, col(Anggota.nama))
        )
        return [(agenda_id, anggota) for agenda_id, anggota in (await self.session.execute(stmt)).all()]


class AgendaRepository(RepositoryBase[Agenda]):
    model = Agenda
    not_found = "Agenda tidak ditemukan di daerah ini."

    def listing(
        self, *, mendatang: bool, now: datetime, jenis: str | None, status: str | None
    ) -> Select[tuple[Agenda]]:
        """Upcoming (not yet ended, soonest first) or past (latest first), on ix_agenda_daerah_mulai:
        an item lasts at most AGENDA_MAKS_HARI, so the upcoming scan starts that long before now."""
        stmt = self.base_statement()
        if mendatang:
            stmt = stmt.where(
                col(Agenda.mulai) >= now - timedelta(days=AGENDA_MAKS_HARI), col(Agenda.selesai) >= now
            ).order_by(col(Agenda.mulai), col(Agenda.id))
        else:
            stmt = stmt.where(col(Agenda.selesai) < now).order_by(
                col(Agenda.mulai).desc(), col(Agenda.id).desc()
            )
        if jenis is not None:
            stmt = stmt.where(col(Agenda.jenis) == jenis)
        if status is not None:
            stmt = stmt.where(col(Agenda.status) == status)
        return stmt

    async def get_for_update(self, agenda_id: UUID) -> Agenda | None:
        stmt = self.base_statement().where(col(Agenda.id) == agenda_id).with_for_update()
        return (await self.session.scalars(stmt)).first()
