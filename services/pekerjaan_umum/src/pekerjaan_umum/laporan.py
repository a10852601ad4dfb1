"""Pekerjaan umum's damage reports (FixMyStreet-style: a category and a point on the map), on the kit's
report layanan (`puja_kit.workflow.laporan`): the categories, their questions and the usual OPD."""

from __future__ import annotations

from puja_kit.workflow.laporan import Atribut, JenisLaporan, Kategori

from pekerjaan_umum.models import Laporan, LaporanAturan, LaporanFoto, LaporanRiwayat

PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
UKURAN = {"kecil": "Kecil (kurang dari 1 m)", "sedang": "Sedang (1-3 m)", "besar": "Besar (lebih dari 3 m)"}
KATEGORI = (
    Kategori(
        "jalan_rusak",
        "Jalan rusak",
        "Jalan berlubang, retak, amblas atau longsor di jalan kabupaten/kota.",
        atribut=(
            Atribut(
                "jenis_kerusakan",
                "Bentuk kerusakan",
                "singlevaluelist",
                pilihan={"lubang": "Berlubang", "retak": "Retak", "amblas": "Amblas", "longsor": "Longsor"},
            ),
            Atribut("ukuran", "Perkiraan ukuran", "singlevaluelist", pilihan=UKURAN),
        ),
        opd_saran=PUPR,
        kata_kunci=("jalan", "lubang", "aspal"),
    ),
    Kategori(
        "jembatan",
        "Jembatan",
        "Jembatan retak, lantai berlubang, rangka atau sandaran rusak, atau putus.",
        atribut=(
            Atribut(
                "kondisi",
                "Kondisi jembatan",
                "singlevaluelist",
                pilihan={
                    "retak": "Retak",
                    "lantai": "Lantai berlubang",
                    "rangka": "Rangka rusak",
                    "putus": "Putus",
                },
            ),
        ),
        opd_saran=PUPR,
        kata_kunci=("jembatan", "titian"),
    ),
    Kategori(
        "drainase_banjir",
        "Drainase / banjir",
        "Saluran tersumbat atau rusak, genangan dan banjir di jalan.",
        atribut=(
            Atribut("tinggi_genangan_cm", "Tinggi genangan (cm)", "number", keterangan="Perkiraan, dalam cm"),
        ),
        opd_saran=PUPR,
        kata_kunci=("drainase", "saluran", "banjir", "genangan"),
    ),
    Kategori(
        "penerangan_jalan",
        "Penerangan jalan",
        "Lampu penerangan jalan umum padam atau tiangnya rusak.",
        atribut=(Atribut("jumlah_titik", "Jumlah lampu padam", "number"),),
        opd_saran="Dinas Perhubungan",
        kata_kunci=("lampu", "PJU"),
    ),
    Kategori("lainnya", "Lainnya", "Kerusakan sarana umum lainnya."),
)

JENIS = JenisLaporan(
    layanan="pekerjaan_umum",
    nama="Laporan kerusakan",
    prefix="PU",
    kategori=KATEGORI,
    laporan=Laporan,
    riwayat=LaporanRiwayat,
    foto=LaporanFoto,
    aturan=LaporanAturan,
    # Two reports of one category closer than this are offered to the verifier as the same damage.
    radius_duplikat_m=50.0,
)
