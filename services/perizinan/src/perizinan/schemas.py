from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from puja_kit.text import Kode, Nama, Saringan, Teks
from puja_kit.workflow.schemas import DokumenRead, RiwayatRead
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

TingkatRisiko = Literal["rendah", "menengah_rendah", "menengah_tinggi", "tinggi"]
StatusIzinPublik = Literal["BERLAKU", "DICABUT", "KEDALUWARSA"]
NamaDokumen = Annotated[str, Nama(min_length=2, max_length=120)]
NamaJenisIzin = Annotated[str, Nama(min_length=3, max_length=200)]
Kbli = Annotated[str, Kode(r"\d{5}", max_length=5)]
# For search boxes and list filters.
Cari = Annotated[str, Saringan(max_length=100)]
Status = Annotated[str, Saringan(max_length=30)]
# A tracking number or a verification code as typed from paper.
KodePendek = Annotated[str, Nama(max_length=20)]

TINGKAT_RISIKO_LABEL: dict[str, str] = {
    "rendah": "Rendah",
    "menengah_rendah": "Menengah rendah",
    "menengah_tinggi": "Menengah tinggi",
    "tinggi": "Tinggi",
}


def _unique(names: list[str]) -> list[str]:
    if len({n.casefold() for n in names}) != len(names):
        raise ValueError("nama dokumen tidak boleh berulang")
    return names


DokumenWajib = Annotated[list[NamaDokumen], AfterValidator(_unique), Field(max_length=30)]


class JenisIzinCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaJenisIzin
    kbli: Kbli = Field(description="Kode KBLI 2020, 5 angka")
    tingkat_risiko: TingkatRisiko
    sla_hari: int = Field(ge=1, le=60, description="SLA dalam hari kerja")
    dokumen_wajib: DokumenWajib = Field(default_factory=list)
    masa_berlaku_tahun: int | None = Field(default=None, ge=1, le=50, description="Kosong: tanpa batas")
    biaya: int = Field(0, ge=0, le=1_000_000_000, description="Biaya dalam rupiah")
    aktif: bool = True


class JenisIzinUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaJenisIzin | None = None
    kbli: Kbli | None = None
    tingkat_risiko: TingkatRisiko | None = None
    sla_hari: int | None = Field(default=None, ge=1, le=60)
    dokumen_wajib: DokumenWajib | None = None
    masa_berlaku_tahun: int | None = Field(default=None, ge=1, le=50)
    biaya: int | None = Field(default=None, ge=0, le=1_000_000_000)
    aktif: bool | None = None


class JenisIzinRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    nama: str
    kbli: str
    tingkat_risiko: str
    sla_hari: int
    dokumen_wajib: list[str]
    masa_berlaku_tahun: int | None
    biaya: int
    aktif: bool
    diperbarui: datetime = Field(validation_alias="updated_at")


class PermohonanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jenis_izin_id: UUID
    nama_usaha: Annotated[str, Nama(min_length=2, max_length=200)]
    alamat_usaha: Annotated[str, Nama(min_length=5, max_length=500)]
    kode_wilayah: Annotated[str, Kode(r"\d{2}\.\d{2}\.\d{2}(\.\d{4})?", max_length=13)] = Field(
        description="Kecamatan (63.08.01) atau desa/kelurahan (63.08.01.2003) tempat usaha",
    )
    nib: Annotated[str, Kode(r"\d{13}", max_length=13)] | None = Field(
        default=None, description="Nomor Induk Berusaha, 13 angka"
    )


class IzinRead(BaseModel):
    id: UUID
    permohonan_id: UUID
    nomor_izin: str
    jenis_izin: str
    kbli: str
    tingkat_risiko: str
    nama_usaha: str
    alamat_usaha: str
    nib: str | None
    pemegang_nama: str
    tanggal_terbit: date
    berlaku_sampai: date | None
    kode_verifikasi: str
    status: str
    dicabut_at: datetime | None
    alasan_cabut: str | None


class JenisIzinRingkas(BaseModel):
    id: UUID
    nama: str
    kbli: str
    tingkat_risiko: str


class PermohonanRingkas(BaseModel):
    id: UUID
    nomor: str
    status: str
    status_label: str
    jenis_izin: JenisIzinRingkas | None
    nama_usaha: str
    pemohon_nama: str
    pemohon_meninggal: bool
    diajukan_at: datetime | None
    sla_jatuh_tempo: date | None
    terlambat: bool
    dibuat: datetime


class PermohonanRead(PermohonanRingkas):
    pemohon_nik: str
    alamat_usaha: str
    kode_wilayah: str
    nama_wilayah: str | None
    nib: str | None
    biaya: int
    selesai_at: datetime | None
    dokumen: list[DokumenRead]
    dokumen_kurang: list[str]
    riwayat: list[RiwayatRead]
    izin: IzinRead | None


class CabutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alasan: Annotated[str, Teks(min_length=5, max_length=2000)]


class VerifikasiIzin(BaseModel):
    """The public permit check: enough to trust a permit, never the holder's NIK or full name."""

    status: StatusIzinPublik
    status_label: str
    berlaku: bool
    daerah: str
    nomor_izin: str
    jenis_izin: str
    kbli: str
    nama_usaha: str
    pemegang: str
    tanggal_terbit: date
    berlaku_sampai: date | None
    dicabut_at: datetime | None


class PermohonanPemohon(BaseModel):
    id: UUID
    nomor: str
    status: str
    pemohon_meninggal: bool


class PemohonRead(BaseModel):
    """A citizen as this service knows them: the copy kept fresh from kependudukan, and their applications."""

    nik: str
    nama: str | None
    alamat: dict[str, Any] | None
    status: str | None = Field(description="HIDUP, MENINGGAL atau PINDAH; kosong bila belum ada data")
    data_diperbarui: datetime | None
    permohonan: list[PermohonanPemohon]
