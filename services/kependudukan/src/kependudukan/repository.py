from __future__ import annotations

from uuid import UUID

from puja_kit.db import new_id
from puja_kit.repository import LIKE_ESCAPE, RepositoryBase, contains_pattern
from sqlalchemy import or_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql import Select
from sqlmodel import col

from kependudukan.models import Impor, ImporDitolak, Penduduk, Permohonan, Riwayat, VerifikasiNik


class PendudukRepository(RepositoryBase[Penduduk]):
    model = Penduduk
    not_found = "Penduduk tidak ditemukan di daerah ini"

    async def by_nik(self, nik: str, *, for_update: bool = False) -> Penduduk | None:
        stmt = self.base_statement().where(col(Penduduk.nik) == nik)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def names(self, niks: set[str]) -> dict[str, str]:
        """Names of many people in one query (for lists)."""
        stmt = self.base_statement().where(col(Penduduk.nik).in_(niks))
        return {p.nik: p.nama for p in (await self.session.scalars(stmt)).all()}

    async def keluarga(self, no_kk: str) -> list[Penduduk]:
        stmt = self.base_statement().where(col(Penduduk.no_kk) == no_kk).order_by(col(Penduduk.tanggal_lahir))
        return list((await self.session.scalars(stmt)).all())

    def search(
        self, *, q: str | None, kode_wilayah: str | None, status: str | None
    ) -> Select[tuple[Penduduk]]:
        stmt = self.base_statement().order_by(col(Penduduk.nama), col(Penduduk.nik))
        if q:
            stmt = stmt.where(
                or_(
                    col(Penduduk.nik) == q,
                    col(Penduduk.nama).ilike(contains_pattern(q), escape=LIKE_ESCAPE),
                )
            )
        if kode_wilayah:
            stmt = stmt.where(col(Penduduk.kode_wilayah).startswith(kode_wilayah, autoescape=True))
        if status:
            stmt = stmt.where(col(Penduduk.status) == status)
        return stmt


class PermohonanRepository(RepositoryBase[Permohonan]):
    model = Permohonan
    not_found = "Permohonan tidak ditemukan"

    def of_pemohon(self, pemohon_id: object) -> Select[tuple[Permohonan]]:
        return (
            self.base_statement()
            .where(col(Permohonan.pemohon_id) == pemohon_id)
            .order_by(col(Permohonan.id).desc())
        )

    def listing(self, *, status: str | None, jenis: str | None) -> Select[tuple[Permohonan]]:
        stmt = (
            self.base_statement().where(col(Permohonan.status) != "DRAF").order_by(col(Permohonan.id).desc())
        )
        if status:
            stmt = stmt.where(col(Permohonan.status) == status)
        if jenis:
            stmt = stmt.where(col(Permohonan.jenis) == jenis)
        return stmt


class RiwayatRepository(RepositoryBase[Riwayat]):
    model = Riwayat

    async def of(self, permohonan_id: object) -> list[Riwayat]:
        stmt = (
            self.base_statement()
            .where(col(Riwayat.permohonan_id) == permohonan_id)
            .order_by(col(Riwayat.waktu), col(Riwayat.id))
        )
        return list((await self.session.scalars(stmt)).all())


class ImporRepository(RepositoryBase[Impor]):
    model = Impor
    not_found = "Impor tidak ditemukan"


class ImporDitolakRepository(RepositoryBase[ImporDitolak]):
    model = ImporDitolak

    def of(self, impor_id: object) -> Select[tuple[ImporDitolak]]:
        return (
            self.base_statement()
            .where(col(ImporDitolak.impor_id) == impor_id)
            .order_by(col(ImporDitolak.baris))
        )


class VerifikasiNikRepository(RepositoryBase[VerifikasiNik]):
    model = VerifikasiNik

    async def of_akun(self, akun_id: UUID, *, for_update: bool = False) -> VerifikasiNik | None:
        stmt = self.base_statement().where(col(VerifikasiNik.akun_id) == akun_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def locked_for(self, akun_id: UUID, nik: str) -> VerifikasiNik:
        """The account's row, created on first use and locked: concurrent attempts count one by one."""
        assert self.tenant_id is not None
        await self.session.execute(
            insert(VerifikasiNik)
            .values(id=new_id(), tenant_id=self.tenant_id, akun_id=akun_id, nik=nik)
            .on_conflict_do_nothing(index_elements=["tenant_id", "akun_id"])
        )
        row = await self.of_akun(akun_id, for_update=True)
        assert row is not None
        return row

    async def verified_nik(self, nik: str) -> VerifikasiNik | None:
        stmt = self.base_statement().where(
            col(VerifikasiNik.nik) == nik, col(VerifikasiNik.terverifikasi_pada).is_not(None)
        )
        return (await self.session.scalars(stmt)).first()

    async def by_counter_code(self, nik: str, kode: str) -> VerifikasiNik | None:
        stmt = (
            self.base_statement()
            .where(col(VerifikasiNik.nik) == nik, col(VerifikasiNik.kode_loket) == kode)
            .with_for_update()
        )
        return (await self.session.scalars(stmt)).first()
