"""The layanan the platform knows: the 14 of the mission and the later thematic ones."""

from __future__ import annotations

LAYANAN: dict[str, str] = {
    "perizinan": "Perizinan",
    "kesehatan": "Kesehatan",
    "kependudukan": "Kependudukan",
    "ketenagakerjaan": "Ketenagakerjaan",
    "pendidikan": "Pendidikan",
    "komoditas": "Harga Komoditas",
    "aspirasi": "Aspirasi DPRD",
    "trantibumlinmas": "Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat",
    "pekerjaan_umum": "Pekerjaan Umum",
    "administrasi_pemerintahan": "Administrasi Pemerintahan",
    "pariwisata": "Pariwisata",
    "sosial": "Sosial",
    "perhubungan": "Perhubungan",
    "eternak": "e-Ternak",
    "pajak_retribusi": "Pajak dan Retribusi Daerah",
    "data_kemiskinan": "Data Kemiskinan",
    "bumdes": "BUMDes",
}
