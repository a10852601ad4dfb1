"""The rental's tables: machines, the region's daily tariff per kind, bookings and their history.

Two bookings of one machine in DISETUJUI, DIBAYAR or DIPAKAI never share a day: an exclusion constraint
(btree_gist) says so in the database, so concurrent approvals cannot both pass a check in the code."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, TimestampedModel, timestamp_column
from sqlalchemy import BigInteger, Index, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlmodel import Field

from pekerjaan_umum.models import Base

# The states in which a booking holds its machine's days.
MENAHAN = ("DISETUJUI", "DIBAYAR", "DIPAKAI")
EXCLUSION = "ex_pemesanan_alat_tanpa_tumpang_tindih"


class Alat(IdModel, TenantModel, TimestampedModel, Base, table=True):
    __tablename__ = "alat"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nomor"),
        Index("ix_alat_daerah_nama", "tenant_id", "nama", "id"),
    )

    nama: str = Field(max_length=200)
    jenis: str = Field(max_length=30)  # excavator, motor_grader, vibro_roller, dump_truck, ...
    nomor: str = Field(max_length=40)  # the plate or the serial number
    status: str = Field(default="TERSEDIA", max_length=20)  # TERSEDIA, PERAWATAN


class Tarif(TenantModel, TimestampedModel, Base, table=True):
    """The daily tariff of a kind of machine, as the region's Perda retribusi sets it."""

    __tablename__ = "tarif_alat"

    tenant_id: str = Field(primary_key=True, max_length=13)
    jenis: str = Field(primary_key=True, max_length=30)
    tarif_harian: int = Field(sa_type=BigInteger)
    dasar_hukum: str | None = Field(default=None, max_length=300)


class Pemesanan(IdModel, TenantModel, TimestampedModel, Base, table=True):
    __tablename__ = "pemesanan_alat"
    __table_args__ = (
        ExcludeConstraint(
            (text("tenant_id"), "="),
            (text("alat_id"), "="),
            (func.daterange(text("mulai"), text("selesai"), text("'[]'")), "&&"),
            name=EXCLUSION,
            using="gist",
            where=text("status IN ('DISETUJUI', 'DIBAYAR', 'DIPAKAI')"),
        ),
        Index("ix_pemesanan_daerah_id", "tenant_id", "id"),
        Index("ix_pemesanan_daerah_status_id", "tenant_id", "status", "id"),
        Index("ix_pemesanan_alat_tanggal", "tenant_id", "alat_id", "mulai", "selesai"),
    )

    alat_id: UUID = Field(foreign_key="alat.id")
    pemohon_id: UUID = Field(index=True)
    pemohon_nama: str = Field(max_length=200)
    # Booked by the staff for an OPD of the region (then no citizen is the applicant).
    opd_nama: str | None = Field(default=None, max_length=200)
    mulai: date
    selesai: date  # inclusive
    hari: int
    tarif_harian: int = Field(sa_type=BigInteger)
    biaya: int = Field(sa_type=BigInteger)
    keperluan: str = Field(max_length=2000)
    lokasi: str = Field(max_length=300)
    laporan_id: UUID | None = Field(default=None, index=True)
    status: str = Field(default="DIAJUKAN", max_length=20)
    referensi_bayar: str | None = Field(default=None, max_length=100)
    alasan: str | None = Field(default=None, max_length=2000)
    diajukan_at: datetime = timestamp_column()


class PemesananRiwayat(IdModel, TenantModel, Base, table=True):
    __tablename__ = "pemesanan_alat_riwayat"

    pemesanan_id: UUID = Field(foreign_key="pemesanan_alat.id", index=True)
    dari: str | None = Field(default=None, max_length=20)
    ke: str = Field(max_length=20)
    aksi: str = Field(max_length=30)
    actor_id: UUID
    actor_role: str = Field(max_length=20)
    catatan: str | None = Field(default=None, max_length=2000)
    waktu: datetime = timestamp_column()
