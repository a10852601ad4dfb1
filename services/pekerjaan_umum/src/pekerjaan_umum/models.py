"""Pekerjaan umum's tables: damage reports on the kit's Aduan lifecycle, their history and photos.

The infrastructure inventory, projects and equipment rental come later; a report will then be tied to
an inventory item.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, service_registry, timestamp_column
from puja_kit.workflow.aduan_models import AduanBase, AduanRiwayatBase, aduan_indexes
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Laporan(AduanBase, Base, table=True):
    """A citizen's report of damaged public works (FixMyStreet-style: a category and a point on the map).
    Its status only moves through `puja_kit.workflow.aduan`."""

    __tablename__ = "laporan"
    __table_args__ = (UniqueConstraint("tenant_id", "nomor"), *aduan_indexes("laporan"))

    # What the reporter wrote to find the place again ("depan SDN 2 Sungai Malang"); optional.
    alamat: str | None = Field(default=None, max_length=300)
    # The reporter's name as their account holds it: shown only where `aduan_view` allows.
    pelapor_nama: str | None = Field(default=None, max_length=200)


class LaporanRiwayat(AduanRiwayatBase, Base, table=True):
    __tablename__ = "laporan_riwayat"

    aduan_id: UUID = Field(foreign_key="laporan.id", index=True)


class LaporanFoto(IdModel, TenantModel, Base, table=True):
    """A photo of a report, stored without its GPS metadata unless the reporter shared the location."""

    __tablename__ = "laporan_foto"

    laporan_id: UUID = Field(foreign_key="laporan.id", index=True)
    storage_key: str = Field(max_length=300)
    content_type: str = Field(max_length=60)
    ukuran: int
    sha256: str = Field(max_length=64)
    diunggah_at: datetime = timestamp_column()
