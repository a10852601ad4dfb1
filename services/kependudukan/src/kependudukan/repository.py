from __future__ import annotations

from functools import cache
from typing import Any, Literal
from uuid import UUID

from puja_kit.baca import Query, compile_query
from puja_kit.db import new_id
from puja_kit.repository import LIKE_ESCAPE, CursorParams, RepositoryBase, contains_pattern
from puja_kit.workflow.models import Urutan, in_order
from sqlalchemy import and_, bindparam, null, select, tuple_
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

    def search(
        self, *, q: str | None, kode_wilayah: str | None, status: str | None
    ) -> Select[tuple[Penduduk]]:
        # Ordered by ix_penduduk_nama (tenant_id, nama, nik): a page, however deep, reads its own rows.
        stmt = self.base_statement().order_by(col(Penduduk.nama), col(Penduduk.nik))
        if q and q.isdigit():
            # Digits are a NIK: the (tenant_id, nik) index, not a scan of the names (a name with
            # digits in it is not found by its digits alone).
            stmt = stmt.where(col(Penduduk.nik) == q)
        elif q:
            stmt = stmt.where(col(Penduduk.nama).ilike(contains_pattern(q), escape=LIKE_ESCAPE))
        if kode_wilayah:
            stmt = stmt.where(col(Penduduk.kode_wilayah).startswith(kode_wilayah, autoescape=True))
        if status:
            stmt = stmt.where(col(Penduduk.status) == status)
        return stmt

    async def search_page(
        self, *, q: str | None, kode_wilayah: str | None, status: str | None, page: CursorParams
    ) -> tuple[list[Penduduk], str | None]:
        """The staff search's page; a name fragment is checked on the name index before rows are read."""
        stmt = self.search(q=q, kode_wilayah=kode_wilayah, status=status)
        return await self.keyset(stmt, page, keys_first=bool(q) and not (q or "").isdigit())


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


SearchKind = Literal["nik", "nama"] | None


@cache
def penduduk_page_query(*, q: SearchKind, kode_wilayah: bool, status: bool, after: bool) -> Query:
    """The staff search's keyset page for the read path (puja_kit.baca), one statement per shape:
    `PendudukRepository.search`'s conditions and (nama, nik) order, rows after the cursor's key
    (`after_nama`, `after_nik`), `limit` rows (one more than the page). Parameters: `tenant`, `q`
    (a NIK, or a contains pattern), `kode_wilayah` (a prefix pattern), `status`.

    A name fragment goes keys first, as `search_page` does: the page's (nama, nik) from the name index
    (the ILIKE checked on the index, no table row read for a name that does not match), then their
    rows by NIK, in one statement."""

    def page(stmt: Select[Any]) -> Select[Any]:
        stmt = stmt.where(col(Penduduk.tenant_id) == bindparam("tenant"))
        if q == "nik":
            stmt = stmt.where(col(Penduduk.nik) == bindparam("q"))
        elif q == "nama":
            stmt = stmt.where(col(Penduduk.nama).ilike(bindparam("q"), escape=LIKE_ESCAPE))
        if kode_wilayah:
            stmt = stmt.where(col(Penduduk.kode_wilayah).like(bindparam("kode_wilayah"), escape=LIKE_ESCAPE))
        if status:
            stmt = stmt.where(col(Penduduk.status) == bindparam("status"))
        if after:
            key = tuple_(col(Penduduk.nama), col(Penduduk.nik))
            stmt = stmt.where(key > tuple_(bindparam("after_nama"), bindparam("after_nik")))
        return stmt.order_by(col(Penduduk.nama), col(Penduduk.nik)).limit(bindparam("limit"))

    if q != "nama":
        return compile_query(page(select(*_penduduk_read_columns())))
    keys = page(select(col(Penduduk.nama), col(Penduduk.nik))).subquery("halaman")
    return compile_query(
        select(*_penduduk_read_columns())
        .join_from(
            keys,
            Penduduk,
            and_(col(Penduduk.tenant_id) == bindparam("tenant"), col(Penduduk.nik) == keys.c.nik),
        )
        .order_by(keys.c.nama, keys.c.nik)
    )


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
