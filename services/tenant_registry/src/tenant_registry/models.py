from __future__ import annotations

from uuid import UUID

from puja_kit.db import IdModel, TenantModel, TimestampedModel, service_registry
from sqlalchemy import Column, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Tenant(TimestampedModel, Base, table=True):
    """An onboarded region (pemda), identified by its kode wilayah."""

    __tablename__ = "tenant"

    kode: str = Field(primary_key=True, max_length=13)
    slug: str = Field(unique=True, max_length=120)
    nama: str = Field(max_length=200)
    tingkat: str = Field(max_length=12)
    provinsi: str = Field(max_length=120)
    zona_waktu: str = Field(max_length=4)
    edisi_kode: str = Field(max_length=60)
    aktif: bool = True
    # Grows by one in the transaction of every change to the region, its layanan or its OPDs, and goes
    # with each tenant event (TenantRef.versi): the other services' copies keep only the newest.
    versi: int = 0


class TenantLayanan(TenantModel, TimestampedModel, Base, table=True):
    """A region's setting for one layanan; disabling keeps the row (and its settings) with aktif=False."""

    __tablename__ = "tenant_layanan"

    tenant_id: str = Field(primary_key=True, foreign_key="tenant.kode", max_length=13)
    layanan: str = Field(primary_key=True, max_length=60)
    aktif: bool = True
    sla_hari: int = 5
    biaya: int = 0
    dokumen_wajib: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    opd_id: UUID | None = Field(default=None, foreign_key="opd.id")


class Opd(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A regional agency (organisasi perangkat daerah)."""

    __tablename__ = "opd"
    __table_args__ = (UniqueConstraint("tenant_id", "nama"),)

    tenant_id: str = Field(foreign_key="tenant.kode", index=True, max_length=13)
    nama: str = Field(max_length=200)
    singkatan: str | None = Field(default=None, max_length=40)
    aktif: bool = True
