"""Health facilities of a region, their clinics (poli) and practice schedules, and the queue bookings."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, TimestampedModel, service_registry
from sqlalchemy import CheckConstraint, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# Queue booking states (TERDAFTAR -> DIPANGGIL -> DILAYANI | TIDAK_HADIR; DIBATALKAN before a call).
TERDAFTAR = "TERDAFTAR"
DIPANGGIL = "DIPANGGIL"
DILAYANI = "DILAYANI"
TIDAK_HADIR = "TIDAK_HADIR"
DIBATALKAN = "DIBATALKAN"
# A citizen holds at most one of these per poli per day.
STATUS_AKTIF = (TERDAFTAR, DIPANGGIL)


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Fasilitas(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A puskesmas, clinic or hospital in the region's public directory."""

    __tablename__ = "fasilitas"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nama"),
        CheckConstraint("jenis IN ('puskesmas', 'klinik', 'rumah_sakit')", name="jenis"),
    )

    jenis: str = Field(max_length=20)
    nama: str = Field(max_length=200)
    alamat: str = Field(max_length=300)
    kode_wilayah: str = Field(index=True, max_length=13)
    nama_wilayah: str = Field(max_length=200)
    edisi_kode: str = Field(max_length=60)
    latitude: float | None = None
    longitude: float | None = None
    telepon: str | None = Field(default=None, max_length=30)
    igd: bool = False
    jam_buka: str | None = Field(default=None, max_length=200)
    aktif: bool = True


class Poli(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A clinic inside a facility (poli umum, gigi, KIA ...); `kode` prefixes its queue numbers."""

    __tablename__ = "poli"
    __table_args__ = (UniqueConstraint("fasilitas_id", "nama"),)

    fasilitas_id: UUID = Field(foreign_key="fasilitas.id", index=True)
    nama: str = Field(max_length=100)
    kode: str = Field(max_length=4)


class JadwalPraktik(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A weekly practice session of a poli: weekday (Monday=0), hours, who practises, daily quota."""

    __tablename__ = "jadwal_praktik"
    __table_args__ = (
        CheckConstraint("hari BETWEEN 0 AND 6", name="hari"),
        CheckConstraint("jam_mulai < jam_selesai", name="jam"),
        CheckConstraint("kuota > 0", name="kuota"),
    )

    poli_id: UUID = Field(foreign_key="poli.id", index=True)
    hari: int
    jam_mulai: time
    jam_selesai: time
    tenaga: str = Field(max_length=200)
    kuota: int


class AntrianHari(TenantModel, Base, table=True):
    """The last number given out for one poli on one day: the row bookings lock to number in turn."""

    __tablename__ = "antrian_hari"

    poli_id: UUID = Field(foreign_key="poli.id", primary_key=True)
    tanggal: date = Field(primary_key=True)
    terakhir: int = 0


class Antrian(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A citizen's queue number at a poli for one day. Never deleted: a cancellation keeps the row."""

    __tablename__ = "antrian"
    __table_args__ = (
        UniqueConstraint("poli_id", "tanggal", "nomor"),
        # The database's own guard for "one active booking per citizen per poli per day".
        Index(
            "uq_antrian_pasien_aktif",
            "poli_id",
            "tanggal",
            "pasien_nik",
            unique=True,
            postgresql_where=text("status IN ('TERDAFTAR', 'DIPANGGIL')"),
        ),
    )

    poli_id: UUID = Field(foreign_key="poli.id", index=True)
    fasilitas_id: UUID = Field(foreign_key="fasilitas.id", index=True)
    tanggal: date = Field(index=True)
    nomor: int
    status: str = Field(default=TERDAFTAR, index=True, max_length=20)
    pasien_id: UUID = Field(index=True)
    pasien_nik: str = Field(index=True, max_length=16)
    pasien_nama: str = Field(max_length=200)
    alasan_batal: str | None = Field(default=None, max_length=300)
    dipanggil_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    selesai_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
