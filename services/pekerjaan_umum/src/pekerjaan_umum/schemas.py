from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from puja_kit.text import Nama, Saringan, Teks
from puja_kit.workflow.aduan_view import AduanView, Pelapor
from pydantic import BaseModel, ConfigDict, Field

# The damage a citizen can report (a fixed list; per region SLA days may follow it later).
Kategori = Literal["jalan_rusak", "jembatan", "drainase_banjir", "penerangan_jalan", "lainnya"]
KATEGORI: dict[str, str] = {
    "jalan_rusak": "Jalan rusak",
    "jembatan": "Jembatan",
    "drainase_banjir": "Drainase / banjir",
    "penerangan_jalan": "Penerangan jalan",
    "lainnya": "Lainnya",
}
NomorLaporan = Annotated[str, Nama(max_length=20)]
Status = Annotated[str, Saringan(max_length=30)]


class KategoriRead(BaseModel):
    kode: str
    nama: str


class LaporanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kategori: Kategori
    isi: Annotated[str, Teks(min_length=10, max_length=2000)]
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    alamat: Annotated[str, Nama(max_length=300)] | None = None
    # The reporter shares where they were: the point is public and photos keep their GPS.
    lokasi_dibagikan: bool = False
    # Hidden from the public (the default); also from the OPD: only the verifiers see who reported.
    anonim_publik: bool = True
    anonim_opd: bool = False


class AksiIn(BaseModel):
    """A step of the report: a note (required for some), the OPD for "disposisi" and "alihkan", the
    authority outside the region for "bukan-kewenangan"."""

    model_config = ConfigDict(extra="forbid")

    catatan: Annotated[str, Teks(max_length=2000)] | None = None
    opd_id: UUID | None = None
    opd_nama: Annotated[str, Nama(max_length=200)] | None = None
    dialihkan_ke: Annotated[str, Nama(max_length=200)] | None = None


class GabungkanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    induk_id: UUID = Field(description="Laporan pertama, yang diikuti pelapor laporan ini")


class NilaiIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nilai: int = Field(ge=1, le=5)


class FotoRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    content_type: str
    ukuran: int
    diunggah_at: datetime


class RiwayatLaporan(BaseModel):
    """A step as the reporter and the staff see it: with notes and the OPD before and after."""

    model_config = ConfigDict(from_attributes=True)

    dari: str | None
    ke: str
    aksi: str
    label: str
    actor_role: str
    catatan: str | None
    opd_dari_nama: str | None
    opd_ke_nama: str | None
    waktu: datetime


class LaporanRingkas(BaseModel):
    id: UUID
    nomor: str
    kategori: str
    kategori_label: str
    status: str
    status_label: str
    isi: str
    alamat: str | None
    opd_nama: str | None
    sla_jatuh_tempo: date | None
    sla_tahap: str | None
    terlambat: bool
    diterima_at: datetime
    digabung: bool


class LaporanRead(BaseModel):
    """A report as its reporter or the region's staff see it."""

    id: UUID
    nomor: str
    kategori: str
    kategori_label: str
    status: str
    status_label: str
    isi: str
    alamat: str | None
    lat: float | None
    lon: float | None
    lokasi_dibagikan: bool
    anonim_publik: bool
    anonim_opd: bool
    opd_id: UUID | None
    opd_nama: str | None
    dialihkan_ke: str | None
    sla_jatuh_tempo: date | None
    sla_tahap: str | None
    terlambat: bool
    diterima_at: datetime
    dijawab_at: datetime | None
    tutup_otomatis_at: datetime | None
    ditutup_at: datetime | None
    jawaban_ke: int
    rating: int | None
    boleh_dinilai: bool
    mengikuti_id: UUID | None
    pelapor: Pelapor | None
    foto: list[FotoRead]
    riwayat: list[RiwayatLaporan]


class LaporanPublik(AduanView):
    """The public tracking view (statuses and times, no reporter), with the category's name."""

    kategori_label: str


class DuplikatRead(BaseModel):
    id: UUID
    nomor: str
    kategori_label: str
    status: str
    status_label: str
    isi: str
    alamat: str | None
    jarak_m: float
    diterima_at: datetime


class KinerjaOpdRead(BaseModel):
    opd_id: UUID
    opd_nama: str | None
    jumlah: int
    ditindaklanjuti: int
    tepat_waktu: int
    persen_tepat_waktu: float | None
    dijawab: int
    dinilai: int
    rata_rata_nilai: float | None
