from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, TimestampedModel, service_registry, timestamp_column
from puja_kit.workflow import PermohonanBase, RiwayatBase
from puja_kit.workflow.dokumen import DokumenBase
from puja_kit.workflow.models import inbox_indexes
from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Penduduk(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A resident's record as the region holds it (SIAK stays the national source of truth)."""

    __tablename__ = "penduduk"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nik"),
        Index("ix_penduduk_kk", "tenant_id", "no_kk"),
        # The staff list's order (nama, nik): a keyset page reads its own rows, at 10k or 1M.
        Index("ix_penduduk_nama", "tenant_id", "nama", "nik"),
    )

    nik: str = Field(max_length=16)
    no_kk: str = Field(max_length=16)
    nama: str = Field(max_length=200)
    tempat_lahir: str = Field(max_length=100)
    tanggal_lahir: date
    jenis_kelamin: str = Field(max_length=1)  # L | P
    alamat: str = Field(max_length=300)
    rt: str | None = Field(default=None, max_length=3)
    rw: str | None = Field(default=None, max_length=3)
    kode_wilayah: str = Field(max_length=13)  # desa/kelurahan
    # Never shown to citizens: with the KK number it proves that a NIK is one's own (it is not on a KTP).
    nama_ibu: str | None = Field(default=None, max_length=200)
    status: str = Field(default="HIDUP", max_length=12)  # HIDUP | MENINGGAL | PINDAH
    tanggal_meninggal: date | None = None
    versi: int = 1


class PendudukKata(TenantModel, Base, table=True):
    """A key of a resident's name (kependudukan.kata.keys: a word, or two), for the staff search by name.

    Written by triggers on penduduk (migration `kata_nama`), never by the code: every write path (the
    ORM, the importer's COPY, a consumer, SQL by hand) keeps it in step."""

    __tablename__ = "penduduk_kata"

    # The primary key (tenant_id, kata, nama, nik) is the search's only index: one key's residents in
    # name order are a range of it, and the triggers find a record's rows by its keys and name.
    tenant_id: str = Field(primary_key=True, max_length=13)
    kata: str = Field(primary_key=True, max_length=200)  # a word, or two words joined by a space
    nama: str = Field(primary_key=True, max_length=200)
    nik: str = Field(primary_key=True, max_length=16)


class VerifikasiNik(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A citizen account's proof that its NIK is the holder's own, and the attempts towards it."""

    __tablename__ = "verifikasi_nik"
    __table_args__ = (
        UniqueConstraint("tenant_id", "akun_id"),
        # One account per NIK may hold the proof.
        Index(
            "uq_verifikasi_nik_terverifikasi",
            "tenant_id",
            "nik",
            unique=True,
            postgresql_where=text("terverifikasi_pada IS NOT NULL"),
        ),
    )

    akun_id: UUID
    nik: str = Field(max_length=16)
    gagal: int = 0  # failed self-service attempts since the last lock
    terkunci_sampai: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    kode_loket: str | None = Field(default=None, max_length=12)
    kode_berlaku_sampai: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    terverifikasi_pada: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    metode: str | None = Field(default=None, max_length=10)  # MANDIRI | LOKET
    petugas_id: UUID | None = None  # the operator who checked the KTP at the counter


class Permohonan(PermohonanBase, Base, table=True):
    __tablename__ = "permohonan"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nomor"),
        # The staff list, newest first, all or by status (keyset on id).
        Index("ix_permohonan_daerah_id", "tenant_id", "id"),
        Index("ix_permohonan_daerah_status_id", "tenant_id", "status", "id"),
        # The operators' inbox, nearest SLA due date first: the open ones, or one status.
        *inbox_indexes("permohonan"),
    )

    jenis: str = Field(max_length=30)
    subjek_nik: str = Field(index=True, max_length=16)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    nomor_dokumen: str | None = Field(default=None, max_length=60)


class Riwayat(RiwayatBase, Base, table=True):
    __tablename__ = "riwayat_permohonan"

    permohonan_id: UUID = Field(foreign_key="permohonan.id", index=True)


class Dokumen(DokumenBase, Base, table=True):
    """A scan attached to an application; a newer upload of the same jenis replaces it but the row stays."""

    __tablename__ = "dokumen"

    permohonan_id: UUID = Field(foreign_key="permohonan.id", index=True)


class Impor(IdModel, TenantModel, Base, table=True):
    """A bulk population import and its progress."""

    __tablename__ = "impor"

    nama_berkas: str = Field(max_length=200)
    status: str = Field(default="BERJALAN", max_length=12)  # BERJALAN | SELESAI | GAGAL
    diproses: int = 0
    berhasil: int = 0
    ditolak: int = 0
    pesan: str | None = Field(default=None, sa_column=Column(Text))
    mulai: datetime = timestamp_column()
    selesai: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ImporDitolak(IdModel, TenantModel, Base, table=True):
    """A rejected row of an import, with its reasons (the first rows only, to bound storage)."""

    __tablename__ = "impor_ditolak"

    impor_id: UUID = Field(foreign_key="impor.id", index=True)
    baris: int
    nik: str | None = Field(default=None, max_length=40)
    alasan: str = Field(sa_column=Column(Text, nullable=False))
