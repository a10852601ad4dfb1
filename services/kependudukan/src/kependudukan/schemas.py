from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from puja_kit.workflow.schemas import RiwayatRead
from pydantic import BaseModel, ConfigDict, Field

JenisPermohonan = Literal[
    "KTP", "KIA", "PERUBAHAN_KK", "AKTA_KELAHIRAN", "AKTA_KEMATIAN", "PINDAH", "PERBAIKAN_DATA"
]


class AlamatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alamat: str = Field(min_length=3, max_length=300)
    rt: str | None = Field(default=None, pattern=r"^\d{1,3}$")
    rw: str | None = Field(default=None, pattern=r"^\d{1,3}$")
    kode_wilayah: str = Field(description="Kode desa/kelurahan, mis. 63.08.01.2003")


class BayiIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: str = Field(min_length=2, max_length=200)
    tempat_lahir: str = Field(min_length=2, max_length=100)
    tanggal_lahir: date
    jenis_kelamin: Literal["L", "P"]


class PerbaikanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: str | None = Field(default=None, min_length=2, max_length=200)
    tempat_lahir: str | None = Field(default=None, min_length=2, max_length=100)
    tanggal_lahir: date | None = None
    jenis_kelamin: Literal["L", "P"] | None = None


class PermohonanCreate(BaseModel):
    """One request; the fields needed depend on `jenis` and are checked by the service."""

    model_config = ConfigDict(extra="forbid")

    jenis: JenisPermohonan
    subjek_nik: str | None = Field(default=None, description="Penduduk yang dimohonkan; bawaan: diri sendiri")
    alamat_baru: AlamatIn | None = None
    tujuan_kode_wilayah: str | None = Field(default=None, description="Pindah ke luar daerah: kode kab/kota")
    tanggal_meninggal: date | None = None
    no_kk_baru: str | None = Field(default=None, pattern=r"^\d{16}$")
    perbaikan: PerbaikanIn | None = None
    bayi: BayiIn | None = None
    ajukan: bool = Field(False, description="Langsung ajukan bila dokumen wajib tidak ada")


class PersetujuanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nomor_dokumen: str = Field(min_length=3, max_length=60, description="Nomor dokumen hasil dari SIAK")
    nik_baru: str | None = Field(default=None, description="NIK bayi dari SIAK (akta kelahiran)")
    catatan: str | None = Field(default=None, max_length=1000)


class DokumenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    jenis: str
    content_type: str
    ukuran: int
    created_at: datetime


class PermohonanRead(BaseModel):
    id: UUID
    nomor: str
    jenis: str
    status: str
    status_label: str
    subjek_nik: str
    data: dict[str, Any]
    nomor_dokumen: str | None
    diajukan_at: datetime | None
    sla_jatuh_tempo: date | None
    terlambat: bool
    dokumen_wajib: list[str]
    dokumen: list[DokumenRead]
    riwayat: list[RiwayatRead]


class PermohonanListItem(BaseModel):
    id: UUID
    nomor: str
    jenis: str
    status: str
    subjek_nik: str
    pemohon_nama: str | None
    sla_jatuh_tempo: date | None
    terlambat: bool
    diajukan_at: datetime | None


class PendudukRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    nik: str
    no_kk: str
    nama: str
    tempat_lahir: str
    tanggal_lahir: date
    jenis_kelamin: str
    alamat: str
    rt: str | None
    rw: str | None
    kode_wilayah: str
    nama_wilayah: str | None = None
    status: str
    tanggal_meninggal: date | None
    versi: int
    updated_at: datetime


class ImporRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    nama_berkas: str
    status: str
    diproses: int
    berhasil: int
    ditolak: int
    pesan: str | None
    mulai: datetime
    selesai: datetime | None


class ImporDitolakRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    baris: int
    nik: str | None
    alasan: str


class VerifikasiMandiriIn(BaseModel):
    """What a KTP does not show: the family card number and the mother's name as SIAK records them."""

    model_config = ConfigDict(extra="forbid")

    no_kk: str = Field(pattern=r"^\d{16}$", description="Nomor Kartu Keluarga (16 angka)")
    nama_ibu: str = Field(min_length=2, max_length=200, description="Nama ibu kandung")


class VerifikasiLoketIn(BaseModel):
    """At the counter: the operator has seen the person and their KTP, and types the code they show."""

    model_config = ConfigDict(extra="forbid")

    nik: str = Field(pattern=r"^\d{16}$")
    kode: str = Field(min_length=4, max_length=20, description="Kode loket dari aplikasi warga")


class VerifikasiRead(BaseModel):
    terverifikasi: bool
    metode: str | None = None
    terverifikasi_pada: datetime | None = None
    sisa_percobaan: int
    terkunci_sampai: datetime | None = None


class KodeLoketRead(BaseModel):
    kode: str
    berlaku_sampai: datetime


class PelepasanNikIn(BaseModel):
    """At the counter: the holder's KTP is checked and the account holding their NIK is not theirs."""

    model_config = ConfigDict(extra="forbid")

    nik: str = Field(pattern=r"^\d{16}$")
    alasan: str = Field(
        min_length=5, max_length=300, description="Mengapa akun lama bukan milik pemegang NIK"
    )


class PelepasanNikRead(BaseModel):
    nik: str
    status: str = Field(description="DILEPAS: akun yang belum terbukti akan kehilangan NIK ini")
