from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from puja_kit.repository import LIKE_ESCAPE, RepositoryBase, contains_pattern
from puja_kit.workflow.models import Urutan, in_order
from sqlalchemy import func, or_, text
from sqlalchemy.sql import Select
from sqlmodel import col

from perizinan.models import Izin, JenisIzin, Permohonan, PermohonanRiwayat


class JenisIzinRepository(RepositoryBase[JenisIzin]):
    model = JenisIzin
    not_found = "Jenis izin tidak ditemukan"

    def listing(
        self, *, termasuk_nonaktif: bool, tingkat_risiko: str | None, q: str | None
    ) -> Select[tuple[JenisIzin]]:
        stmt = self.base_statement().order_by(col(JenisIzin.nama))
        if not termasuk_nonaktif:
            stmt = stmt.where(col(JenisIzin.aktif))
        if tingkat_risiko:
            stmt = stmt.where(col(JenisIzin.tingkat_risiko) == tingkat_risiko)
        if q:
            stmt = stmt.where(
                or_(
                    col(JenisIzin.nama).ilike(contains_pattern(q), escape=LIKE_ESCAPE),
                    col(JenisIzin.kbli).startswith(q, autoescape=True),
                )
            )
        return stmt

    async def by_nama(self, nama: str) -> JenisIzin | None:
        return (await self.session.scalars(self.base_statement().where(col(JenisIzin.nama) == nama))).first()

    async def many(self, ids: Sequence[UUID]) -> dict[UUID, JenisIzin]:
        if not ids:
            return {}
        rows = await self.session.scalars(self.base_statement().where(col(JenisIzin.id).in_(set(ids))))
        return {row.id: row for row in rows}


class PermohonanRepository(RepositoryBase[Permohonan]):
    model = Permohonan
    not_found = "Permohonan tidak ditemukan"

    def of_pemohon(self, pemohon_id: UUID) -> Select[tuple[Permohonan]]:
        return (
            self.base_statement()
            .where(col(Permohonan.pemohon_id) == pemohon_id)
            .order_by(col(Permohonan.id).desc())
        )

    def for_staff(
        self, *, status: str | None, jenis_izin_id: UUID | None, urut: Urutan = "terbaru"
    ) -> Select[tuple[Permohonan]]:
        # A draft is the applicant's private work until it is submitted.
        stmt = self.base_statement().where(col(Permohonan.status) != "DRAF")
        if status:
            stmt = stmt.where(col(Permohonan.status) == status)
        if jenis_izin_id:
            stmt = stmt.where(col(Permohonan.jenis_izin_id) == jenis_izin_id)
        # Newest first on ix_permohonan_daerah_id (tenant_id, id), or the nearest due date first on the
        # kit's inbox indexes: a keyset page reads only its own rows.
        return in_order(stmt, Permohonan, urut, status=status)

    async def of_nik(self, nik: str) -> list[Permohonan]:
        stmt = (
            self.base_statement()
            .where(col(Permohonan.pemohon_nik) == nik)
            .order_by(col(Permohonan.created_at).desc(), col(Permohonan.id).desc())
        )
        return list((await self.session.scalars(stmt)).all())

    async def pending_of_nik(self, nik: str, terminal: frozenset[str]) -> list[Permohonan]:
        stmt = (
            self.base_statement()
            .where(col(Permohonan.pemohon_nik) == nik, col(Permohonan.status).not_in(terminal))
            .with_for_update()
        )
        return list((await self.session.scalars(stmt)).all())


class RiwayatRepository(RepositoryBase[PermohonanRiwayat]):
    model = PermohonanRiwayat

    async def of_permohonan(self, permohonan_id: UUID) -> list[PermohonanRiwayat]:
        stmt = (
            self.base_statement()
            .where(col(PermohonanRiwayat.permohonan_id) == permohonan_id)
            .order_by(col(PermohonanRiwayat.waktu), col(PermohonanRiwayat.id))
        )
        return list((await self.session.scalars(stmt)).all())


class IzinRepository(RepositoryBase[Izin]):
    model = Izin
    not_found = "Izin tidak ditemukan"

    async def of_permohonan(self, permohonan_id: UUID) -> Izin | None:
        stmt = self.base_statement().where(col(Izin.permohonan_id) == permohonan_id)
        return (await self.session.scalars(stmt)).first()

    async def get_for_update(self, id: UUID) -> Izin | None:
        stmt = self.base_statement().where(col(Izin.id) == id).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def by_kode(self, kode: str) -> Izin | None:
        stmt = self.base_statement().where(col(Izin.kode_verifikasi) == kode)
        return (await self.session.scalars(stmt)).first()

    async def next_urutan(self, tahun: int) -> int:
        """The next number of the region's year; concurrent issuers wait on a transaction lock."""
        assert self.tenant_id is not None
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"perizinan.izin:{self.tenant_id}:{tahun}"},
        )
        stmt = (
            self.base_statement()
            .with_only_columns(func.max(col(Izin.urutan)))
            .where(col(Izin.tahun) == tahun)
        )
        return int(await self.session.scalar(stmt) or 0) + 1
