from __future__ import annotations

from functools import cache
from typing import Any, Literal
from uuid import UUID

from puja_kit.baca import Query, compile_query
from puja_kit.db import new_id
from puja_kit.repository import LIKE_ESCAPE, RepositoryBase
from puja_kit.workflow.models import Urutan, in_order
from sqlalchemy import and_, any_, bindparam, func, null, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql import Select
from sqlmodel import col

from kependudukan.models import (
    Impor,
    ImporDitolak,
    Penduduk,
    PendudukKata,
    Permohonan,
    Riwayat,
    VerifikasiNik,
)


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


def _penduduk_read_columns() -> list[Any]:
    """PendudukRead's fields in its order; `nama_wilayah` (a name from the wilayah code list) is filled
    in by the caller."""
    return [
        col(Penduduk.id),
        col(Penduduk.nik),
        col(Penduduk.no_kk),
        col(Penduduk.nama),
        col(Penduduk.tempat_lahir),
        col(Penduduk.tanggal_lahir),
        col(Penduduk.jenis_kelamin),
        col(Penduduk.alamat),
        col(Penduduk.rt),
        col(Penduduk.rw),
        col(Penduduk.kode_wilayah),
        null().label("nama_wilayah"),
        col(Penduduk.status),
        col(Penduduk.tanggal_meninggal),
        col(Penduduk.versi),
        col(Penduduk.updated_at),
    ]


SearchKind = Literal["nik", "kata", "kata_banyak"] | None


@cache
def penduduk_page_query(*, q: SearchKind, kode_wilayah: bool, status: bool, after: bool) -> Query:
    """The staff search's keyset page for the read path (puja_kit.baca), one statement per shape, in
    (nama, nik) order: rows after the cursor's key (`after_nama`, `after_nik`), `limit` rows (one more
    than the page). Parameters: `tenant`; `q` (a NIK) for "nik"; for "kata" the name key `kata` (a word,
    or two, kependudukan.kata.search_key), for "kata_banyak" also `lain`, the words left to check on
    each name, and `jumlah_lain`, how many; `kode_wilayah` (a prefix pattern), `status`.

    A name search reads the key's range of the word table's primary key (tenant_id, kata, nama, nik) in
    order, and each resident's row by NIK, until the page is full: no row of a resident without the
    key is read."""
    if q in ("kata", "kata_banyak"):
        return _kata_page_query(
            many=q == "kata_banyak", kode_wilayah=kode_wilayah, status=status, after=after
        )
    stmt = select(*_penduduk_read_columns()).where(col(Penduduk.tenant_id) == bindparam("tenant"))
    if q == "nik":
        stmt = stmt.where(col(Penduduk.nik) == bindparam("q"))
    stmt = _filters(stmt, kode_wilayah=kode_wilayah, status=status)
    if after:
        key = tuple_(col(Penduduk.nama), col(Penduduk.nik))
        stmt = stmt.where(key > tuple_(bindparam("after_nama"), bindparam("after_nik")))
    return compile_query(stmt.order_by(col(Penduduk.nama), col(Penduduk.nik)).limit(bindparam("limit")))


def _filters(stmt: Select[Any], *, kode_wilayah: bool, status: bool) -> Select[Any]:
    if kode_wilayah:
        stmt = stmt.where(col(Penduduk.kode_wilayah).like(bindparam("kode_wilayah"), escape=LIKE_ESCAPE))
    if status:
        stmt = stmt.where(col(Penduduk.status) == bindparam("status"))
    return stmt


def _kata_page_query(*, many: bool, kode_wilayah: bool, status: bool, after: bool) -> Query:
    kata = PendudukKata.__table__.alias("kata")  # type: ignore[attr-defined]
    stmt = (
        select(*_penduduk_read_columns())
        .select_from(kata)
        .join(
            Penduduk,
            and_(col(Penduduk.tenant_id) == bindparam("tenant"), col(Penduduk.nik) == kata.c.nik),
        )
        .where(kata.c.tenant_id == bindparam("tenant"), kata.c.kata == bindparam("kata"))
    )
    if many:
        # A third word and more: checked on the name in the index entry itself (no other row read).
        words = func.kata_nama(kata.c.nama).table_valued("kata").render_derived().alias("kata_nama")
        found = (
            select(func.count())
            .select_from(words)
            .where(words.c.kata == any_(bindparam("lain")))
            .scalar_subquery()
        )
        stmt = stmt.where(found == bindparam("jumlah_lain"))
    stmt = _filters(stmt, kode_wilayah=kode_wilayah, status=status)
    if after:
        key = tuple_(kata.c.nama, kata.c.nik)
        stmt = stmt.where(key > tuple_(bindparam("after_nama"), bindparam("after_nik")))
    return compile_query(stmt.order_by(kata.c.nama, kata.c.nik).limit(bindparam("limit")))


@cache
def keluarga_query() -> Query:
    """A citizen's family card for the read path: everyone on the KK of the record with NIK `nik`,
    eldest first, in one statement (no row when the NIK has no record). Parameters: `tenant`, `nik`."""
    own_kk = (
        select(col(Penduduk.no_kk))
        .where(col(Penduduk.tenant_id) == bindparam("tenant"), col(Penduduk.nik) == bindparam("nik"))
        .scalar_subquery()
    )
    return compile_query(
        select(*_penduduk_read_columns())
        .where(col(Penduduk.tenant_id) == bindparam("tenant"), col(Penduduk.no_kk) == own_kk)
        .order_by(col(Penduduk.tanggal_lahir))
    )


@cache
def verifikasi_query() -> Query:
    """An account's NIK proof in the region (VerifikasiNikRepository.of_akun). Parameters: `tenant`,
    `akun_id`."""
    return compile_query(
        select(col(VerifikasiNik.nik), col(VerifikasiNik.terverifikasi_pada)).where(
            col(VerifikasiNik.tenant_id) == bindparam("tenant"),
            col(VerifikasiNik.akun_id) == bindparam("akun_id"),
        )
    )


class PermohonanRepository(RepositoryBase[Permohonan]):
    model = Permohonan
    not_found = "Permohonan tidak ditemukan"

    def of_pemohon(self, pemohon_id: object) -> Select[tuple[Permohonan]]:
        return (
            self.base_statement()
            .where(col(Permohonan.pemohon_id) == pemohon_id)
            .order_by(col(Permohonan.id).desc())
        )

    def listing(
        self, *, status: str | None, jenis: str | None, urut: Urutan = "terbaru"
    ) -> Select[tuple[Permohonan]]:
        # Newest first, or the nearest due date first (the kit's inbox order and indexes).
        stmt = in_order(
            self.base_statement().where(col(Permohonan.status) != "DRAF"), Permohonan, urut, status=status
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
