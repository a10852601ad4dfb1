from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from puja_kit.db import IdModel, TimestampedModel, service_registry, timestamp_column
from sqlalchemy import Column, DateTime, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Akun(IdModel, TimestampedModel, Base, table=True):
    """A person who logs in: a citizen (NIK) or a region's staff (username), or both ways for one."""

    __tablename__ = "akun"

    # The region a staff account belongs to (kode wilayah); None for citizens and admin pusat.
    tenant_id: str | None = Field(default=None, index=True, max_length=13)
    nama: str = Field(max_length=200)
    username: str | None = Field(default=None, unique=True, max_length=60)
    email: str | None = Field(default=None, unique=True, max_length=254)
    phone: str | None = Field(default=None, unique=True, max_length=20)
    # The NIK is stored encrypted; a keyed hash of it finds the account and keeps it unique.
    nik_index: str | None = Field(default=None, unique=True, max_length=64)
    nik_sealed: str | None = Field(default=None, sa_column=Column(Text))
    # When kependudukan first confirmed that the NIK is this person's own, and the regions (kode) whose
    # records confirmed it: tokens name those regions (`nik_verified_regions`), and only there it counts.
    nik_terverifikasi_pada: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    nik_terbukti_di: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(String(13)), nullable=False, server_default=text("'{}'")),
    )
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    aktif: bool = True


class HakAkses(IdModel, Base, table=True):
    """A grant (role, tenant, layanan); tenant is a kode wilayah, None for warga and admin pusat."""

    __tablename__ = "hak_akses"
    __table_args__ = (
        UniqueConstraint("akun_id", "role", "tenant", "layanan", postgresql_nulls_not_distinct=True),
    )

    akun_id: UUID = Field(foreign_key="akun.id", ondelete="CASCADE", index=True)
    role: str = Field(max_length=20)
    tenant: str | None = Field(default=None, max_length=13)
    layanan: str | None = Field(default=None, max_length=60)
    # An operator working for one OPD of the region (puja_kit.auth.Grant.opd).
    opd_id: UUID | None = None


class Sesi(TimestampedModel, Base, table=True):
    """A login: its id is the tokens' `sid`; the current refresh token is kept only as a hash."""

    __tablename__ = "sesi"

    id: UUID = Field(primary_key=True)
    akun_id: UUID = Field(foreign_key="akun.id", ondelete="CASCADE", index=True)
    refresh_hash: str = Field(unique=True, max_length=64)
    refresh_expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    # When the last access token issued for this session expires.
    access_expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class RetiredRefreshToken(Base, table=True):
    """A refresh token already exchanged: presenting it again means it was copied, so the session ends."""

    __tablename__ = "retired_refresh_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    sesi_id: UUID = Field(foreign_key="sesi.id", ondelete="CASCADE", index=True)
    retired_at: datetime = timestamp_column()


class SigningKey(Base, table=True):
    """An Ed25519 token-signing key; the private half is encrypted with a key derived from secret_key."""

    __tablename__ = "signing_key"

    kid: str = Field(primary_key=True, max_length=40)
    public_jwk: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    private_key_sealed: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp_column()
    retired_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), index=True)
    # Withdrawn (a compromise): out of the JWKS at once, its tokens refused; never signs again.
    withdrawn_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # The key made to sign in its place, when it was the current one.
    replaced_by: str | None = Field(default=None, max_length=40)


class LoginThrottle(Base, table=True):
    """Failed logins of one (account, address), one account, or one address: what slows guessing.

    The key is a keyed hash (Sealer.index) of what is counted, so neither account nor address is
    stored in the clear. Kept in the database so every replica counts the same.
    """

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    window_started_at: datetime = Field(sa_type=DateTime(timezone=True))
    # Attempts from here are refused (429, Retry-After) until then, even with the right password.
    wait_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # For an (account, address): the account logged in from this address; the owner's usual place.
    known_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    forget_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)


class Notifikasi(IdModel, Base, table=True):
    """A message to a citizen about their application, from the layanan's status_changed events."""

    __tablename__ = "notifikasi"
    __table_args__ = (Index("ix_notifikasi_akun_id_dibuat", "akun_id", "dibuat"),)

    akun_id: UUID = Field(foreign_key="akun.id", ondelete="CASCADE")
    tenant_id: str = Field(max_length=13)
    layanan: str = Field(max_length=40)
    permohonan_id: UUID
    nomor: str = Field(max_length=40)
    status: str = Field(max_length=30)
    judul: str = Field(max_length=200)
    pesan: str = Field(max_length=300)
    dibuat: datetime = Field(sa_type=DateTime(timezone=True))
    dibaca_pada: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
