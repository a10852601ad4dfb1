"""Columns every application (permohonan) table shares, and its history rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import DateTime, Index, Text, text
from sqlalchemy.sql import Select
from sqlmodel import Field, col

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


Urutan = Literal["terbaru", "sla"]
"""A staff list's order: the newest first, or the nearest SLA due date first (the operators' inbox)."""


def inbox_indexes(table: str) -> tuple[Index, Index]:
    """For an application table's `__table_args__`: what `in_order(..., "sla")` reads, per region."""
    return (
        Index(
            f"ix_{table}_daerah_sla_terbuka",
            "tenant_id",
            "sla_jatuh_tempo",
            "id",
            postgresql_where=text("selesai_at IS NULL"),
        ),
        Index(f"ix_{table}_daerah_status_sla", "tenant_id", "status", "sla_jatuh_tempo", "id"),
    )


def in_order(
    stmt: Select[Any], model: type[PermohonanBase], urut: Urutan, *, status: str | None
) -> Select[Any]:
    """A staff list of applications in `urut`, as a keyset statement (puja_kit.repository).

    "sla": the nearest due date first, ties by id; only applications with a due date, and without a
    status filter only the open ones (a finished application is no one's work): index-backed by
    `inbox_indexes`. "terbaru": the newest first by id (UUIDv7: creation order)."""
    if urut == "sla":
        stmt = stmt.where(col(model.sla_jatuh_tempo).is_not(None))
        if not status:
            stmt = stmt.where(col(model.selesai_at).is_(None))
        return stmt.order_by(col(model.sla_jatuh_tempo), col(model.id))
    return stmt.order_by(col(model.id).desc())


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
