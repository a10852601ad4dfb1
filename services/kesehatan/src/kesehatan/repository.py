from __future__ import annotations

from datetime import date
from functools import cache
from typing import TypeVar
from uuid import UUID

from puja_kit.baca import Query, compile_query
from puja_kit.repository import LIKE_ESCAPE, RepositoryBase
from sqlalchemy import ColumnElement, Float, Integer, and_, any_, bindparam, func, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, insert
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import col

from kesehatan.models import (
    DIBATALKAN,
    DILAYANI,
    DIPANGGIL,
    STATUS_AKTIF,
    TERDAFTAR,
    Antrian,
    AntrianHari,
    Fasilitas,
    JadwalPraktik,
    Poli,
)

EARTH_RADIUS_KM = 6371.0
T = TypeVar("T", bound=tuple)  # type: ignore[type-arg]


def distance_km(lat: float | ColumnElement[float], lon: float | ColumnElement[float]) -> ColumnElement[float]:
    """Great-circle (haversine) distance from (lat, lon) to a facility, in SQL; NULL without coordinates."""
    lat1, lon1 = func.radians(lat), func.radians(lon)
    lat2, lon2 = func.radians(col(Fasilitas.latitude)), func.radians(col(Fasilitas.longitude))
    a = func.power(func.sin((lat2 - lat1) / 2), 2) + func.cos(lat1) * func.cos(lat2) * func.power(
        func.sin((lon2 - lon1) / 2), 2
    )
    distance: ColumnElement[float] = 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(func.least(1.0, a)))
    return distance


class FasilitasRepository(RepositoryBase[Fasilitas]):
    model = Fasilitas
    not_found = "Fasilitas kesehatan tidak ditemukan di daerah ini."

    async def by_nama(self, nama: str) -> Fasilitas | None:
        stmt = self.base_statement().where(func.lower(col(Fasilitas.nama)) == nama.lower())
        return (await self.session.scalars(stmt)).first()

    async def many(self, ids: list[UUID]) -> dict[UUID, Fasilitas]:
        if not ids:
            return {}
        stmt = self.base_statement().where(col(Fasilitas.id).in_(ids))
        return {row.id: row for row in await self.session.scalars(stmt)}


