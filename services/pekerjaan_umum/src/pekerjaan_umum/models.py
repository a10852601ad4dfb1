"""Pekerjaan umum's tables: damage reports on the kit's Aduan lifecycle, their history and photos.

The infrastructure inventory and projects are in `pekerjaan_umum.inventaris`, the equipment rental in
`pekerjaan_umum.sewa`.
"""

from __future__ import annotations

from uuid import UUID

from puja_kit.db import service_registry
from puja_kit.workflow.aduan_models import (
    AduanRiwayatBase,
    AturanKategoriBase,
    LaporanBase,
    LaporanFotoBase,
    laporan_indexes,
)
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Laporan(LaporanBase, Base, table=True):
    """A citizen's report of damaged public works (FixMyStreet-style: a category and a point on the map).
    Its status only moves through `puja_kit.workflow.aduan`."""

    __tablename__ = "laporan"
    __table_args__ = (UniqueConstraint("tenant_id", "nomor"), *laporan_indexes("laporan"))

    aset_id: UUID | None = Field(default=None, index=True)  # the inventory item (pekerjaan_umum.inventaris)


class LaporanRiwayat(AduanRiwayatBase, Base, table=True):
    __tablename__ = "laporan_riwayat"

    aduan_id: UUID = Field(foreign_key="laporan.id", index=True)


class LaporanFoto(LaporanFotoBase, Base, table=True):
    __tablename__ = "laporan_foto"

    laporan_id: UUID = Field(foreign_key="laporan.id", index=True)


class LaporanAturan(AturanKategoriBase, Base, table=True):
    """The region's own SLA days per damage category (else the layanan's settings)."""

    __tablename__ = "laporan_aturan"
    __table_args__ = (UniqueConstraint("tenant_id", "kategori"),)
