"""Heavy-equipment rental through the API: the fee from the region's tariff, a booking through each of
its states with its history, the waiting queue behind an approved booking, the machine's calendar, and
two bookings of one machine that never hold the same day, under concurrent approvals too."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from pekerjaan_umum.sewa.models import MENAHAN, Pemesanan
from puja_kit.db import transaction
from puja_kit.testing.layanan import LayananDriver
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from .factories_aset import TARIF_EKSKAVATOR, ekskavator, hari, langkah, pesan, tanggal


async def stored(p: LayananDriver) -> list[Pemesanan]:
    async with transaction(p.svc.sessionmaker, all_regions=True) as session:
        return list((await session.scalars(select(Pemesanan).order_by(col(Pemesanan.id)))).all())


def no_overlap(rows: list[Pemesanan]) -> bool:
    held = [r for r in rows if r.status in MENAHAN]
    return not any(
        a.alat_id == b.alat_id and a.mulai <= b.selesai and b.mulai <= a.selesai
        for i, a in enumerate(held)
        for b in held[i + 1 :]
    )


async def test_a_booking_costs_its_days_times_the_tariff_and_follows_each_state(
    layanan: LayananDriver,
) -> None:
    p = layanan
    alat = await ekskavator(p)
    public = (await p.client.get(p.url("/alat"))).json()
    assert [(a["nama"], a["tarif_harian"], a["status_label"]) for a in public] == [
        ("Ekskavator PC-200", TARIF_EKSKAVATOR, "Tersedia")
    ]
    assert (await p.client.get(p.url("/tarif-alat"))).json()[0]["jenis_label"] == "Ekskavator"

    headers = {**p.warga_a.headers, "Idempotency-Key": "sewa-ekskavator-1"}
    body = {
        "alat_id": alat["id"],
        "mulai": hari(3),
        "selesai": hari(5),
        "keperluan": "Normalisasi saluran desa.",
        "lokasi": "Desa Sungai Malang",
    }
    first = await p.client.post(p.url("/sewa"), json=body, headers=headers)
    retry = await p.client.post(p.url("/sewa"), json=body, headers=headers)
    assert first.status_code == 201, first.text
    booking = first.json()
    assert retry.json()["id"] == booking["id"]
    assert (booking["hari"], booking["biaya"], booking["status"]) == (3, 3 * TARIF_EKSKAVATOR, "DIAJUKAN")
    assert booking["antrean"] is None and booking["pemohon_nama"] == "Siti Rahmah"

    # A new tariff applies to later bookings only.
    await p.client.put(p.url("/tarif-alat/excavator"), json={"tarif_harian": 2_000_000}, headers=p.operator_x)
    assert (await p.client.get(p.url(f"/sewa/{booking['id']}"), headers=p.warga_a.headers)).json()[
        "biaya"
    ] == 5_250_000

    # The citizen neither approves nor records the payment; other citizens do not see it.
    refused = await p.client.post(p.url(f"/sewa/{booking['id']}/setujui"), headers=p.warga_a.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "akses_ditolak"
    assert (await p.client.get(p.url(f"/sewa/{booking['id']}"), headers=p.warga_b.headers)).status_code == 404

    await langkah(p, booking, "setujui")
    unpaid = await langkah(p, booking, "bayar", status=422)
    assert unpaid["errors"][0]["field"] == "referensi_bayar"
    paid = await langkah(p, booking, "bayar", referensi_bayar="STS-2026-000123")
    assert paid["status"] == "DIBAYAR" and paid["referensi_bayar"] == "STS-2026-000123"
    late_cancel = await langkah(p, booking, "batalkan", p.warga_a.headers, status=409, catatan="Tidak jadi")
    assert "petugas" in late_cancel["detail"]
    await langkah(p, booking, "serahkan", catatan="Diserahkan di pool alat Dinas PUPR")
    assert (await langkah(p, booking, "serahkan", status=409))["code"] == "konflik"
    done = await langkah(p, booking, "kembalikan", catatan="Kondisi baik")
    assert [(r["dari"], r["ke"], r["actor_role"]) for r in done["riwayat"]] == [
        (None, "DIAJUKAN", "warga"),
        ("DIAJUKAN", "DISETUJUI", "petugas"),
        ("DISETUJUI", "DIBAYAR", "petugas"),
        ("DIBAYAR", "DIPAKAI", "petugas"),
        ("DIPAKAI", "DIKEMBALIKAN", "petugas"),
    ]
    mine = (await p.client.get(p.url("/sewa/saya"), headers=p.warga_a.headers)).json()
    assert [(b["id"], b["status_label"]) for b in mine["items"]] == [(booking["id"], "Alat dikembalikan")]
    inbox = (
        await p.client.get(p.url("/sewa"), headers=p.operator_x, params={"status": "DIKEMBALIKAN"})
    ).json()
    assert [b["id"] for b in inbox["items"]] == [booking["id"]]
    assert (await p.client.get(p.url("/sewa"), headers=p.operator_y)).status_code == 403


async def test_who_may_book_and_for_which_days(layanan: LayananDriver) -> None:
    p = layanan
    alat = await ekskavator(p)
    unproved = p.warga("Belum Terbukti", p.x.nik(), nik_verified=False)
    body = {
        "alat_id": alat["id"],
        "mulai": hari(1),
        "selesai": hari(2),
        "keperluan": "Perbaikan jalan desa.",
        "lokasi": "Desa Banjang",
    }

    async def post(headers: dict[str, str], status: int, **fields: Any) -> dict[str, Any]:
        response = await p.client.post(p.url("/sewa"), json={**body, **fields}, headers=headers)
        assert response.status_code == status, response.text
        result: dict[str, Any] = response.json()
        return result

    assert (await post(unproved.headers, 403))["code"] == "nik_belum_terverifikasi"
    assert (await post(p.warga_a.headers, 422, mulai=hari(-1)))["errors"][0]["field"] == "mulai"
    assert (await post(p.warga_a.headers, 422, selesai=hari(0)))["errors"][0]["field"] == "selesai"
    assert (await post(p.warga_a.headers, 422, selesai=hari(70)))["errors"][0]["field"] == "selesai"
    assert (await post(p.warga_a.headers, 422, opd_nama="Dinas PUPR"))["errors"][0]["field"] == "opd_nama"
    assert (await post(p.operator_x, 422))["errors"][0]["field"] == "opd_nama"
    staff = await post(p.operator_x, 201, opd_nama="Dinas Pekerjaan Umum dan Penataan Ruang")
    assert staff["opd_nama"] and staff["biaya"] == 2 * TARIF_EKSKAVATOR
    assert (await post(p.warga_a.headers, 422, laporan_id=alat["id"]))["errors"][0]["field"] == "laporan_id"
    lapor = await p.client.post(
        p.url("/laporan"),
        json={
            "kategori": "drainase_banjir",
            "isi": "Saluran tersumbat lumpur tebal.",
            "lat": -2.45,
            "lon": 115.28,
        },
        headers=p.warga_a.headers,
    )
    assert lapor.status_code == 201, lapor.text
    from_report = await post(p.warga_a.headers, 201, laporan_id=lapor.json()["id"])
    assert from_report["laporan_id"] == lapor.json()["id"]
    # A machine in maintenance is not booked; a kind without a tariff neither.
    await p.client.patch(p.url(f"/alat/{alat['id']}"), json={"status": "PERAWATAN"}, headers=p.operator_x)
    assert "perawatan" in (await post(p.warga_a.headers, 409))["detail"]
    grader = await p.client.post(
        p.url("/alat"),
        json={"nama": "Motor Grader", "jenis": "motor_grader", "nomor": "MG-01"},
        headers=p.operator_x,
    )
    assert "Tarif" in (await post(p.warga_a.headers, 409, alat_id=grader.json()["id"]))["detail"]


async def test_an_overlapping_booking_waits_in_the_queue_until_the_holder_goes(
    layanan: LayananDriver,
) -> None:
    p = layanan
    alat = await ekskavator(p)
    a = await pesan(p, alat, 2, 4)
    b = await pesan(p, alat, 4, 6, p.warga_b)
    assert (a["antrean"], b["antrean"]) == (None, 2)
    await langkah(p, a, "setujui")
    queued = (await p.client.get(p.url(f"/sewa/{b['id']}"), headers=p.warga_b.headers)).json()
    assert queued["antrean"] == 1 and queued["status"] == "DIAJUKAN"
    clash = await langkah(p, b, "setujui", status=409)
    assert clash["code"] == "jadwal_bentrok" and "antrean" in clash["detail"]

    # The calendar: the held days, and those with a booking waiting.
    days: dict[str, dict[str, Any]] = {}
    for bulan in sorted({tanggal(n).strftime("%Y-%m") for n in range(2, 7)}):
        month = (await p.client.get(p.url(f"/alat/{alat['id']}/kalender"), params={"bulan": bulan})).json()
        days.update({d["tanggal"]: d for d in month["hari"]})
    assert [days[hari(n)]["status"] for n in range(1, 8)] == [
        None,
        "DISETUJUI",
        "DISETUJUI",
        "DISETUJUI",
        None,
        None,
        None,
    ]
    assert [days[hari(n)]["antrean"] for n in range(1, 8)] == [0, 0, 0, 1, 1, 1, 0]
    assert "pemohon" not in str(days)
    bad = await p.client.get(p.url(f"/alat/{alat['id']}/kalender"), params={"bulan": "2026-13"})
    assert bad.status_code == 422

    no_reason = await langkah(p, a, "batalkan", p.warga_a.headers, status=422)
    assert no_reason["errors"][0]["field"] == "catatan"
    cancelled = await langkah(p, a, "batalkan", p.warga_a.headers, catatan="Lokasi sudah dikerjakan swadaya")
    assert cancelled["status"] == "DIBATALKAN" and cancelled["alasan"] == "Lokasi sudah dikerjakan swadaya"
    assert (await langkah(p, b, "setujui"))["status"] == "DISETUJUI"
    rejected = await langkah(p, await pesan(p, alat, 5, 5), "tolak", catatan="Jadwal penuh")
    assert rejected["status_label"] == "Ditolak"


async def test_concurrent_approvals_leave_exactly_one_holder_of_the_days(layanan: LayananDriver) -> None:
    p = layanan
    alat = await ekskavator(p)
    bookings = [
        await pesan(p, alat, 3 + i % 3, 6 + i % 3, p.warga_a if i % 2 else p.warga_b) for i in range(8)
    ]
    responses = await asyncio.gather(
        *(p.client.post(p.url(f"/sewa/{b['id']}/setujui"), headers=p.operator_x) for b in bookings)
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 7}, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"jadwal_bentrok"}
    assert all(r.json()["title"] == "Jadwal alat bentrok" for r in responses if r.status_code == 409)
    rows = await stored(p)
    assert sum(r.status in MENAHAN for r in rows) == 1 and no_overlap(rows)

    # The same booking approved many times at once: one step, one history row.
    other = await ekskavator(p, "DA 9002 AH")
    one = await pesan(p, other, 3, 4)
    same = await asyncio.gather(
        *(p.client.post(p.url(f"/sewa/{one['id']}/setujui"), headers=p.operator_x) for _ in range(6))
    )
    assert Counter(r.status_code for r in same) == {200: 1, 409: 5}
    detail = (await p.client.get(p.url(f"/sewa/{one['id']}"), headers=p.operator_x)).json()
    assert [r["ke"] for r in detail["riwayat"]] == ["DIAJUKAN", "DISETUJUI"]


async def test_the_database_refuses_two_holders_of_one_day_whatever_the_code(layanan: LayananDriver) -> None:
    p = layanan
    alat = await ekskavator(p)
    first, second = await pesan(p, alat, 3, 5), await pesan(p, alat, 5, 8, p.warga_b)
    separate = await pesan(p, alat, 6, 9)
    async with transaction(p.svc.sessionmaker, all_regions=True) as session:
        await session.execute(
            update(Pemesanan).where(col(Pemesanan.id) == first["id"]).values(status="DIBAYAR")
        )
    with pytest.raises(IntegrityError, match="ex_pemesanan_alat_tanpa_tumpang_tindih"):
        async with transaction(p.svc.sessionmaker, all_regions=True) as session:
            await session.execute(
                update(Pemesanan).where(col(Pemesanan.id) == second["id"]).values(status="DIPAKAI")
            )
    # Days that do not touch (5 and 6) are no overlap: the inclusive ranges end and begin apart.
    async with transaction(p.svc.sessionmaker, all_regions=True) as session:
        await session.execute(
            update(Pemesanan).where(col(Pemesanan.id) == separate["id"]).values(status="DISETUJUI")
        )
    assert no_overlap(await stored(p))
