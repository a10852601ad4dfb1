"""Dates in the region's own zone and Indonesian format; rupiah and sizes as people write them."""

from __future__ import annotations

from portal.tampilan import desimal, rupiah, tanggal, ukuran


def test_a_moment_reads_in_the_regions_zone() -> None:
    moment = "2026-12-01T16:30:00Z"
    assert tanggal(moment, "WIB") == "1 Desember 2026, 23.30 WIB"
    assert tanggal(moment, "WITA") == "2 Desember 2026, 00.30 WITA"
    assert tanggal(moment, "WIT") == "2 Desember 2026, 01.30 WIT"
    assert tanggal(moment, "WITA", jam=False) == "2 Desember 2026"
    assert tanggal("2026-08-17") == "17 Agustus 2026"
    assert tanggal(None) == "-" and tanggal("bukan tanggal") == "-"


def test_rupiah_and_sizes() -> None:
    assert rupiah(150_000) == "Rp150.000"
    assert rupiah(1_250_000) == "Rp1.250.000"
    assert rupiah(0) == "Gratis"
    assert ukuran(820) == "820 bita"
    assert ukuran(14 * 1024) == "14 KB"
    assert ukuran(int(2.4 * 1024 * 1024)) == "2,4 MB"
    # Lengths and shares with a decimal comma, at most two decimals.
    assert (desimal(9.4), desimal(37.254), desimal(12.0), desimal(1250.5)) == (
        "9,4",
        "37,25",
        "12",
        "1.250,5",
    )