def _directory_filters(
    stmt: Select[T], *, jenis: bool, igd: bool, kode_wilayah: bool, q: bool, aktif: bool
) -> Select[T]:
    stmt = stmt.where(col(Fasilitas.tenant_id) == bindparam("tenant"))
    if jenis:
        stmt = stmt.where(col(Fasilitas.jenis) == bindparam("jenis"))
    if igd:
        stmt = stmt.where(col(Fasilitas.igd) == bindparam("igd"))
    if kode_wilayah:
        stmt = stmt.where(col(Fasilitas.kode_wilayah).like(bindparam("kode_wilayah"), escape=LIKE_ESCAPE))
    if q:
        pattern: BindParameter[str] = bindparam("q")
        stmt = stmt.where(
            or_(
                col(Fasilitas.nama).ilike(pattern, escape=LIKE_ESCAPE),
                col(Fasilitas.alamat).ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    if aktif:
        stmt = stmt.where(col(Fasilitas.aktif) == bindparam("aktif"))
    return stmt


@cache
def fasilitas_page_query(
    *, jenis: bool, igd: bool, kode_wilayah: bool, q: bool, aktif: bool, near: bool
) -> Query:
    """The public directory's page for the read path (puja_kit.baca), one statement per shape (which
    filters are given): the directory's conditions and order (nearest first with lat/lon, else by name) with bound parameters
    (`tenant`, `jenis`, `igd`, `kode_wilayah` (a prefix pattern), `q` (a contains pattern), `aktif`,
    `lat`, `lon`, `offset`, `limit`), FasilitasRead's columns in its order, and on each row the
    list's `total` (a window over the filtered rows: the page and its count in one statement)."""
    stmt = select(
        col(Fasilitas.id),
        col(Fasilitas.jenis),
        col(Fasilitas.nama),
        col(Fasilitas.alamat),
        col(Fasilitas.kode_wilayah),
        col(Fasilitas.nama_wilayah),
        col(Fasilitas.latitude),
        col(Fasilitas.longitude),
        col(Fasilitas.telepon),
        col(Fasilitas.igd),
        col(Fasilitas.jam_buka),
        col(Fasilitas.aktif),
        col(Fasilitas.updated_at).label("diperbarui"),
        func.count().over().label("total"),
    )
    stmt = _directory_filters(stmt, jenis=jenis, igd=igd, kode_wilayah=kode_wilayah, q=q, aktif=aktif)
    if near:
        lat, lon = bindparam("lat", type_=Float), bindparam("lon", type_=Float)
        stmt = stmt.order_by(distance_km(lat, lon).asc().nulls_last(), col(Fasilitas.nama))
    else:
        stmt = stmt.order_by(col(Fasilitas.nama))
    return compile_query(stmt.offset(bindparam("offset")).limit(bindparam("limit")))


@cache
def fasilitas_count_query(*, jenis: bool, igd: bool, kode_wilayah: bool, q: bool, aktif: bool) -> Query:
    """The directory's total alone, for a page past its end (no row there carries it)."""
    stmt = select(func.count().label("total")).select_from(Fasilitas)
    return compile_query(
        _directory_filters(stmt, jenis=jenis, igd=igd, kode_wilayah=kode_wilayah, q=q, aktif=aktif)
    )


@cache
def direktori_poli_query() -> Query:
    """The poli of a directory page's facilities, for the read path, in one statement: one row per
    schedule (a poli without one: one row with the schedule's columns NULL), each with its poli's
    queue of the day counted (`menunggu`, `dilayani`, `terpakai` (all but cancelled), the number last
    called and the queue's last change; NULL without a booking that day). Bound: `tenant`, `ids` (the
    facilities' ids, a list), `tanggal`. Ordered as the facility profile orders them: poli by name,
    schedules by day and start."""
    day = (
        select(
            col(Antrian.poli_id).label("poli_id"),
            func.count().filter(col(Antrian.status) == TERDAFTAR).label("menunggu"),
            func.count().filter(col(Antrian.status) == DILAYANI).label("dilayani"),
            func.count().filter(col(Antrian.status) != DIBATALKAN).label("terpakai"),
            type_coerce(
                func.array_agg(
                    aggregate_order_by(col(Antrian.nomor), col(Antrian.updated_at).desc(), col(Antrian.nomor))
                ).filter(col(Antrian.status) == DIPANGGIL),
                ARRAY(Integer),
            )[1].label("dipanggil"),
            func.max(col(Antrian.updated_at)).label("antrian_diperbarui"),
        )
        .where(
            col(Antrian.tenant_id) == bindparam("tenant"),
            col(Antrian.fasilitas_id) == any_(bindparam("ids")),
            col(Antrian.tanggal) == bindparam("tanggal"),
        )
        .group_by(col(Antrian.poli_id))
        .subquery("hari")
    )
    stmt = (
        select(
            col(Poli.id),
            col(Poli.fasilitas_id),
            col(Poli.nama),
            col(Poli.kode),
            col(JadwalPraktik.id).label("jadwal_id"),
            col(JadwalPraktik.hari),
            col(JadwalPraktik.jam_mulai),
            col(JadwalPraktik.jam_selesai),
            col(JadwalPraktik.tenaga),
            col(JadwalPraktik.kuota),
            day.c.menunggu,
            day.c.dilayani,
            day.c.terpakai,
            day.c.dipanggil,
            day.c.antrian_diperbarui,
        )
        .select_from(Poli)
        .outerjoin(
            JadwalPraktik,
            and_(
                col(JadwalPraktik.poli_id) == col(Poli.id),
                col(JadwalPraktik.tenant_id) == col(Poli.tenant_id),
            ),
        )
        .outerjoin(day, day.c.poli_id == col(Poli.id))
        .where(col(Poli.tenant_id) == bindparam("tenant"), col(Poli.fasilitas_id) == any_(bindparam("ids")))
        .order_by(
            col(Poli.nama),
            col(Poli.id),
            col(JadwalPraktik.hari),
            col(JadwalPraktik.jam_mulai),
            col(JadwalPraktik.id),
        )
    )
    return compile_query(stmt)


class PoliRepository(RepositoryBase[Poli]):
    model = Poli
    not_found = "Poli tidak ditemukan di daerah ini."

    async def of_fasilitas(self, fasilitas_id: UUID) -> list[Poli]:
        stmt = self.base_statement().where(col(Poli.fasilitas_id) == fasilitas_id).order_by(col(Poli.nama))
        return list((await self.session.scalars(stmt)).all())

    async def by_nama(self, fasilitas_id: UUID, nama: str) -> Poli | None:
        stmt = self.base_statement().where(
            col(Poli.fasilitas_id) == fasilitas_id, func.lower(col(Poli.nama)) == nama.lower()
        )
        return (await self.session.scalars(stmt)).first()

    async def many(self, ids: list[UUID]) -> dict[UUID, Poli]:
        if not ids:
            return {}
        stmt = self.base_statement().where(col(Poli.id).in_(ids))
        return {row.id: row for row in await self.session.scalars(stmt)}


class JadwalRepository(RepositoryBase[JadwalPraktik]):
    model = JadwalPraktik
    not_found = "Jadwal praktik tidak ditemukan di daerah ini."

    async def of_poli(self, poli_ids: list[UUID]) -> list[JadwalPraktik]:
        if not poli_ids:
            return []
        stmt = (
            self.base_statement()
            .where(col(JadwalPraktik.poli_id).in_(poli_ids))
            .order_by(col(JadwalPraktik.hari), col(JadwalPraktik.jam_mulai))
        )
        return list((await self.session.scalars(stmt)).all())

    async def on_day(self, poli_id: UUID, hari: int) -> list[JadwalPraktik]:
        stmt = self.base_statement().where(
            col(JadwalPraktik.poli_id) == poli_id, col(JadwalPraktik.hari) == hari
        )
        return list((await self.session.scalars(stmt)).all())

    async def remove(self, jadwal: JadwalPraktik) -> None:
        await self.session.delete(jadwal)


class AntrianHariRepository(RepositoryBase[AntrianHari]):
    model = AntrianHari

    async def lock(self, poli_id: UUID, tanggal: date) -> AntrianHari:
        """The day's counter row, created if missing, locked until the transaction ends: bookings for
        the same poli and day take their numbers one after another."""
        assert self.tenant_id is not None
        await self.session.execute(
            insert(AntrianHari)
            .values(tenant_id=self.tenant_id, poli_id=poli_id, tanggal=tanggal, terakhir=0)
            .on_conflict_do_nothing()
        )
        stmt = (
            self.base_statement()
            .where(col(AntrianHari.poli_id) == poli_id, col(AntrianHari.tanggal) == tanggal)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).one()


class AntrianRepository(RepositoryBase[Antrian]):
    model = Antrian
    not_found = "Antrian tidak ditemukan."

    async def count_taken(self, poli_id: UUID, tanggal: date) -> int:
        """Numbers that still hold a place in the day's quota (all but cancelled ones)."""
        stmt = self.base_statement().where(
            col(Antrian.poli_id) == poli_id,
            col(Antrian.tanggal) == tanggal,
            col(Antrian.status) != DIBATALKAN,
        )
        return int(await self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)

    async def active_of(self, poli_id: UUID, tanggal: date, nik: str) -> Antrian | None:
        stmt = self.base_statement().where(
            col(Antrian.poli_id) == poli_id,
            col(Antrian.tanggal) == tanggal,
            col(Antrian.pasien_nik) == nik,
            col(Antrian.status).in_(STATUS_AKTIF),
        )
        return (await self.session.scalars(stmt)).first()

    def _newest_first(self, stmt: Select[tuple[Antrian]]) -> Select[tuple[Antrian]]:
        return stmt.order_by(col(Antrian.tanggal).desc(), col(Antrian.created_at).desc()).limit(100)

    async def of_pasien(self, pasien_id: UUID) -> list[Antrian]:
        """A citizen's own bookings, by their account."""
        stmt = self._newest_first(self.base_statement().where(col(Antrian.pasien_id) == pasien_id))
        return list((await self.session.scalars(stmt)).all())

    async def of_nik(self, nik: str) -> list[Antrian]:
        stmt = self._newest_first(self.base_statement().where(col(Antrian.pasien_nik) == nik))
        return list((await self.session.scalars(stmt)).all())

    async def own(self, antrian_id: UUID, pasien_id: UUID) -> Antrian | None:
        """A booking only if it belongs to this account, locked for the change."""
        stmt = self.base_statement().where(col(Antrian.id) == antrian_id, col(Antrian.pasien_id) == pasien_id)
        return (await self.session.scalars(stmt.with_for_update())).first()

    async def for_update(self, antrian_id: UUID) -> Antrian | None:
        stmt = self.base_statement().where(col(Antrian.id) == antrian_id).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def waiting_before(self, row: Antrian) -> int:
        """How many still wait with a lower number in the same poli on the same day."""
        stmt = self.base_statement().where(
            col(Antrian.poli_id) == row.poli_id,
            col(Antrian.tanggal) == row.tanggal,
            col(Antrian.status) == TERDAFTAR,
            col(Antrian.nomor) < row.nomor,
        )
        return int(await self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)

    async def of_day(self, poli_id: UUID, tanggal: date) -> list[Antrian]:
        stmt = (
            self.base_statement()
            .where(col(Antrian.poli_id) == poli_id, col(Antrian.tanggal) == tanggal)
            .order_by(col(Antrian.nomor))
        )
        return list((await self.session.scalars(stmt)).all())

    async def waiting_from(self, nik: str, tanggal: date) -> list[Antrian]:
        """A person's bookings on or after `tanggal` that nobody has called yet, locked for the change."""
        stmt = (
            self.base_statement()
            .where(
                col(Antrian.pasien_nik) == nik,
                col(Antrian.tanggal) >= tanggal,
                col(Antrian.status) == TERDAFTAR,
            )
            .with_for_update()
        )
        return list((await self.session.scalars(stmt)).all())
