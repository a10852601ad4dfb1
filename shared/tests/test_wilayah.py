"""Kode wilayah inside a region, checked the same way in every service."""

from __future__ import annotations

import pytest
from puja_kit import wilayah
from puja_kit.errors import InvalidInput


def test_a_kecamatan_or_desa_inside_the_region_is_found() -> None:
    kecamatan = wilayah.in_region("63.08.05", "63.08")
    assert (kecamatan.name, kecamatan.level) == ("Amuntai Tengah", wilayah.KECAMATAN)
    assert wilayah.in_region("63.08.05.1001", "63.08").name == "Antasari"
    assert wilayah.EDISI == "Kepmendagri 300.2.2-2138/2025"


@pytest.mark.parametrize(
    ("kode", "levels", "code"),
    [
        ("63.09.01", wilayah.KECAMATAN_ATAU_DESA, "di_luar_daerah"),  # Balangan
        ("63.08.99", wilayah.KECAMATAN_ATAU_DESA, "tidak_dikenal"),
        ("63.08", wilayah.KECAMATAN_ATAU_DESA, "bukan_kecamatan_atau_desa"),
        ("63.08.05", wilayah.HANYA_DESA, "bukan_desa"),
    ],
)
def test_a_code_outside_unknown_or_of_the_wrong_level_is_refused_on_its_field(
    kode: str, levels: frozenset[int], code: str
) -> None:
    problem = wilayah.check(kode, "63.08", levels=levels)
    assert isinstance(problem, wilayah.Masalah)
    assert problem.code == code
    with pytest.raises(InvalidInput) as refused:
        wilayah.in_region(kode, "63.08", levels=levels, field="alamat.kode_wilayah")
    [error] = refused.value.errors or []
    assert (error["field"], error["code"]) == ("alamat.kode_wilayah", code)
    assert refused.value.detail.startswith(f"Kode wilayah {kode} ")
