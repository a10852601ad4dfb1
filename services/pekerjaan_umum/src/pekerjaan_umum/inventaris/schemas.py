from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from puja_kit.text import Kode, Nama, Teks
from pydantic import BaseModel, ConfigDict, Field

Jenis = Literal["ruas_jalan", "jembatan", "drainase"]
JENIS: dict[str, str] = {"ruas_jalan": "Ruas jalan", "jembatan": "Jembatan", "drainase": "Saluran drainase"}
Kondisi = Literal["BAIK", "SEDANG", "RUSAK_RINGAN", "RUSAK_BERAT"]
KONDISI: dict[str, str] = {
    "BAIK": "Baik",
    "SEDANG": "Sedang",
    "RUSAK_RINGAN": "Rusak ringan",
    "RUSAK_BERAT": "Rusak berat",
}
# The road's surface; the bridge's and the channel's construction.
TIPE: dict[str, dict[str, str]] = {
    "ruas_jalan": {
        "aspal": "Aspal",
        "beton": "Beton (rigid)",
        "kerikil": "Kerikil / telford",
        "tanah": "Tanah",
    },
    "jembatan": {
        "beton": "Beton",
        "baja": "Rangka baja",
        "kayu": "Kayu",
        "gantung": "Gantung",
        "box": "Box culvert",
    },
    "drainase": {"terbuka": "Saluran terbuka", "tertutup": "Saluran tertutup", "tanah": "Saluran tanah"},
}
StatusProyek = Literal["RENCANA", "BERJALAN", "SELESAI", "DIHENTIKAN"]
STATUS_PROYEK: dict[str, str] = {
    "RENCANA": "Rencana",
    "BERJALAN": "Berjalan",
    "SELESAI": "Selesai",
    "DIHENTIKAN": "Dihentikan",
}
KodeKecamatan = Annotated[str, Kode(r"\d{2}\.\d{2}\.\d{2}", max_length=8)]


class AsetIn(BaseModel):
    """An item as the staff enter it; the fields of the other kinds are left out (or null)."""

    model_config = ConfigDict(extra="forbid")

    jenis: Jenis
    nama: Annotated[str, Nama(max_length=200)]
    nomor_ruas: Annotated[str, Nama(max_length=30)] | None = Field(
        default=None, description="Nomor ruas menurut SK Bupati (wajib untuk ruas jalan)"
    )
    panjang_km: float | None = Field(default=None, gt=0, le=1000, description="Ruas jalan")
    panjang_m: float | None = Field(default=None, gt=0, le=100_000, description="Jembatan, drainase")
    lebar_m: float | None = Field(default=None, gt=0, le=100)
    tipe: Annotated[str, Nama(max_length=30)]
    kecamatan: list[KodeKecamatan] = Field(default_factory=list, max_length=30)
    ruas_id: UUID | None = Field(default=None, description="Jembatan: ruas jalan tempatnya (boleh kosong)")


class AsetUbah(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: Annotated[str, Nama(max_length=200)] | None = None
    nomor_ruas: Annotated[str, Nama(max_length=30)] | None = None
    panjang_km: float | None = Field(default=None, gt=0, le=1000)
    panjang_m: float | None = Field(default=None, gt=0, le=100_000)
    lebar_m: float | None = Field(default=None, gt=0, le=100)
    tipe: Annotated[str, Nama(max_length=30)] | None = None
    kecamatan: list[KodeKecamatan] | None = Field(default=None, max_length=30)
    ruas_id: UUID | None = None


class SurveiIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tanggal: date
    kondisi: Kondisi
    catatan: Annotated[str, Teks(max_length=2000)] | None = None
    surveyor: Annotated[str, Nama(max_length=200)]


class SurveiRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    tanggal: date
    kondisi: str
    kondisi_label: str = ""
    catatan: str | None
    surveyor: str
    dicatat_at: datetime


class AsetRingkas(BaseModel):
    id: UUID
    jenis: str
    jenis_label: str
    nama: str
    nomor_ruas: str | None
    panjang_km: float | None
    panjang_m: float | None
    lebar_m: float | None
    tipe: str
    tipe_label: str
    kecamatan: list[str]
    ruas_id: UUID | None
    kondisi: str | None
    kondisi_label: str | None
    kondisi_tanggal: date | None
    diperbarui_at: datetime


class AsetRead(AsetRingkas):
    ruas_nama: str | None
    survei: list[SurveiRead]
    proyek: list[ProyekRingkas]


class KondisiJalan(BaseModel):
    kondisi: str
    kondisi_label: str
    panjang_km: float
    jumlah_ruas: int
    persen: float | None


class Ringkasan(BaseModel):
    """The number a region reports: km of its roads per condition, and how many items of each kind."""

    jalan: list[KondisiJalan]
    total_km: float
    mantap_persen: float | None = Field(description="Baik + sedang, dari panjang yang sudah disurvei")
    jumlah: dict[str, int]
    diperbarui_at: datetime | None


class LaporanAset(BaseModel):
    id: UUID
    nomor: str
    kategori: str
    status: str
    status_label: str
    isi: str
    diterima_at: datetime


# --- projects -----------------------------------------------------------------------------------------


class ProyekIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: Annotated[str, Nama(max_length=200)]
    uraian: Annotated[str, Teks(max_length=2000)] | None = None
    anggaran: int = Field(ge=0, le=10**15, description="Rupiah")
    kontraktor: Annotated[str, Nama(max_length=200)] | None = None
    mulai: date
    selesai: date
    aset_ids: list[UUID] = Field(default_factory=list, max_length=50)


class StatusProyekIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: StatusProyek
    catatan: Annotated[str, Teks(max_length=2000)] | None = None


class ProgresIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tanggal: date
    persen_fisik: float = Field(ge=0, le=100)
    persen_keuangan: float = Field(ge=0, le=100)
    catatan: Annotated[str, Teks(max_length=2000)] | None = None
    koreksi: bool = Field(default=False, description="Koreksi ke bawah laporan sebelumnya (catatan wajib)")


class ProgresRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    tanggal: date
    persen_fisik: float
    persen_keuangan: float
    catatan: str | None
    koreksi: bool
    dicatat_at: datetime


class ProyekRingkas(BaseModel):
    id: UUID
    nama: str
    anggaran: int
    kontraktor: str | None
    mulai: date
    selesai: date
    status: str
    status_label: str
    persen_fisik: float
    persen_keuangan: float
    progres_tanggal: date | None
    diperbarui_at: datetime


class AsetSingkat(BaseModel):
    id: UUID
    jenis: str
    jenis_label: str
    nama: str
    nomor_ruas: str | None


class ProyekRead(ProyekRingkas):
    uraian: str | None
    aset: list[AsetSingkat]
    progres: list[ProgresRead]


AsetRead.model_rebuild()
