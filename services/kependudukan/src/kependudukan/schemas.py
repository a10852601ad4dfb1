from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from puja_kit.text import Kode, Nama, Nik, Saringan, Teks
from puja_kit.workflow.schemas import DokumenRead, RiwayatRead
from pydantic import BaseModel, ConfigDict, Field

JenisPermohonan = Literal[
    "KTP", "KIA", "PERUBAHAN_KK", "AKTA_KELAHIRAN", "AKTA_KEMATIAN", "PINDAH", "PERBAIKAN_DATA"
]

NamaOrang = Annotated[str, Nama(min_length=2, max_length=200)]
TempatLahir = Annotated[str, Nama(min_length=2, max_length=100)]
RtRw = Annotated[str, Kode(r"\d{1,3}", max_length=3)]
NoKk = Annotated[str, Kode(r"\d{16}", max_length=16)]
# Checked against the region's codes by the service, with its own messages.
KodeWilayah = Annotated[str, Nama(max_length=13)]
# NIKs the service checks itself (a family member, a newborn's from SIAK).
NikDiperiksa = Annotated[str, Nama(max_length=40)]
# For search boxes and list filters.
Cari = Annotated[str, Saringan(max_length=100)]
Filter = Annotated[str, Saringan(max_length=30)]


class AlamatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alamat: Annotated[str, Nama(min_length=3, max_length=300)]
    rt: RtRw | None = None
    rw: RtRw | None = None
    kode_wilayah: KodeWilayah = Field(description="Kode desa/kelurahan, mis. 63.08.01.2003")


class BayiIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaOrang
    tempat_lahir: TempatLahir
    tanggal_lahir: date
    jenis_kelamin: Literal["L", "P"]


class PerbaikanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaOrang | None = None
    tempat_lahir: TempatLahir | None = None
    tanggal_lahir: date | None = None
    jenis_kelamin: Literal["L", "P"] | None = None


class PermohonanCreate(BaseModel):
    """One request; the fields needed depend on `jenis` and are checked by the service."""

    model_config = ConfigDict(extra="forbid")

    jenis: JenisPermohonan
    subjek_nik: NikDiperiksa | None = Field(
        default=None, description="Penduduk yang dimohonkan; bawaan: diri sendiri"
    )
    alamat_baru: AlamatIn | None = None
    tujuan_kode_wilayah: KodeWilayah | None = Field(
        default=None, description="Pindah ke luar daerah: kode kab/kota"
    )
    tanggal_meninggal: date | None = None
    no_kk_baru: NoKk | None = None
    perbaikan: PerbaikanIn | None = None
    bayi: BayiIn | None = None
    ajukan: bool = Field(False, description="Langsung ajukan bila dokumen wajib tidak ada")


class PersetujuanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nomor_dokumen: Annotated[str, Nama(min_length=3, max_length=60)] = Field(
        description="Nomor dokumen hasil dari SIAK"
    )
    nik_baru: NikDiperiksa | None = Field(default=None, description="NIK bayi dari SIAK (akta kelahiran)")
    catatan: Annotated[str, Teks(max_length=1000)] | None = None


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

    no_kk: NoKk = Field(description="Nomor Kartu Keluarga (16 angka)")
    nama_ibu: NamaOrang = Field(description="Nama ibu kandung")


class VerifikasiLoketIn(BaseModel):
    """At the counter: the operator has seen the person and their KTP, and types the code they show."""

    model_config = ConfigDict(extra="forbid")

    nik: Nik
    kode: Annotated[str, Nama(min_length=4, max_length=20)] = Field(
        description="Kode loket dari aplikasi warga"
    )


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

    nik: Nik
    alasan: Annotated[str, Teks(min_length=5, max_length=300)] = Field(
        description="Mengapa akun lama bukan milik pemegang NIK"
    )


class PelepasanNikRead(BaseModel):
    nik: str
    status: str = Field(description="DILEPAS: akun yang belum terbukti akan kehilangan NIK ini")
