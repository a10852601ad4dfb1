"""Columns every application (permohonan) table shares, and its history rows."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import DateTime, Text
from sqlmodel import Field

from puja_kit.db import IdModel, TenantModel, TimestampedModel, utcnow


class PermohonanBase(IdModel, TenantModel, TimestampedModel):
    """Mixin: a service's application table adds its own fields and `UniqueConstraint(tenant_id, nomor)`."""

    nomor: str = Field(index=True, max_length=20)
    status: str = Field(index=True, max_length=30)
    pemohon_id: UUID = Field(index=True)
    pemohon_nik: str = Field(index=True, max_length=16)
    sla_jatuh_tempo: date | None = None
    sla_dijeda_sejak: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    diajukan_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    selesai_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class RiwayatBase(IdModel, TenantModel):
    """Mixin: one row per transition (who, when, what, note); the service adds the foreign key."""

    permohonan_id: UUID = Field(index=True)
    dari: str | None = Field(default=None, max_length=30)
    ke: str = Field(max_length=30)
    aksi: str = Field(max_length=40)
    label: str = Field(max_length=120)
    actor_id: UUID | None = None
    actor_role: str = Field(max_length=20)
    catatan: str | None = Field(default=None, sa_type=Text)
    waktu: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
