from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from lokal import normalize_phone
from puja_kit.text import Nama, Sandi, Saringan
from pydantic import BaseModel, ConfigDict, Field, field_validator
from stdnum.exceptions import InvalidComponent
from stdnum.id import nik as stdnum_nik

# Enough to catch typos; whether the address works shows when mail is sent to it.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A letter first, no "@": a username can never be read as a NIK, a phone number or an e-mail.
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,59}$")

StaffRole = Literal["operator", "admin_daerah"]

NamaAkun = Annotated[str, Nama(max_length=200)]
SandiBaru = Annotated[str, Sandi(min_length=8, max_length=256)]
NamaLayanan = Annotated[str, Nama(max_length=40)]
# For the staff list's search box.
Cari = Annotated[str, Saringan(max_length=100)]


def clean_nik(value: str) -> str:
    compact = stdnum_nik.compact(value)
    if not (compact.isascii() and compact.isdigit() and len(compact) == 16):
        raise ValueError("NIK harus 16 angka")
    try:
        return stdnum_nik.validate(compact)
    except InvalidComponent:
        raise ValueError("NIK tidak valid: kode wilayah atau tanggal lahirnya tidak sesuai") from None


def clean_email(value: str) -> str:
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise ValueError("alamat e-mail tidak valid")
    return email


def clean_phone(value: str) -> str:
    phone = normalize_phone(value)
    if phone is None:
        raise ValueError("nomor telepon tidak valid (contoh: 0812-3456-7890)")
    return phone


def clean_username(value: str) -> str:
    username = value.strip().lower()
    if not _USERNAME.match(username):
        raise ValueError(
            "nama pengguna 3-60 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung, "
            "diawali huruf"
        )
    return username


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nik: Annotated[str, Nama(max_length=40)] = Field(description="NIK 16 angka")
    nama: NamaAkun
    email: Annotated[str, Nama(max_length=254)] | None = None
    phone: Annotated[str, Nama(max_length=30)] | None = Field(
        default=None, description="Nomor telepon, mis. 0812-3456-7890"
    )
    password: SandiBaru

    @field_validator("nik")
    @classmethod
    def _nik(cls, value: str) -> str:
        return clean_nik(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else clean_email(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else clean_phone(value)


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Nama(max_length=254)] = Field(
        description="NIK, e-mail, nomor telepon atau nama pengguna staf"
    )
    password: Annotated[str, Sandi(min_length=1, max_length=256)]


class RefreshIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: Annotated[str, Nama(max_length=200)]


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Umur token akses dalam detik")


class GrantRead(BaseModel):
    role: str
    tenant: str | None
    layanan: str | None
    opd_id: UUID | None = None


class AkunRead(BaseModel):
    id: UUID
    nama: str
    nik: str | None = Field(description="NIK tersamar, mis. 6308********0001")
    nik_terverifikasi: bool = Field(description="NIK sudah terbukti milik pemegang akun di suatu daerah")
    nik_terbukti_di: list[str] = Field(
        default_factory=list, description="Kode daerah yang catatannya membuktikan NIK; hanya di sana berlaku"
    )
    email: str | None
    phone: str | None
    username: str | None
    aktif: bool
    grants: list[GrantRead]
    dibuat: datetime


class StaffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Nama(max_length=60)]
    nama: NamaAkun
    password: SandiBaru
    role: StaffRole
    layanan: list[NamaLayanan] = Field(default_factory=list, max_length=30, description="Untuk operator")
    opd_id: UUID | None = Field(
        default=None,
        description="Operator OPD: hanya laporan yang didisposisikan ke OPD daerah ini, tanpa pelapor yang minta dirahasiakan",
    )

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        return clean_username(value)


class StaffUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaAkun | None = None
    aktif: bool | None = None
    layanan: list[NamaLayanan] | None = Field(default=None, max_length=30, description="Untuk operator")
    opd_id: UUID | None = Field(default=None, description="Operator OPD; kosongkan dengan hapus_opd")
    hapus_opd: bool = Field(default=False, description="Jadikan operator verifikator (bukan operator OPD)")


class StaffRead(BaseModel):
    id: UUID
    username: str | None
    nama: str
    role: StaffRole
    tenant: str | None
    layanan: list[str]
    opd_id: UUID | None
    aktif: bool
    dibuat: datetime


class SigningKeyRotated(BaseModel):
    kid: str = Field(description="Kunci yang kini menandatangani token")
    kid_sebelumnya: str | None = Field(description="Kunci lama; tokennya tetap sah sampai kedaluwarsa")


class SigningKeyWithdrawn(BaseModel):
    kid: str = Field(description="Kunci yang ditarik; token yang ditandatanganinya tidak sah lagi")
    kid_pengganti: str | None = Field(
        description="Kunci baru yang kini menandatangani token, bila yang ditarik adalah kunci aktif"
    )


class Jwks(BaseModel):
    keys: list[dict[str, str]]


class NotifikasiRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    layanan: str
    permohonan_id: UUID
    nomor: str
    status: str
    judul: str
    pesan: str
    dibuat: datetime
    dibaca_pada: datetime | None


class NotifikasiPage(BaseModel):
    """A keyset page (puja_kit.repository.CursorPage) plus the account's unread count."""

    items: list[NotifikasiRead]
    next_cursor: str | None
    limit: int
    belum_dibaca: int
