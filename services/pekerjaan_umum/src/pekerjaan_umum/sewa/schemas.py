from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from puja_kit.text import Kode, Nama, Teks
from pydantic import BaseModel, ConfigDict, Field

JenisAlat = Literal[
    "excavator", "motor_grader", "vibro_roller", "dump_truck", "wheel_loader", "bulldozer", "tandem_roller"
]
JENIS_ALAT: dict[str, str] = {
    "excavator": "Ekskavator",
    "motor_grader": "Motor grader",
    "vibro_roller": "Vibro roller",
    "dump_truck": "Dump truck",
    "wheel_loader": "Wheel loader",
    "bulldozer": "Buldoser",
    "tandem_roller": "Tandem roller",
}
StatusAlat = Literal["TERSEDIA", "PERAWATAN"]
STATUS_ALAT = {"TERSEDIA": "Tersedia", "PERAWATAN": "Dalam perawatan"}
StatusPemesanan = Literal[
    "DIAJUKAN", "DISETUJUI", "DIBAYAR", "DIPAKAI", "DIKEMBALIKAN", "DITOLAK", "DIBATALKAN"
]
STATUS: dict[str, str] = {
    "DIAJUKAN": "Diajukan",
    "DISETUJUI": "Disetujui, menunggu pembayaran",
    "DIBAYAR": "Retribusi dibayar",
    "DIPAKAI": "Alat diserahkan, sedang dipakai",
    "DIKEMBALIKAN": "Alat dikembalikan",
    "DITOLAK": "Ditolak",
    "DIBATALKAN": "Dibatalkan",
}
Aksi = Literal["setujui", "tolak", "bayar", "serahkan", "kembalikan", "batalkan"]
BulanTahun = Annotated[str, Kode(r"\d{4}-(0[1-9]|1[0-2])", max_length=7)]


class AlatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: Annotated[str, Nama(max_length=200)]
    jenis: JenisAlat
    nomor: Annotated[str, Nama(max_length=40)] = Field(description="Nomor polisi atau nomor seri")
    status: StatusAlat = "TERSEDIA"


class AlatUbah(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: Annotated[str, Nama(max_length=200)] | None = None
    status: StatusAlat | None = None


class AlatRead(BaseModel):
    id: UUID
    nama: str
    jenis: str
    jenis_label: str
    nomor: str
    status: str
    status_label: str
    tarif_harian: int | None
    diperbarui_at: datetime


class TarifIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tarif_harian: int = Field(gt=0, le=10**10, description="Rupiah per hari")
    dasar_hukum: Annotated[str, Nama(max_length=300)] | None = Field(
        default=None, description="Mis. Perda Kab. HSU No. 5 Tahun 2023 tentang Retribusi Daerah"
    )


class TarifRead(BaseModel):
    jenis: str
    jenis_label: str
    tarif_harian: int
    dasar_hukum: str | None
    diperbarui_at: datetime


class PemesananIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alat_id: UUID
    mulai: date
    selesai: date = Field(description="Hari terakhir pemakaian (ikut dihitung)")
    keperluan: Annotated[str, Teks(min_length=5, max_length=2000)]
    lokasi: Annotated[str, Nama(max_length=300)]
    laporan_id: UUID | None = Field(default=None, description="Laporan kerusakan asal pemesanan ini")
    opd_nama: Annotated[str, Nama(max_length=200)] | None = Field(
        default=None, description="Petugas memesan atas nama OPD ini (wajib bagi petugas)"
    )


class AksiIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catatan: Annotated[str, Teks(max_length=2000)] | None = None
    referensi_bayar: Annotated[str, Nama(max_length=100)] | None = Field(
        default=None, description="Nomor bukti setor retribusi ke Kas Daerah (untuk 'bayar')"
    )


class RiwayatRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    dari: str | None
    ke: str
    aksi: str
    actor_role: str
    catatan: str | None
    waktu: datetime


class PemesananRingkas(BaseModel):
    id: UUID
    alat_id: UUID
    alat_nama: str
    alat_jenis_label: str
    pemohon_nama: str
    opd_nama: str | None
    mulai: date
    selesai: date
    hari: int
    tarif_harian: int
    biaya: int
    keperluan: str
    lokasi: str
    laporan_id: UUID | None
    status: str
    status_label: str
    referensi_bayar: str | None
    alasan: str | None
    antrean: int | None = Field(description="Posisi dalam antrean alat ini untuk tanggal tersebut")
    diajukan_at: datetime


class PemesananRead(PemesananRingkas):
    riwayat: list[RiwayatRead]


class HariKalender(BaseModel):
    tanggal: date
    status: str | None = Field(description="DISETUJUI/DIBAYAR/DIPAKAI bila alat terpakai; kosong bila bebas")
    antrean: int = Field(description="Jumlah pengajuan yang menunggu untuk hari ini")


class KalenderRead(BaseModel):
    alat: AlatRead
    bulan: str
    hari: list[HariKalender]
