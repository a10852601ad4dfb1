"""Permit types, applications with their history and documents, and the permits issued."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, TimestampedModel, service_registry
from puja_kit.workflow import PermohonanBase, RiwayatBase
from puja_kit.workflow.dokumen import DokumenBase
from puja_kit.workflow.models import inbox_indexes
from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class JenisIzin(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A kind of permit a region issues (OSS-RBA: KBLI 2020 and risk level decide what is needed)."""

    __tablename__ = "jenis_izin"
    __table_args__ = (UniqueConstraint("tenant_id", "nama"),)

    nama: str = Field(max_length=200)
    kbli: str = Field(max_length=5, index=True)
    tingkat_risiko: str = Field(max_length=20)  # rendah | menengah_rendah | menengah_tinggi | tinggi
    sla_hari: int
    dokumen_wajib: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    masa_berlaku_tahun: int | None = None  # None: berlaku selama usaha berjalan
    biaya: int = 0  # rupiah
    aktif: bool = True


class Permohonan(PermohonanBase, Base, table=True):
    """A citizen's application for one permit; its status only moves through the PERMOHONAN workflow."""

    __tablename__ = "permohonan"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nomor"),
        # The staff list, newest first, all or by status (keyset on id).
        Index("ix_permohonan_daerah_id", "tenant_id", "id"),
        Index("ix_permohonan_daerah_status_id", "tenant_id", "status", "id"),
        # The operators' inbox, nearest due date first (urut=sla).
        *inbox_indexes("permohonan"),
    )

    jenis_izin_id: UUID = Field(foreign_key="jenis_izin.id", index=True)
    pemohon_nama: str = Field(max_length=200)
    nama_usaha: str = Field(max_length=200)
    alamat_usaha: str = Field(max_length=500)
    kode_wilayah: str = Field(max_length=13)
    kode_wilayah_edisi: str = Field(max_length=60)
    nib: str | None = Field(default=None, max_length=13)
    # Set when kependudukan reports the applicant's death; the status is left for an officer to decide.
    pemohon_meninggal: bool = False


class PermohonanRiwayat(RiwayatBase, Base, table=True):
    __tablename__ = "permohonan_riwayat"

    permohonan_id: UUID = Field(foreign_key="permohonan.id", index=True)


class PermohonanDokumen(DokumenBase, Base, table=True):
    """An uploaded document; a newer upload of the same jenis replaces it but the row stays."""

    __tablename__ = "permohonan_dokumen"

    permohonan_id: UUID = Field(foreign_key="permohonan.id", index=True)


class Izin(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """An issued permit: what was granted, to whom, until when, and the code anyone can check it by."""

    __tablename__ = "izin"
    __table_args__ = (
        # Named by hand: the kit's convention names a constraint after its first column only, and both
        # of these start with tenant_id.
        UniqueConstraint("tenant_id", "nomor_izin", name="uq_izin_tenant_id_nomor_izin"),
        UniqueConstraint("tenant_id", "tahun", "urutan", name="uq_izin_tenant_id_tahun_urutan"),
    )

    permohonan_id: UUID = Field(foreign_key="permohonan.id", unique=True)
    jenis_izin_id: UUID = Field(foreign_key="jenis_izin.id", index=True)
    nomor_izin: str = Field(max_length=40)
    tahun: int
    urutan: int
    jenis_izin_nama: str = Field(max_length=200)
    kbli: str = Field(max_length=5)
    tingkat_risiko: str = Field(max_length=20)
    nama_usaha: str = Field(max_length=200)
    alamat_usaha: str = Field(max_length=500)
    nib: str | None = Field(default=None, max_length=13)
    pemegang_id: UUID = Field(index=True)
    pemegang_nik: str = Field(max_length=16, index=True)
    pemegang_nama: str = Field(max_length=200)
    tanggal_terbit: date
    berlaku_sampai: date | None = None
    kode_verifikasi: str = Field(max_length=20, unique=True)
    status: str = Field(default="BERLAKU", max_length=12)  # BERLAKU | DICABUT
    dicabut_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    alasan_cabut: str | None = Field(default=None, sa_type=Text)
