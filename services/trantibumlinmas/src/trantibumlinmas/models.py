"""Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat's tables. `Contoh` is the generator's example: rename it to the layanan's first domain noun."""

from __future__ import annotations

from puja_kit.db import IdModel, TenantModel, TimestampedModel, service_registry
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Contoh(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A region-owned row with a name: listed publicly, added by the region's staff."""

    __tablename__ = "contoh"
    __table_args__ = (UniqueConstraint("tenant_id", "nama"),)

    nama: str = Field(max_length=200)
