"""What the inventory, project and rental pages share: the router, labels, messages and form helpers."""

from __future__ import annotations

from fastapi import APIRouter

from portal.halaman.dasar import (
    Daerah,
    Tautan,
    api_of,
    staff_of,
)
from portal.sesi import Pengunjung
from portal.wilayah import kecamatan_of

LAYANAN = "pekerjaan_umum"
router = APIRouter(prefix="/{slug}/pekerjaan_umum")
_api = api_of(LAYANAN)
petugas = staff_of(LAYANAN)
TEMPLAT = "pekerjaan_umum_aset"

JENIS = {"ruas_jalan": "Ruas jalan", "jembatan": "Jembatan", "drainase": "Saluran drainase"}
KONDISI = {"BAIK": "Baik", "SEDANG": "Sedang", "RUSAK_RINGAN": "Rusak ringan", "RUSAK_BERAT": "Rusak berat"}
# The road's surface; the bridge's and the channel's construction (the service's own lists).
TIPE = {
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
STATUS_PROYEK = {
    "RENCANA": "Rencana",
    "BERJALAN": "Berjalan",
    "SELESAI": "Selesai",
    "DIHENTIKAN": "Dihentikan",
}
# Where a project may go from each status (the service refuses the rest).
LANGKAH_PROYEK = {"RENCANA": ("BERJALAN", "DIHENTIKAN"), "BERJALAN": ("SELESAI", "DIHENTIKAN")}
JENIS_ALAT = {
    "excavator": "Ekskavator",
    "motor_grader": "Motor grader",
    "vibro_roller": "Vibro roller",
    "dump_truck": "Dump truck",
    "wheel_loader": "Wheel loader",
    "bulldozer": "Buldoser",
    "tandem_roller": "Tandem roller",
}
STATUS_ALAT = {"TERSEDIA": "Tersedia", "PERAWATAN": "Dalam perawatan"}
STATUS_SEWA = {
    "DIAJUKAN": "Diajukan",
    "DISETUJUI": "Disetujui",
    "DIBAYAR": "Dibayar",
    "DIPAKAI": "Dipakai",
    "DIKEMBALIKAN": "Dikembalikan",
    "DITOLAK": "Ditolak",
    "DIBATALKAN": "Dibatalkan",
}
# The steps the staff (and the applicant, for cancelling) take on a booking, by status.
LANGKAH = {
    "DIAJUKAN": ("setujui", "tolak", "batalkan"),
    "DISETUJUI": ("bayar", "tolak", "batalkan"),
    "DIBAYAR": ("serahkan", "batalkan"),
    "DIPAKAI": ("kembalikan",),
}
LABEL_LANGKAH = {
    "setujui": "Setujui pemesanan",
    "tolak": "Tolak pemesanan",
    "bayar": "Catat pembayaran retribusi",
    "serahkan": "Serahkan alat",
    "kembalikan": "Catat alat dikembalikan",
    "batalkan": "Batalkan pemesanan",
}
PERLU_ALASAN = {"tolak", "batalkan"}
NAMA_HARI = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
NAMA_BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
PESAN = {
    "diajukan": "Pemesanan diajukan. Petugas akan memeriksa jadwal alat.",
    "aksi": "Tindakan tersimpan.",
    "survei": "Hasil survei tercatat.",
    "aset_baru": "Aset tercatat di inventaris.",
    "aset_ubah": "Data aset tersimpan.",
    "laporan": "Laporan kerusakan dikaitkan dengan aset ini.",
    "proyek_baru": "Proyek tercatat.",
    "status": "Status proyek tersimpan.",
    "progres": "Laporan kemajuan tercatat.",
    "alat_baru": "Alat berat tercatat.",
    "alat_ubah": "Data alat tersimpan.",
    "tarif": "Tarif sewa tersimpan; berlaku untuk pemesanan berikutnya.",
}


def _base(daerah: Daerah) -> str:
    return f"/{daerah.slug}/{LAYANAN}"


def tautan(daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    links = [
        Tautan(
            "Inventaris jalan, jembatan dan drainase", f"{_base(daerah)}/aset", "kondisi dan riwayat survei"
        ),
        Tautan("Proyek pekerjaan umum", f"{_base(daerah)}/proyek", "anggaran dan kemajuan"),
        Tautan("Sewa alat berat", f"{_base(daerah)}/alat", "jadwal, tarif dan pemesanan"),
    ]
    if pengunjung.warga:
        links.append(Tautan("Pemesanan alat saya", f"{_base(daerah)}/sewa/saya"))
    if petugas(pengunjung, daerah):
        links.append(Tautan("Kotak masuk sewa alat", f"{_base(daerah)}/sewa", "untuk petugas"))
    return links


def _kecamatan(daerah: Daerah) -> dict[str, str]:
    return {k.kode: k.nama for k in kecamatan_of(daerah.kode)}


def _angka(value: str) -> str | None:
    """A decimal as typed (a comma as the decimal sign too); empty is None. The service validates it."""
    value = value.replace(" ", "")
    return value.replace(",", ".") if value else None


def _rupiah_isian(value: str) -> str | None:
    """Rupiah as typed ("Rp 3.275.000.000"): the digits; empty is None. The service validates it."""
    value = value.replace(" ", "").removeprefix("Rp").removeprefix("rp").replace(".", "")
    return value or None


def _tampil(number: float | int | None) -> str:
    """A number back into a form field: 12.0 as 12, None as empty."""
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)
