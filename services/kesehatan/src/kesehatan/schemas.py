from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from puja_kit.text import Kode, Nama, Saringan
from pydantic import BaseModel, ConfigDict, Field, model_validator

JenisFasilitas = Literal["puskesmas", "klinik", "rumah_sakit"]
StatusAntrian = Literal["TERDAFTAR", "DIPANGGIL", "DILAYANI", "TIDAK_HADIR", "DIBATALKAN"]
StatusWarga = Literal["HIDUP", "MENINGGAL", "PINDAH"]

KODE_WILAYAH_PATTERN = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
NAMA_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

NamaFasilitas = Annotated[str, Nama(min_length=3, max_length=200)]
Alamat = Annotated[str, Nama(min_length=3, max_length=300)]
KodeWilayah = Annotated[str, Kode(KODE_WILAYAH_PATTERN, max_length=13)]
Telepon = Annotated[str, Kode(r"[0-9+()\- ]+", max_length=30)]
JamBuka = Annotated[str, Nama(max_length=200)]
# For the directory's search box.
Cari = Annotated[str, Saringan(max_length=100)]


class FasilitasCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jenis: JenisFasilitas
    nama: NamaFasilitas
    alamat: Alamat
    kode_wilayah: KodeWilayah = Field(description="Kode kecamatan (63.08.05) atau desa (63.08.05.1001)")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    telepon: Telepon | None = None
    igd: bool = Field(False, description="Melayani gawat darurat (IGD) 24 jam")
    jam_buka: JamBuka | None = Field(default=None, description="mis. Senin-Sabtu 08.00-14.00")

    @model_validator(mode="after")
    def _both_coordinates(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude dan longitude harus diisi keduanya atau dikosongkan keduanya")
        return self


class FasilitasUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jenis: JenisFasilitas | None = None
    nama: NamaFasilitas | None = None
    alamat: Alamat | None = None
    kode_wilayah: KodeWilayah | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    telepon: Telepon | None = None
    igd: bool | None = None
    jam_buka: JamBuka | None = None
    aktif: bool | None = None


class FasilitasRead(BaseModel):
    id: UUID
    jenis: JenisFasilitas
    nama: str
    alamat: str
    kode_wilayah: str
    nama_wilayah: str
    latitude: float | None
    longitude: float | None
    telepon: str | None
    igd: bool
    jam_buka: str | None
    aktif: bool
    diperbarui: datetime = Field(description="Terakhir diperbarui (fasilitas, poli atau jadwalnya)")
    jarak_km: float | None = Field(None, description="Jarak dari lat/lon yang diminta, bila diminta")


class PoliCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: Annotated[str, Nama(min_length=3, max_length=100)] = Field(
        description="mis. Poli Umum, Poli Gigi, Poli KIA"
    )
    kode: Annotated[str, Kode(r"[A-Z]{1,4}", max_length=4)] | None = Field(
        default=None, description="Awalan nomor antrian (bawaan: huruf awal nama)"
    )


class JadwalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hari: int = Field(ge=0, le=6, description="0 = Senin ... 6 = Minggu")
    jam_mulai: time
    jam_selesai: time
    tenaga: Annotated[str, Nama(min_length=3, max_length=200)] = Field(
        description="Nama dokter atau tenaga kesehatan"
    )
    kuota: int = Field(ge=1, le=1000, description="Jumlah antrian daring per hari")

    @model_validator(mode="after")
    def _hours_in_order(self) -> Self:
        if self.jam_mulai >= self.jam_selesai:
            raise ValueError("jam_selesai harus setelah jam_mulai")
        return self


class JadwalRead(BaseModel):
    id: UUID
    poli_id: UUID
    hari: int
    nama_hari: str
    jam_mulai: time
    jam_selesai: time
    tenaga: str
    kuota: int


class PoliRead(BaseModel):
    id: UUID
    fasilitas_id: UUID
    nama: str
    kode: str
    jadwal: list[JadwalRead]


class FasilitasDetail(FasilitasRead):
    poli: list[PoliRead]


class AntrianCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    poli_id: UUID
    tanggal: date = Field(description="Hari berobat (hari ini sampai 14 hari ke depan)")


class AntrianRingkas(BaseModel):
    """A poli's queue at a glance, for anyone (a waiting room's screen, a citizen deciding when to go):
    numbers and counts only, never a name or a NIK."""

    poli_id: UUID
    poli_nama: str
    fasilitas_nama: str
    tanggal: date
    sedang_dipanggil: str | None = Field(description="Nomor yang terakhir dipanggil, mis. U-007")
    menunggu: int
    dilayani: int
    kuota: int
    sisa_kuota: int
    diperbarui: datetime | None


class PoliDirektori(PoliRead):
    antrian_hari_ini: AntrianRingkas = Field(description="Ringkasan antrian poli hari ini")


class FasilitasDirektori(FasilitasRead):
    """A facility in the directory's page with its poli, their schedules and today's queues."""

    poli: list[PoliDirektori]


class AntrianRead(BaseModel):
    id: UUID
    fasilitas_id: UUID
    fasilitas_nama: str
    poli_id: UUID
    poli_nama: str
    tanggal: date
    nomor: int
    nomor_antrian: str = Field(description="Nomor untuk ditampilkan, mis. U-007")
    status: StatusAntrian
    alasan_batal: str | None
    dibuat: datetime
    diperbarui: datetime
    di_depan: int | None = Field(
        None, description="Di antrian milik warga yang masih menunggu: jumlah nomor menunggu sebelumnya"
    )


class AntrianPasienRead(AntrianRead):
    """A booking in the operator's day queue, with the patient as the citizen copy knows them."""

    pasien_nama: str
    pasien_nik_tersamar: str
    pasien_alamat: dict[str, Any] | None


class PasienRead(BaseModel):
    nik: str
    nama: str | None
    alamat: dict[str, Any] | None = Field(description="Alamat dari data kependudukan, bila ada")
    status: StatusWarga | None = Field(description="Status dari data kependudukan; kosong bila belum ada")
    diperbarui: datetime | None = Field(description="Kapan salinan data kependudukan terakhir diperbarui")
    antrian: list[AntrianRead]
