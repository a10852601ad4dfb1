from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from puja_kit.text import Kode, Nama, Teks
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Jabatan = Literal["KETUA", "WAKIL_KETUA", "SEKRETARIS", "ANGGOTA"]
JenisAgenda = Literal["RESES", "RDP"]
StatusAgenda = Literal["TERJADWAL", "SELESAI", "DIBATALKAN"]
Waktu = Literal["mendatang", "lalu"]

KODE_WILAYAH_PATTERN = r"^\d{2}\.\d{2}\.\d{2}(\.\d{4})?$"
NamaOrang = Annotated[str, Nama(min_length=3, max_length=200)]
Singkatan = Annotated[str, Nama(min_length=1, max_length=30)]
NamaKomisi = Annotated[str, Nama(min_length=3, max_length=100)]
Bidang = Annotated[str, Nama(min_length=3, max_length=200)]
Mitra = Annotated[str, Teks(max_length=2000)]
Dapil = Annotated[str, Nama(min_length=2, max_length=100)]
Judul = Annotated[str, Nama(min_length=3, max_length=200)]
Tempat = Annotated[str, Nama(min_length=3, max_length=300)]
Keterangan = Annotated[str, Teks(max_length=2000)]
Catatan = Annotated[str, Teks(max_length=500)]
KodeWilayah = Annotated[str, Kode(KODE_WILAYAH_PATTERN, max_length=13)]


class FraksiCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaOrang
    singkatan: Singkatan


class FraksiUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaOrang | None = None
    singkatan: Singkatan | None = None
    aktif: bool | None = None


class FraksiRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    nama: str
    singkatan: str
    aktif: bool
    updated_at: datetime


class KomisiCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaKomisi = Field(description='mis. "Komisi I"')
    bidang: Bidang = Field(description="Bidang kerja, mis. pemerintahan dan hukum")
    mitra: Mitra | None = Field(None, description="OPD dan urusan yang diawasi")


class KomisiUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaKomisi | None = None
    bidang: Bidang | None = None
    mitra: Mitra | None = None
    aktif: bool | None = None


class AnggotaRingkas(BaseModel):
    id: UUID
    nama: str
    jabatan: Jabatan
    jabatan_label: str
    fraksi_singkatan: str


class KomisiRead(BaseModel):
    id: UUID
    nama: str
    bidang: str
    mitra: str | None
    aktif: bool
    updated_at: datetime
    anggota: list[AnggotaRingkas] = Field(description="Anggota aktif komisi, ketua dahulu")


class AnggotaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaOrang
    fraksi_id: UUID
    komisi_id: UUID | None = None
    dapil: Dapil = Field(description='Daerah pemilihan, mis. "Dapil 1 (Amuntai Tengah, Banjang)"')
    jabatan: Jabatan = "ANGGOTA"
    periode_mulai: date
    periode_selesai: date

    @model_validator(mode="after")
    def _periode(self) -> Self:
        if self.periode_mulai >= self.periode_selesai:
            raise ValueError("periode_selesai harus setelah periode_mulai")
        return self


class AnggotaUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaOrang | None = None
    fraksi_id: UUID | None = None
    komisi_id: UUID | None = None
    dapil: Dapil | None = None
    jabatan: Jabatan | None = None
    periode_mulai: date | None = None
    periode_selesai: date | None = None
    aktif: bool | None = None


class AnggotaRead(BaseModel):
    id: UUID
    nama: str
    fraksi_id: UUID
    fraksi_nama: str
    fraksi_singkatan: str
    komisi_id: UUID | None
    komisi_nama: str | None
    dapil: str
    jabatan: Jabatan
    jabatan_label: str
    periode_mulai: date
    periode_selesai: date
    aktif: bool
    updated_at: datetime


class AgendaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jenis: JenisAgenda
    judul: Judul
    komisi_id: UUID | None = Field(None, description="Komisi penyelenggara (RDP), bila ada")
    anggota_ids: list[UUID] = Field(default=[], max_length=20, description="Anggota yang hadir")
    kode_wilayah: KodeWilayah | None = Field(
        None, description="Kecamatan (63.08.05) atau desa (63.08.05.1001) tempat agenda"
    )
    tempat: Tempat = Field(description='mis. "Balai Desa Sungai Malang"')
    mulai: AwareDatetime
    selesai: AwareDatetime
    keterangan: Keterangan | None = None

    @model_validator(mode="after")
    def _waktu(self) -> Self:
        if self.mulai >= self.selesai:
            raise ValueError("selesai harus setelah mulai")
        if self.komisi_id is None and not self.anggota_ids:
            raise ValueError("isi komisi_id atau paling sedikit satu anggota_ids")
        return self


class AgendaStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["SELESAI", "DIBATALKAN"]
    catatan: Catatan | None = Field(None, description="Wajib untuk pembatalan: alasannya")


class AgendaRead(BaseModel):
    id: UUID
    jenis: JenisAgenda
    jenis_label: str
    judul: str
    komisi_id: UUID | None
    komisi_nama: str | None
    anggota: list[AnggotaRingkas]
    kode_wilayah: str | None
    nama_wilayah: str | None
    tempat: str
    mulai: datetime
    selesai: datetime
    keterangan: str | None
    status: StatusAgenda
    status_label: str
    catatan_status: str | None
    updated_at: datetime


StatusPokir = Literal[
    "DIUSULKAN", "DIVERIFIKASI_SETWAN", "DIVALIDASI_OPD", "DIBAHAS_TAPD", "MASUK_RENJA", "TIDAK_DITERIMA"
]
CatatanPokir = Annotated[str, Teks(max_length=1000)]


class PokirUsulIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    anggota_id: UUID = Field(description="Anggota DPRD yang mengusulkan aspirasi ini sebagai pokir")
    catatan: CatatanPokir | None = None


class PokirStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["DIVERIFIKASI_SETWAN", "DIVALIDASI_OPD", "DIBAHAS_TAPD", "MASUK_RENJA", "TIDAK_DITERIMA"]
    catatan: CatatanPokir | None = Field(None, description="Wajib untuk TIDAK_DITERIMA: alasannya")


class PokirLangkah(BaseModel):
    dari: StatusPokir | None
    ke: StatusPokir
    label: str
    catatan: str | None
    actor_nama: str | None
    waktu: datetime


class PokirRead(BaseModel):
    id: UUID
    aspirasi_id: UUID
    komisi_id: UUID
    komisi_nama: str
    anggota_id: UUID
    anggota_nama: str
    status: StatusPokir
    status_label: str
    alasan: str | None
    riwayat: list[PokirLangkah]


class PokirLangkahPublik(BaseModel):
    status: StatusPokir
    label: str
    waktu: datetime


class PokirPublik(BaseModel):
    """A pokir's states and times for anyone with the aspiration's number: no names, no notes."""

    status: StatusPokir
    status_label: str
    riwayat: list[PokirLangkahPublik]


class AspirasiDijawab(BaseModel):
    """An answered aspiration in its commission's public list, without who sent it."""

    id: UUID
    nomor: str
    kategori: str
    kategori_label: str
    isi: str
    jawaban: str | None
    dijawab_at: datetime
    status: str
    status_label: str
    pokir_status: StatusPokir | None
    pokir_status_label: str | None
