"""The bulk import keeps good rows, rejects bad ones with reasons, and never overwrites."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from kependudukan import impor
from kependudukan.contoh import csv_text, rows
from puja_kit.testing.layanan import LayananDriver

from .factories import AYAH, family_rows, import_csv, warga_headers


async def test_bad_rows_are_rejected_with_reasons_and_good_rows_kept(layanan: LayananDriver) -> None:
    good = list(rows("63.08", 50, seed=3))
    bad = [
        {**good[0], "nik": "12345"},
        {**good[1], "tanggal_lahir": "1901-01-01"},
        {**good[2], "kode_wilayah": "63.09.01.2001"},
        {**good[3], "kode_wilayah": "63.08.99.9999"},
        {**good[4], "jenis_kelamin": "X", "nama": ""},
        dict(good[5]),  # the same NIK twice in one file
        family_rows()[0],  # already registered
        {**good[6], "nama": "Budi\tSantoso", "alamat": "Jl. Norman\nUmar"},
    ]
    job = await import_csv(layanan, csv_text(good + bad))
    assert job["status"] == "SELESAI"
    assert job["diproses"] == 58
    assert job["berhasil"] == 50
    assert job["ditolak"] == 8
    rejected = (
        await layanan.client.get(
            layanan.url(f"/impor/{job['id']}/ditolak"), params={"size": 100}, headers=layanan.operator_x
        )
    ).json()
    reasons = {row["baris"]: row["alasan"] for row in rejected["items"]}
    assert "NIK tidak valid" in reasons[52]
    assert "tidak cocok dengan NIK" in reasons[53]
    assert "bukan desa/kelurahan di daerah ini" in reasons[54]
    assert "tidak dikenal" in reasons[55]
    assert "jenis_kelamin" in reasons[56] and "nama" in reasons[56]
    assert "dua kali" in reasons[57]
    assert reasons[58] == "NIK sudah terdaftar"
    assert reasons[59] == "nama berisi karakter kontrol; alamat berisi karakter kontrol"
    listed = (
        await layanan.client.get(
            layanan.url("/penduduk"), params={"q": good[10]["nik"]}, headers=layanan.operator_x
        )
    ).json()
    assert listed["items"][0]["nama"] == good[10]["nama"]
    record = (await layanan.client.get(layanan.url(f"/penduduk/{AYAH}"), headers=layanan.operator_x)).json()
    assert record["nama"] == "Warga Demo", "an import never overwrites a record"


async def test_a_file_without_the_columns_fails_clearly(layanan: LayananDriver) -> None:
    job = await import_csv(layanan, "nama,alamat\nBudi,Amuntai\n")
    assert job["status"] == "GAGAL"
    assert "kolom wajib tidak ada" in job["pesan"]


async def test_only_staff_import(layanan: LayananDriver) -> None:
    response = await layanan.client.post(
        layanan.url("/impor"),
        files={"berkas": ("p.csv", b"nik\n", "text/csv")},
        headers=warga_headers(layanan, AYAH),
    )
    assert response.status_code == 403


async def test_a_file_that_is_not_utf8_fails_with_a_reason_and_keeps_nothing_half_done(
    layanan: LayananDriver,
) -> None:
    rows_cp1252 = "nik,no_kk,nama,tempat_lahir,tanggal_lahir,jenis_kelamin,alamat,rt,rw,kode_wilayah\n"
    rows_cp1252 += "6308051708900099,6308050101100001,Jos\u00e9 B\u00e9la,Amuntai,1990-08-17,L,Jl. A,001,001,63.08.05.1001\n"
    response = await layanan.client.post(
        layanan.url("/impor"),
        files={"berkas": ("excel.csv", rows_cp1252.encode("cp1252"), "text/csv")},
        headers=layanan.operator_x,
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    for _ in range(200):
        job = (await layanan.client.get(layanan.url(f"/impor/{job_id}"), headers=layanan.operator_x)).json()
        if job["status"] != "BERJALAN":
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "GAGAL"
    assert "UTF-8" in job["pesan"]
    assert job["berhasil"] == 0


async def test_a_large_import_does_not_hold_up_other_requests(
    layanan: LayananDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing and checking run off the event loop: while 30,000 rows import in this process, no row is
    checked on the loop's thread, the loop keeps waking, /healthz keeps answering, and the counts are
    what they always were."""
    checked_on: set[int] = set()
    original_check = impor.check_row

    def recording_check(row: dict[str, str], tenant_kode: str) -> Any:
        checked_on.add(threading.get_ident())
        return original_check(row, tenant_kode)

    monkeypatch.setattr(impor, "check_row", recording_check)
    good = list(rows("63.08", 30_000, seed=8))
    bad = [{**good[7], "nik": "12345"}, dict(good[0]), dict(good[12_345])]  # invalid, twice in the file
    data = csv_text(good + bad).encode()
    worst_gap = 0.0
    worst_health = 0.0
    running = True

    async def probe() -> None:
        # The loop-lag probe: each wake-up should come 5 ms after the last; any more is time the
        # loop spent on something that did not yield.
        nonlocal worst_gap
        loop = asyncio.get_running_loop()
        last = loop.time()
        while running:
            await asyncio.sleep(0.005)
            now = loop.time()
            worst_gap = max(worst_gap, now - last - 0.005)
            last = now

    async def health() -> None:
        nonlocal worst_health
        loop = asyncio.get_running_loop()
        while running:
            started = loop.time()
            response = await layanan.client.get("/healthz")
            assert response.status_code == 200
            worst_health = max(worst_health, loop.time() - started)
            await asyncio.sleep(0.01)

    response = await layanan.client.post(
        layanan.url("/impor"),
        files={"berkas": ("besar.csv", data, "text/csv")},
        headers=layanan.operator_x,
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    watchers = [asyncio.create_task(probe()), asyncio.create_task(health())]
    try:
        for _ in range(1_200):
            job = (
                await layanan.client.get(layanan.url(f"/impor/{job_id}"), headers=layanan.operator_x)
            ).json()
            if job["status"] != "BERJALAN":
                break
            await asyncio.sleep(0.05)
    finally:
        running = False
        await asyncio.gather(*watchers)
    assert job["status"] == "SELESAI", job
    assert (job["diproses"], job["berhasil"], job["ditolak"]) == (30_003, 30_000, 3)
    rejected = (
        await layanan.client.get(
            layanan.url(f"/impor/{job_id}/ditolak"), params={"size": 100}, headers=layanan.operator_x
        )
    ).json()
    reasons = {row["baris"]: row["alasan"] for row in rejected["items"]}
    assert "NIK tidak valid" in reasons[30_002]
    assert "dua kali" in reasons[30_003] and "dua kali" in reasons[30_004]
    # The deterministic part: not one row was checked on the event loop's thread (the old code checked
    # every row there, holding the loop 120-190 ms per 5,000-row batch on this 2-core machine).
    assert checked_on and threading.get_ident() not in checked_on
    # What the other requests felt is a measurement, not an assertion (it depends on the machine's load:
    # 20-70 ms on a quiet 2-core machine, the old code 120-190 ms per batch); /healthz answered 200 all along.
    print(f"longest loop gap {worst_gap * 1000:.0f} ms, slowest /healthz {worst_health * 1000:.0f} ms")
