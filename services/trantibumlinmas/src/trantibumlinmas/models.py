"""Trantibumlinmas' tables: linmas posts, early warnings as a chain of versions (each one CAP message),
each post's acknowledgement of a version, and the citizens' reports of public-order problems on the
kit's report lifecycle (`puja_kit.workflow.laporan`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, TimestampedModel, service_registry, timestamp_column
from puja_kit.workflow.aduan_models import (
    AduanRiwayatBase,
    AturanKategoriBase,
    LaporanBase,
    LaporanFotoBase,
    laporan_indexes,
)
from sqlalchemy import Column, DateTime, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class PosLinmas(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A linmas post of a desa/kelurahan: the place a warning for its area must reach."""

    __tablename__ = "pos_linmas"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nama"),
        Index("ix_pos_linmas_tenant_wilayah", "tenant_id", "kode_wilayah"),
    )

    nama: str = Field(max_length=200)
    kode_wilayah: str = Field(max_length=13)
    wilayah_nama: str = Field(max_length=200)
    # The Kemendagri table the code was checked against (puja_kit.wilayah.EDISI).
    wilayah_edisi: str = Field(max_length=60)
    telepon: str = Field(max_length=30)
    aktif: bool = True


class Peringatan(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """One early warning across its versions; what the feeds read first (its latest version and window)."""

    __tablename__ = "peringatan"
    __table_args__ = (Index("ix_peringatan_tenant_sampai", "tenant_id", "berlaku_sampai"),)

    versi_terakhir_id: UUID | None = Field(default=None)
    versi: int = 1
    dibatalkan: bool = False
    berlaku_sampai: datetime = Field(sa_type=DateTime(timezone=True))


class PeringatanVersi(IdModel, TenantModel, Base, table=True):
    """One message of a warning: the first (Alert), an update (Update) or its cancellation (Cancel).
    Never changed once written, so every CAP message stays as it was sent."""

    __tablename__ = "peringatan_versi"
    __table_args__ = (UniqueConstraint("peringatan_id", "versi"),)

    peringatan_id: UUID = Field(foreign_key="peringatan.id", index=True)
    versi: int
    jenis_pesan: str = Field(max_length=10)  # CAP msgType: Alert, Update, Cancel
    level: str = Field(max_length=10)
    bahaya: str = Field(max_length=40)
    judul: str = Field(max_length=160)
    uraian: str = Field(max_length=2000)
    instruksi: str = Field(max_length=2000)
    # [{"kode": "63.08.05", "nama": "Amuntai Tengah"}, ...]: kecamatan or desa of the region.
    wilayah: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    wilayah_edisi: str = Field(max_length=60)
    berlaku_mulai: datetime = Field(sa_type=DateTime(timezone=True))
    berlaku_sampai: datetime = Field(sa_type=DateTime(timezone=True))
    dikirim_at: datetime = timestamp_column()
    pengirim_id: UUID
    pengirim_nama: str = Field(max_length=200)
    alasan_batal: str | None = Field(default=None, max_length=2000)


class Penerimaan(IdModel, TenantModel, Base, table=True):
    """A post's acknowledgement of one warning version: through its link, or recorded by staff after a
    phone call or a radio check."""

    __tablename__ = "penerimaan"
    __table_args__ = (UniqueConstraint("versi_id", "pos_id"),)

    versi_id: UUID = Field(foreign_key="peringatan_versi.id", index=True)
    pos_id: UUID = Field(foreign_key="pos_linmas.id", index=True)
    cara: str = Field(max_length=10)  # TAUTAN, TELEPON, RADIO
    diterima_at: datetime = timestamp_column()
    dicatat_oleh: str | None = Field(default=None, max_length=200)
    catatan: str | None = Field(default=None, max_length=500)


class Laporan(LaporanBase, Base, table=True):
    """A citizen's report of a public-order problem (a fire, a disaster, a disturbance), routed to the
    OPD that acts: Satpol PP, BPBD or Damkar. Its status only moves through the kit's lifecycle."""

    __tablename__ = "laporan"
    __table_args__ = (UniqueConstraint("tenant_id", "nomor"), *laporan_indexes("laporan"))


class LaporanRiwayat(AduanRiwayatBase, Base, table=True):
    __tablename__ = "laporan_riwayat"

    aduan_id: UUID = Field(foreign_key="laporan.id", index=True)


class LaporanFoto(LaporanFotoBase, Base, table=True):
    __tablename__ = "laporan_foto"

    laporan_id: UUID = Field(foreign_key="laporan.id", index=True)


class LaporanAturan(AturanKategoriBase, Base, table=True):
    """The region's own SLA days per report category (else the layanan's settings)."""

    __tablename__ = "laporan_aturan"
    __table_args__ = (UniqueConstraint("tenant_id", "kategori"),)
