from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from puja_kit.text import Kode, Nama, Teks
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Level = Literal["WASPADA", "SIAGA", "AWAS"]
Bahaya = Literal["banjir", "tanah_longsor", "karhutla", "puting_beliung", "gempa_tsunami", "lainnya"]
JenisPesan = Literal["Alert", "Update", "Cancel"]
StatusPeringatan = Literal["AKAN_BERLAKU", "BERLAKU", "BERAKHIR", "DIBATALKAN"]
CaraTerima = Literal["TAUTAN", "TELEPON", "RADIO"]

LEVEL_LABEL: dict[str, str] = {"WASPADA": "Waspada", "SIAGA": "Siaga", "AWAS": "Awas"}
BAHAYA_LABEL: dict[str, str] = {
    "banjir": "Banjir",
    "tanah_longsor": "Tanah longsor",
    "karhutla": "Kebakaran hutan dan lahan",
    "puting_beliung": "Angin puting beliung",
    "gempa_tsunami": "Gempa bumi/tsunami",
    "lainnya": "Bahaya lainnya",
}
STATUS_LABEL: dict[str, str] = {
    "AKAN_BERLAKU": "Akan berlaku",
    "BERLAKU": "Berlaku",
    "BERAKHIR": "Berakhir",
    "DIBATALKAN": "Dibatalkan",
}

KODE_WILAYAH_PATTERN = r"\d{2}\.\d{2}\.\d{2}(\.\d{4})?"
KodeWilayah = Annotated[str, Kode(KODE_WILAYAH_PATTERN, max_length=13)]
KodeDesa = Annotated[str, Kode(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", max_length=13)]
Telepon = Annotated[str, Kode(r"\+?[0-9][0-9 \-]{5,18}", max_length=20)]
NamaPos = Annotated[str, Nama(min_length=3, max_length=200)]
Judul = Annotated[str, Nama(min_length=5, max_length=160)]
Uraian = Annotated[str, Teks(min_length=5, max_length=2000)]
Catatan = Annotated[str, Teks(max_length=500)]


# --- linmas posts -----------------------------------------------------------------------------


class PosCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaPos
    kode_wilayah: KodeDesa = Field(description="Kode desa/kelurahan tempat pos (mis. 63.08.05.1001)")
    telepon: Telepon = Field(description="Nomor telepon/WA pos (mis. 0812 5123 4567)")


class PosUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: NamaPos | None = None
    kode_wilayah: KodeDesa | None = None
    telepon: Telepon | None = None
    aktif: bool | None = None


class PosRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    nama: str
    kode_wilayah: str
    wilayah_nama: str
    telepon: str
    aktif: bool


# --- the region's areas, for the area picker ---------------------------------------------------


class Desa(BaseModel):
    kode: str
    nama: str


class Kecamatan(BaseModel):
    kode: str
    nama: str
    desa: list[Desa]


class WilayahDaerah(BaseModel):
    edisi: str
    kecamatan: list[Kecamatan]


# --- early warnings ----------------------------------------------------------------------------


class PeringatanIn(BaseModel):
    """A warning as staff issue it, and each later version of it (the whole warning, not a patch)."""

    model_config = ConfigDict(extra="forbid")

    level: Level
    bahaya: Bahaya
    judul: Judul = Field(description="Judul singkat, mis. 'Siaga banjir di Amuntai Tengah'")
    uraian: Uraian = Field(description="Apa yang terjadi atau diperkirakan terjadi")
    instruksi: Uraian = Field(description="Apa yang harus dilakukan warga")
    wilayah: list[KodeWilayah] = Field(
        min_length=1, max_length=60, description="Kode kecamatan atau desa/kelurahan di daerah ini"
    )
    berlaku_mulai: AwareDatetime
    berlaku_sampai: AwareDatetime

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.berlaku_sampai <= self.berlaku_mulai:
            raise ValueError("berlaku_sampai harus sesudah berlaku_mulai")
        return self


class BatalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alasan: Uraian


class WilayahRead(BaseModel):
    kode: str
    nama: str


class VersiRingkas(BaseModel):
    """One message of a warning's history, for its page."""

    versi: int
    versi_id: UUID
    jenis_pesan: JenisPesan
    level: Level
    level_label: str
    judul: str
    dikirim_at: datetime
    alasan_batal: str | None


class PeringatanPublik(BaseModel):
    """A warning's latest version as the public sees it (no staff names)."""

    id: UUID
    versi: int
    versi_id: UUID
    jenis_pesan: JenisPesan
    level: Level
    level_label: str
    bahaya: Bahaya
    bahaya_label: str
    judul: str
    uraian: str
    instruksi: str
    wilayah: list[WilayahRead]
    berlaku_mulai: datetime
    berlaku_sampai: datetime
    dikirim_at: datetime
    status: StatusPeringatan
    status_label: str
    alasan_batal: str | None


class PeringatanRead(PeringatanPublik):
    pengirim_nama: str
    riwayat: list[VersiRingkas] = []


class FeedPeringatan(BaseModel):
    """The public feed of a region's current warnings."""

    daerah: str
    diperbarui_at: datetime | None = Field(description="Pesan terakhir daerah ini, untuk kesegaran data")
    items: list[PeringatanPublik]


# --- acknowledgements ---------------------------------------------------------------------------


class PosPenerimaan(BaseModel):
    pos_id: UUID
    nama: str
    telepon: str
    kode_wilayah: str
    wilayah_nama: str
    diterima_at: datetime | None
    cara: CaraTerima | None
    token: str = Field(description="Token tautan tanda terima pos ini (sekali pakai)")


class WilayahPenerimaan(BaseModel):
    kode: str
    nama: str
    pos_tercakup: int
    diterima: int
    senyap: int
    terlambat: bool = Field(description="Masih ada pos yang diam lewat batas menit senyap")
    pos: list[PosPenerimaan]


class PapanPenerimaan(BaseModel):
    peringatan: PeringatanRead
    senyap_menit: int
    terlambat: bool
    wilayah: list[WilayahPenerimaan]


class WilayahSenyap(BaseModel):
    peringatan_id: UUID
    judul: str
    level: Level
    kode: str
    nama: str
    pos_tercakup: int
    senyap: int
    sejak: datetime


class TerimaCatat(BaseModel):
    """A post's acknowledgement received by phone or radio, recorded by staff."""

    model_config = ConfigDict(extra="forbid")

    pos_id: UUID
    cara: Literal["TELEPON", "RADIO"]
    catatan: Catatan | None = None


class PenerimaanRead(BaseModel):
    pos_id: UUID
    pos_nama: str
    versi_id: UUID
    cara: CaraTerima
    diterima_at: datetime


class TautanTerima(BaseModel):
    """What a post sees when it opens its acknowledgement link."""

    pos_nama: str
    wilayah_nama: str
    peringatan: PeringatanPublik
    diterima_at: datetime | None
    masih_berlaku: bool = Field(description="Versi ini masih versi terakhir dan belum berakhir")
