from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, service_registry, timestamp_column
from sqlalchemy import Column, DateTime, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Sesi(Base, table=True):
    """A signed-in browser: the person's tokens stay here, the browser holds only the cookie's value."""

    __tablename__ = "sesi"

    # SHA-256 of the cookie's value: a copy of this table signs nobody in.
    id: str = Field(primary_key=True, max_length=64)
    akun_id: UUID = Field(index=True)
    nama: str = Field(max_length=200)
    # The account's grants as akun's /me gives them: [{"role", "tenant", "layanan"}].
    grants: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    nik_terbukti_di: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    access_token: str = Field(sa_column=Column(Text, nullable=False))
    refresh_token: str = Field(sa_column=Column(Text, nullable=False))
    access_berlaku_sampai: datetime = Field(sa_type=DateTime(timezone=True))
    dibuat: datetime = timestamp_column()
    # Idle sessions end (settings.session_idle_days); the prune deletes by this column.
    berakhir: datetime = Field(sa_type=DateTime(timezone=True), index=True)


class TemplatJawaban(IdModel, TenantModel, Base, table=True):
    """An answer an operator saved for the region's layanan, offered when a note is asked for."""

    __tablename__ = "templat_jawaban"

    layanan: str = Field(max_length=40)
    isi: str = Field(sa_column=Column(Text, nullable=False))
    dibuat_oleh: UUID
    dibuat: datetime = timestamp_column()
