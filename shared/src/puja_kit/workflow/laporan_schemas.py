"""What the report layanan's routes take and answer (`puja_kit.workflow.laporan_api`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from puja_kit.text import Nama, Saringan, Teks
from puja_kit.workflow.aduan_view import AduanView, Pelapor

NomorLaporan = Annotated[str, Nama(max_length=20)]
Status = Annotated[str, Saringan(max_length=30)]
KodeKategori = Annotated[str, Nama(max_length=60)]
KodeSaringan = Annotated[str, Saringan(max_length=60)]
Jawaban = Annotated[str, Teks(max_length=2000)] | float | list[Annotated[str, Nama(max_length=200)]]


class AtributRead(BaseModel):
    kode: str
    nama: str
    jenis: str
    wajib: bool
    keterangan: str | None
    pilihan: dict[str, str]


class JawabanRead(BaseModel):
    """A question of the report's category and its answer in words: the labels of chosen values; a
    number also as `angka`, for the reader to write in its own locale."""

    kode: str
    nama: str
    nilai: str
    angka: float | None = None


class KategoriRead(BaseModel):
    kode: str
    nama: str
    keterangan: str
    opd_saran: str | None
    atribut: list[AtributRead]
    # The region's working days for this category (its own, else the layanan's).
    sla_verifikasi: int
    sla_tindak_lanjut: int
    buka_kembali_hari: int


class AturanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sla_verifikasi: int = Field(ge=1, le=30, description="Hari kerja untuk verifikasi")
    sla_tindak_lanjut: int = Field(ge=1, le=60, description="Hari kerja untuk tindak lanjut OPD")
    buka_kembali_hari: int = Field(
        default=10, ge=0, le=60, description="Hari kerja pelapor dapat membuka kembali"
    )


class AturanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kategori: str
    sla_verifikasi: int
    sla_tindak_lanjut: int
    buka_kembali_hari: int
    updated_at: datetime


class LaporanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kategori: KodeKategori
    isi: Annotated[str, Teks(min_length=10, max_length=2000)]
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    alamat: Annotated[str, Nama(max_length=300)] | None = None
    # The answers to the category's questions (GET .../kategori lists them).
    atribut: dict[Annotated[str, Nama(max_length=60)], Jawaban] = Field(default_factory=dict, max_length=30)
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


class AksiMassalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aksi: Annotated[str, Nama(max_length=20)] = Field(description="verifikasi, arsipkan atau disposisi")
    ids: list[UUID] = Field(min_length=1, max_length=100)
    catatan: Annotated[str, Teks(max_length=2000)] | None = None
    opd_id: UUID | None = None
    opd_nama: Annotated[str, Nama(max_length=200)] | None = None


class PenolakanRead(BaseModel):
    id: UUID
    code: str
    pesan: str


class HasilMassalRead(BaseModel):
    berhasil: list[UUID]
    ditolak: list[PenolakanRead]


class GabungkanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    induk_id: UUID = Field(description="Laporan pertama, yang diikuti pelapor laporan ini")


class NilaiIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nilai: int = Field(ge=1, le=5)


class TerbitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    terbit: bool = Field(description="Tampilkan di peta dan daftar publik daerah")


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
    diterbitkan: bool


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
    atribut: dict[str, Any]
    # The same answers with their questions' names, in the category's order.
    jawaban: list[JawabanRead]
    lat: float | None
    lon: float | None
    lokasi_dibagikan: bool
    anonim_publik: bool
    anonim_opd: bool
    opd_id: UUID | None
    opd_nama: str | None
    opd_saran: str | None
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
    diterbitkan: bool
    pelapor: Pelapor | None
    foto: list[FotoRead]
    riwayat: list[RiwayatLaporan]
    # The layanan's own fields (e.g. the asset a damage report is tied to).
    ekstra: dict[str, Any]


class LaporanPublik(AduanView):
    """The public tracking view (statuses and times, no reporter), with the category's name."""

    kategori_label: str


class LaporanTerbit(BaseModel):
    """A report on the region's public map and list: no reporter, the point only if they shared it."""

    nomor: str
    kategori: str
    kategori_label: str
    status: str
    status_label: str
    isi: str
    lat: float | None
    lon: float | None
    opd_nama: str | None
    diterima_at: datetime
    dijawab_at: datetime | None


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
