"""The inventory's tables: one `aset` table for the three kinds (a road segment, a bridge, a drainage
channel), its surveys, and the projects with the assets they work on and their progress reports."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, TimestampedModel, timestamp_column
from sqlalchemy import BigInteger, Column, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field

from pekerjaan_umum.models import Base


class Aset(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """An item of the inventory. Its `kondisi` is the condition of the survey with the latest date
    (kept here when a survey is recorded, so lists and the summary read one row per item)."""

    __tablename__ = "aset"
    __table_args__ = (
        # A road segment's number is unique in its region (SK Bupati); the others have none.
        UniqueConstraint("tenant_id", "nomor_ruas"),
        Index("ix_aset_daerah_nama", "tenant_id", "nama", "id"),
        Index("ix_aset_daerah_jenis_nama", "tenant_id", "jenis", "nama", "id"),
        Index("ix_aset_kecamatan", "kecamatan", postgresql_using="gin"),
    )

    jenis: str = Field(max_length=20)  # ruas_jalan, jembatan, drainase
    nama: str = Field(max_length=200)
    nomor_ruas: str | None = Field(default=None, max_length=30)
    # Road segments in km (as the decree lists them); bridges and channels in metres.
    panjang_km: float | None = None
    panjang_m: float | None = None
    lebar_m: float | None = None
    tipe: str = Field(max_length=30)  # the road's surface, the bridge's or the channel's construction
    # The kecamatan (kode wilayah, 8 characters) a road runs through; the one a bridge or channel is in.
    kecamatan: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(13)), nullable=False))
    ruas_id: UUID | None = Field(default=None, foreign_key="aset.id", index=True)
    kondisi: str | None = Field(default=None, max_length=20)
    kondisi_tanggal: date | None = None


class AsetSurvei(IdModel, TenantModel, Base, table=True):
    """One condition survey of an item; surveys may be entered late, out of date order."""

    __tablename__ = "aset_survei"
    __table_args__ = (Index("ix_aset_survei_urut", "aset_id", "tanggal", "dicatat_at"),)

    aset_id: UUID = Field(foreign_key="aset.id")
    tanggal: date
    kondisi: str = Field(max_length=20)
    catatan: str | None = Field(default=None, max_length=2000)
    surveyor: str = Field(max_length=200)
    dicatat_oleh: UUID
    dicatat_at: datetime = timestamp_column()


class Proyek(IdModel, TenantModel, TimestampedModel, Base, table=True):
    __tablename__ = "proyek"
    __table_args__ = (Index("ix_proyek_daerah_id", "tenant_id", "id"),)

    nama: str = Field(max_length=200)
    uraian: str | None = Field(default=None, max_length=2000)
    anggaran: int = Field(sa_type=BigInteger)  # rupiah
    kontraktor: str | None = Field(default=None, max_length=200)
    mulai: date
    selesai: date
    status: str = Field(default="RENCANA", max_length=20)
    # The latest progress report's figures (by its date).
    persen_fisik: float = 0
    persen_keuangan: float = 0
    progres_tanggal: date | None = None


class ProyekAset(TenantModel, Base, table=True):
    __tablename__ = "proyek_aset"

    proyek_id: UUID = Field(foreign_key="proyek.id", primary_key=True)
    aset_id: UUID = Field(foreign_key="aset.id", primary_key=True, index=True)


class ProyekProgres(IdModel, TenantModel, Base, table=True):
    __tablename__ = "proyek_progres"
    __table_args__ = (Index("ix_proyek_progres_urut", "proyek_id", "tanggal", "dicatat_at"),)

    proyek_id: UUID = Field(foreign_key="proyek.id")
    tanggal: date
    persen_fisik: float
    persen_keuangan: float
    catatan: str | None = Field(default=None, max_length=2000)
    # A report lower than the one before: a correction, its note required.
    koreksi: bool = False
    dicatat_oleh: UUID
    dicatat_at: datetime = timestamp_column()
