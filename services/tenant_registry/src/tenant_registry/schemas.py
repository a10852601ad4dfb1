from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from puja_kit.text import Nama, Saringan
from pydantic import BaseModel, ConfigDict, Field

NamaOpd = Annotated[str, Nama(min_length=3, max_length=200)]
Singkatan = Annotated[str, Nama(max_length=40)]
# For the list's filters.
Cari = Annotated[str, Saringan(max_length=100)]
NamaLayanan = Annotated[str, Saringan(max_length=40)]


class TenantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kode: Annotated[str, Nama(max_length=13)] = Field(
        description="Kode wilayah Kemendagri: provinsi (63) atau kabupaten/kota (63.08)"
    )


class TenantUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aktif: bool | None = None


class LayananSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sla_hari: int = Field(5, ge=1, le=60, description="SLA dalam hari kerja")
    biaya: int = Field(0, ge=0, le=1_000_000_000, description="Biaya dalam rupiah")
    dokumen_wajib: list[Annotated[str, Nama(min_length=2, max_length=120)]] = Field(
        default_factory=list, max_length=30
    )
    opd_id: UUID | None = None


class TenantLayananRead(BaseModel):
    layanan: str
    nama_layanan: str
    aktif: bool
    sla_hari: int
    biaya: int
    dokumen_wajib: list[str]
    opd_id: UUID | None
    diperbarui: datetime


class TenantRead(BaseModel):
    slug: str
    kode: str
    nama: str
    tingkat: str
    provinsi: str
    zona_waktu: str
    aktif: bool
    layanan: list[str]
    diperbarui: datetime


class OpdCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaOpd
    singkatan: Singkatan | None = None


class OpdUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaOpd | None = None
    singkatan: Singkatan | None = None
    aktif: bool | None = None


class OpdRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    nama: str
    singkatan: str | None
    aktif: bool


class TenantDetail(TenantRead):
    edisi_kode: str
    pengaturan_layanan: list[TenantLayananRead]
    opd: list[OpdRead]


class LayananInfo(BaseModel):
    layanan: str
    nama: str
