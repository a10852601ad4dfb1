"""Reports of public-order problems on the kit's report layanan (`puja_kit.workflow.laporan`): the
categories, their questions and the OPD that usually acts (offered first to the verifier). The three
acting agencies are OPDs of the region, named as the registry holds them."""

from __future__ import annotations

from puja_kit.workflow.laporan import Atribut, JenisLaporan, Kategori

from trantibumlinmas.models import Laporan, LaporanAturan, LaporanFoto, LaporanRiwayat

SATPOL_PP = "Satuan Polisi Pamong Praja"
BPBD = "Badan Penanggulangan Bencana Daerah"
DAMKAR = "Dinas Pemadam Kebakaran dan Penyelamatan"
YA_TIDAK = {"ya": "Ya", "tidak": "Tidak"}
KATEGORI = (
    Kategori(
        "kebakaran",
        "Kebakaran",
        "Kebakaran rumah, bangunan, kendaraan, hutan atau lahan.",
        atribut=(
            Atribut("ada_korban", "Ada orang terjebak atau terluka?", "singlevaluelist", pilihan=YA_TIDAK),
            Atribut(
                "objek",
                "Yang terbakar",
                "singlevaluelist",
                pilihan={"bangunan": "Rumah/bangunan", "kendaraan": "Kendaraan", "lahan": "Hutan/lahan"},
            ),
        ),
        opd_saran=DAMKAR,
        kata_kunci=("api", "terbakar", "asap", "karhutla"),
    ),
    Kategori(
        "penyelamatan",
        "Penyelamatan (non kebakaran)",
        "Hewan berbahaya (ular, sarang tawon), orang terjebak, evakuasi di luar kebakaran.",
        opd_saran=DAMKAR,
        kata_kunci=("ular", "tawon", "terjebak", "evakuasi"),
    ),
    Kategori(
        "bencana",
        "Bencana",
        "Banjir, tanah longsor, angin puting beliung, pohon tumbang atau kerusakan akibat bencana.",
        atribut=(
            Atribut(
                "jenis_bencana",
                "Jenis bencana",
                "singlevaluelist",
                pilihan={
                    "banjir": "Banjir",
                    "longsor": "Tanah longsor",
                    "angin": "Angin puting beliung",
                    "pohon": "Pohon tumbang",
                    "lainnya": "Lainnya",
                },
            ),
            Atribut("perlu_evakuasi", "Warga perlu dievakuasi?", "singlevaluelist", pilihan=YA_TIDAK),
        ),
        opd_saran=BPBD,
        kata_kunci=("banjir", "longsor", "angin", "pohon tumbang"),
    ),
    Kategori(
        "gangguan_ketertiban",
        "Gangguan ketertiban",
        "Keributan, mabuk-mabukan, balap liar, pedagang atau parkir yang mengganggu fasilitas umum.",
        opd_saran=SATPOL_PP,
        kata_kunci=("ribut", "mabuk", "balap liar", "PKL"),
    ),
    Kategori(
        "pelanggaran_perda",
        "Pelanggaran perda",
        "Bangunan atau reklame tanpa izin, usaha yang melanggar peraturan daerah.",
        opd_saran=SATPOL_PP,
        kata_kunci=("bangunan liar", "reklame", "perda"),
    ),
    Kategori("lainnya", "Lainnya", "Masalah ketenteraman dan ketertiban umum lainnya.", opd_saran=SATPOL_PP),
)

JENIS = JenisLaporan(
    layanan="trantibumlinmas",
    nama="Laporan trantibum",
    prefix="TR",
    kategori=KATEGORI,
    laporan=Laporan,
    riwayat=LaporanRiwayat,
    foto=LaporanFoto,
    aturan=LaporanAturan,
    # A fire or a flood is reported by many neighbours at once: offer those within 150 m as the same.
    radius_duplikat_m=150.0,
)
