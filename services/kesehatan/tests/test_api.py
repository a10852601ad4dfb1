"""Kesehatan's API: the public facility directory, operator writes, and citizens' queue numbers."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import Any

import pytest
from puja_kit.db import new_id
from puja_kit.events.catalog import LayananSettings, TenantLayananDisabled, TenantLayananEnabled
from puja_kit.testing.layanan import LayananDriver, StartLayanan, Warga
from puja_kit.testing.tokens import grant
from sqlalchemy import event

from .factories import (
    act,
    book,
    in_days,
    make_booking,
    make_fasilitas,
    make_jadwal,
    make_open_poli,
    make_poli,
    make_warga,
    read_queue,
    today,
)


async def test_the_directory_is_public_and_filters_by_emergency_type_and_area(layanan: LayananDriver) -> None:
    rsud = await make_fasilitas(
        layanan, jenis="rumah_sakit", nama="RSUD Pambalah Batung", kode_wilayah="63.08.05", igd=True
    )
    await make_fasilitas(layanan, jenis="puskesmas", nama="Puskesmas Babirik", kode_wilayah="63.08.02")
    await make_fasilitas(
        layanan,
        jenis="klinik",
        nama="Klinik Pratama Amuntai",
        kode_wilayah="63.08.05.1001",
        alamat="Jl. Norman Umar",
    )
    url = layanan.url("/fasilitas")

    everything = await layanan.client.get(url)  # no token
    assert everything.status_code == 200
    body = everything.json()
    assert body["total"] == 3
    assert [f["nama"] for f in body["items"]] == [
        "Klinik Pratama Amuntai",
        "Puskesmas Babirik",
        "RSUD Pambalah Batung",
    ]
    assert all(f["diperbarui"] for f in body["items"])  # citizens see how fresh the data is
    assert body["items"][1]["nama_wilayah"] == "Kecamatan Babirik"

    emergency = (await layanan.client.get(url, params={"igd": "true"})).json()
    assert [f["id"] for f in emergency["items"]] == [rsud["id"]]
    clinics = (await layanan.client.get(url, params={"jenis": "klinik"})).json()
    assert [f["nama"] for f in clinics["items"]] == ["Klinik Pratama Amuntai"]
    amuntai_tengah = (await layanan.client.get(url, params={"kode_wilayah": "63.08.05"})).json()
    assert {f["nama"] for f in amuntai_tengah["items"]} == {"RSUD Pambalah Batung", "Klinik Pratama Amuntai"}
    by_street = (await layanan.client.get(url, params={"q": "norman"})).json()
    assert [f["nama"] for f in by_street["items"]] == ["Klinik Pratama Amuntai"]
    paged = (await layanan.client.get(url, params={"size": 2, "page": 2})).json()
    assert paged["total"] == 3
    assert [f["nama"] for f in paged["items"]] == ["RSUD Pambalah Batung"]

    bad = await layanan.client.get(url, params={"jenis": "apotek"})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"


async def test_nearest_facilities_come_first_with_their_distance(layanan: LayananDriver) -> None:
    await make_fasilitas(layanan, nama="RSUD Pambalah Batung", latitude=-2.4183, longitude=115.2503)
    await make_fasilitas(layanan, nama="Puskesmas Babirik", latitude=-2.5197, longitude=115.1806)
    await make_fasilitas(layanan, nama="Puskesmas Tanpa Koordinat")
    await make_fasilitas(layanan, nama="Puskesmas Amuntai Selatan", latitude=-2.4619, longitude=115.2298)

    # Standing in Babirik.
    near = await layanan.client.get(layanan.url("/fasilitas"), params={"lat": -2.515, "lon": 115.18})
    assert near.status_code == 200
    items = near.json()["items"]
    assert [f["nama"] for f in items] == [
        "Puskesmas Babirik",
        "Puskesmas Amuntai Selatan",
        "RSUD Pambalah Batung",
        "Puskesmas Tanpa Koordinat",
    ]
    distances = [f["jarak_km"] for f in items]
    assert distances[0] < 1
    assert distances[0] < distances[1] < distances[2]
    assert 10 < distances[2] < 15  # Babirik to Amuntai, about 13 km
    assert distances[3] is None

    half = await layanan.client.get(layanan.url("/fasilitas"), params={"lat": -2.515})
    assert half.status_code == 422
    assert half.json()["errors"][0]["field"] == "lon"
    plain = (await layanan.client.get(layanan.url("/fasilitas"))).json()
    assert all(f["jarak_km"] is None for f in plain["items"])


async def test_facility_detail_shows_its_poli_and_weekly_schedule(layanan: LayananDriver) -> None:
    fasilitas = await make_fasilitas(layanan, nama="Puskesmas Amuntai Selatan", kode_wilayah="63.08.04")
    before = fasilitas["diperbarui"]
    umum = await make_poli(layanan, fasilitas["id"], nama="Poli Umum")
    gigi = await make_poli(layanan, fasilitas["id"], nama="Poli Gigi")
    assert umum["kode"] == "U"
    assert gigi["kode"] == "G"
    await make_jadwal(
        layanan, umum["id"], hari=0, jam_mulai="08:00", jam_selesai="12:00", tenaga="dr. Siti Rahmah"
    )
    friday = await make_jadwal(layanan, umum["id"], hari=4, jam_mulai="08:00", jam_selesai="11:00", kuota=20)

    detail = await layanan.client.get(layanan.url(f"/fasilitas/{fasilitas['id']}"))
    assert detail.status_code == 200
    body = detail.json()
    assert body["nama_wilayah"] == "Kecamatan Amuntai Selatan"
    assert [p["nama"] for p in body["poli"]] == ["Poli Gigi", "Poli Umum"]
    schedule = body["poli"][1]["jadwal"]
    assert [(j["nama_hari"], j["jam_mulai"], j["jam_selesai"]) for j in schedule] == [
        ("Senin", "08:00:00", "12:00:00"),
        ("Jumat", "08:00:00", "11:00:00"),
    ]
    assert schedule[1]["kuota"] == 20
    # A new schedule makes the facility's listing look fresh.
    assert body["diperbarui"] > before

    deleted = await layanan.client.delete(layanan.url(f"/jadwal/{friday['id']}"), headers=layanan.operator_x)
    assert deleted.status_code == 204
    after = (await layanan.client.get(layanan.url(f"/fasilitas/{fasilitas['id']}"))).json()
    assert [j["nama_hari"] for j in after["poli"][1]["jadwal"]] == ["Senin"]

    missing = await layanan.client.get(layanan.url("/fasilitas/0190a3b2-0000-7000-8000-000000000000"))
    assert missing.status_code == 404
    assert missing.json()["code"] == "tidak_ditemukan"


async def test_a_region_that_has_not_enabled_kesehatan_gets_the_problem(
    start_layanan: StartLayanan,
) -> None:
    layanan = await start_layanan(enable=False)
    x = layanan.x
    ref = {"kode": x.kode, "slug": x.slug, "nama": x.nama, "zona_waktu": x.zona_waktu}
    response = await layanan.client.get(layanan.url("/fasilitas"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "layanan_tidak_aktif"

    # Enabling another layanan does not open kesehatan.
    await layanan.publish(
        "puja.tenant_registry.tenant.layanan_enabled",
        TenantLayananEnabled(**ref, layanan="perizinan", settings=LayananSettings()),
    )
    await layanan.enable()
    tabalong = await layanan.client.get(layanan.url("/fasilitas", layanan.y))
    assert tabalong.json()["code"] == "layanan_tidak_aktif"

    await layanan.publish(
        "puja.tenant_registry.tenant.layanan_disabled", TenantLayananDisabled(**ref, layanan="kesehatan")
    )

    async def closed_again() -> None:
        response = await layanan.client.get(layanan.url("/fasilitas"))
        assert response.status_code == 404
        assert response.json()["code"] == "layanan_tidak_aktif"

    await layanan.eventually(closed_again)


async def test_only_the_regions_health_staff_write_the_directory(layanan: LayananDriver) -> None:
    url = layanan.url("/fasilitas")
    body = {
        "jenis": "puskesmas",
        "nama": "Puskesmas Haur Gading",
        "alamat": "Jl. Haur Gading",
        "kode_wilayah": "63.08.08",
    }

    anonymous = await layanan.client.post(url, json=body)
    assert anonymous.status_code == 401
    refused = {
        "warga": make_warga(layanan).headers,
        "operator of another region": layanan.operator_y,
        "operator of another layanan": layanan.operator_x_lain,
        "admin of another region": layanan.admin_y,
    }
    for who, headers in refused.items():
        response = await layanan.client.post(url, json=body, headers=headers)
        assert response.status_code == 403, who
        assert response.json()["code"] == "akses_ditolak", who  # refused by the route's declaration
    assert (await layanan.client.get(url)).json()["total"] == 0

    by_admin = await layanan.client.post(url, json=body, headers=layanan.admin_x)
    assert by_admin.status_code == 201, by_admin.text
    fasilitas_id = by_admin.json()["id"]
    again = await layanan.client.post(url, json=body, headers=layanan.operator_x)
    assert again.status_code == 409

    patch_url = layanan.url(f"/fasilitas/{fasilitas_id}")
    stranger = await layanan.client.patch(patch_url, json={"igd": True}, headers=layanan.operator_y)
    assert stranger.status_code == 403
    poli_by_warga = await layanan.client.post(
        layanan.url(f"/fasilitas/{fasilitas_id}/poli"),
        json={"nama": "Poli Umum"},
        headers=make_warga(layanan).headers,
    )
    assert poli_by_warga.status_code == 403

    patched = await layanan.client.patch(
        patch_url,
        json={"igd": True, "jam_buka": "24 jam", "telepon": "(0527) 61234"},
        headers=layanan.operator_x,
    )
    assert patched.status_code == 200
    assert patched.json()["igd"] is True
    closed = await layanan.client.patch(patch_url, json={"aktif": False}, headers=layanan.operator_x)
    assert closed.json()["aktif"] is False
    assert (await layanan.client.get(url)).json()["total"] == 0
    assert (await layanan.client.get(url, params={"aktif": "false"})).json()["total"] == 1

    emptied = await layanan.client.patch(patch_url, json={"nama": None}, headers=layanan.operator_x)
    assert emptied.status_code == 422
    assert emptied.json()["errors"][0]["field"] == "nama"


async def test_a_facility_must_lie_inside_the_region(layanan: LayananDriver) -> None:
    url = layanan.url("/fasilitas")
    base = {"jenis": "klinik", "nama": "Klinik Luar", "alamat": "Jl. Luar"}
    cases = {
        "63.09.01": "di_luar_daerah",  # Tabalong
        "63.08.99": "tidak_dikenal",
        "63.08": "bukan_kecamatan_atau_desa",
        "63-08-01": "string_pattern_mismatch",
    }
    for kode, code in cases.items():
        response = await layanan.client.post(
            url, json={**base, "kode_wilayah": kode}, headers=layanan.operator_x
        )
        assert response.status_code == 422, kode
        error = response.json()["errors"][0]
        assert error["field"] == "kode_wilayah"
        assert error["code"] == code, kode
    one_coordinate = await layanan.client.post(
        url, json={**base, "kode_wilayah": "63.08.01", "latitude": -2.4}, headers=layanan.operator_x
    )
    assert one_coordinate.status_code == 422
    assert (await layanan.client.get(url)).json()["total"] == 0


async def test_a_name_of_spaces_or_control_characters_is_refused_never_stored(layanan: LayananDriver) -> None:
    url = layanan.url("/fasilitas")
    base = {"jenis": "klinik", "alamat": "Jl. Norman Umar", "kode_wilayah": "63.08.05"}
    cases = {
        "     ": ("string_blank", "tidak boleh kosong"),
        " \t\n ": ("string_blank", "tidak boleh kosong"),
        "Klinik\t\nSehat": ("string_control_character", "tidak boleh berisi karakter kontrol"),
        "Klinik\u0000Sehat": ("string_control_character", "tidak boleh berisi karakter kontrol"),
    }
    for nama, (code, message) in cases.items():
        response = await layanan.client.post(url, json={**base, "nama": nama}, headers=layanan.operator_x)
        assert response.status_code == 422, ascii(nama)
        assert response.json()["errors"] == [{"field": "nama", "code": code, "message": message}]
    assert (await layanan.client.get(url)).json()["total"] == 0

    tidy = await make_fasilitas(layanan, **base, nama="  Klinik   Pratama\u00a0Amuntai \n")
    assert tidy["nama"] == "Klinik Pratama Amuntai"
    renamed = await layanan.client.patch(
        f"{url}/{tidy['id']}", json={"nama": "   "}, headers=layanan.operator_x
    )
    assert renamed.status_code == 422

    # A poli named with spaces alone answered 500: its queue prefix was taken from a first word it lacks.
    poli_url = layanan.url(f"/fasilitas/{tidy['id']}/poli")
    for nama in ("     ", " \t\n ", "Poli\t\nGigi"):
        response = await layanan.client.post(poli_url, json={"nama": nama}, headers=layanan.operator_x)
        assert response.status_code == 422, ascii(nama)
    assert (await make_poli(layanan, tidy["id"], nama="Poli 123"))["kode"] == "A"
    search = await layanan.client.get(url, params={"q": "pratama\tamuntai"})
    assert search.status_code == 422
    assert (await layanan.client.get(url, params={"q": "  "})).json()["total"] == 1  # an empty search box
    assert (await layanan.client.get(url, params={"q": "  pratama  "})).json()["total"] == 1
    pasien = await layanan.client.get(
        layanan.url("/pasien/\u0666\u0663\u0660\u0668051708900001"), headers=layanan.operator_x
    )
    assert pasien.status_code == 422  # another script's digits are not a NIK


async def test_queue_numbers_run_per_poli_per_day(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    other_poli = await make_open_poli(layanan)
    numbers = [(await make_booking(layanan, make_warga(layanan), poli["id"]))["nomor"] for _ in range(3)]
    assert numbers == [1, 2, 3]

    tomorrow = await make_booking(layanan, make_warga(layanan), poli["id"], in_days(layanan, 1))
    assert tomorrow["nomor"] == 1
    assert tomorrow["nomor_antrian"] == "U-001"
    elsewhere = await make_booking(layanan, make_warga(layanan), other_poli["id"])
    assert elsewhere["nomor"] == 1
    fourth = await make_booking(layanan, make_warga(layanan), poli["id"])
    assert fourth["nomor"] == 4
    assert fourth["status"] == "TERDAFTAR"
    assert fourth["poli_nama"] == poli["nama"]
    assert [row["nomor"] for row in await read_queue(layanan, poli["id"])] == [1, 2, 3, 4]


async def test_concurrent_bookings_get_distinct_gap_free_numbers(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    citizens = [make_warga(layanan, f"Warga {i}") for i in range(10)]
    responses = await asyncio.gather(*(book(layanan, who, poli["id"]) for who in citizens))
    assert [r.status_code for r in responses] == [201] * 10, [
        r.text for r in responses if r.status_code != 201
    ]
    assert sorted(r.json()["nomor"] for r in responses) == list(range(1, 11))
    queue = await read_queue(layanan, poli["id"])
    assert [row["nomor"] for row in queue] == list(range(1, 11))


async def test_a_full_quota_is_refused_and_a_cancellation_frees_a_place(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan, kuota=2)
    first = make_warga(layanan)
    booked = await make_booking(layanan, first, poli["id"])
    await make_booking(layanan, make_warga(layanan), poli["id"])

    full = await book(layanan, make_warga(layanan), poli["id"])
    assert full.status_code == 409
    assert full.json()["code"] == "kuota_penuh"
    assert "penuh" in full.json()["detail"]
    assert (await book(layanan, make_warga(layanan), poli["id"], in_days(layanan, 1))).status_code == 201

    cancelled = await layanan.client.post(
        layanan.url(f"/antrian/{booked['id']}/batal"), headers=first.headers
    )
    assert cancelled.status_code == 200
    freed = await make_booking(layanan, make_warga(layanan), poli["id"])
    assert freed["nomor"] == 3  # a refused booking never used up a number


async def test_one_active_booking_per_citizen_per_poli_per_day(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    siti = make_warga(layanan)
    first = await make_booking(layanan, siti, poli["id"])
    duplicate = await book(layanan, siti, poli["id"])
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "antrian_ganda"
    assert "U-001" in duplicate.json()["detail"]
    # The same person with another account (same NIK) is still the same patient.
    same_person = make_warga(layanan, nik=siti.nik)
    assert (await book(layanan, same_person, poli["id"])).status_code == 409
    assert (await book(layanan, siti, poli["id"], in_days(layanan, 2))).status_code == 201

    await layanan.client.post(layanan.url(f"/antrian/{first['id']}/batal"), headers=siti.headers)
    rebooked = await make_booking(layanan, siti, poli["id"])
    assert rebooked["nomor"] == 2


async def test_dates_outside_the_window_or_without_a_schedule_are_refused(layanan: LayananDriver) -> None:
    fasilitas = await make_fasilitas(layanan)
    poli = await make_poli(layanan, fasilitas["id"])
    await make_jadwal(layanan, poli["id"], hari=today(layanan).weekday())
    siti = make_warga(layanan)

    yesterday = await book(layanan, siti, poli["id"], in_days(layanan, -1))
    assert yesterday.status_code == 422
    assert yesterday.json()["code"] == "tanggal_tidak_valid"
    assert yesterday.json()["errors"][0]["field"] == "tanggal"
    too_far = await book(layanan, siti, poli["id"], in_days(layanan, 21))
    assert too_far.status_code == 422
    assert "14 hari" in too_far.json()["detail"]

    no_schedule = await book(layanan, siti, poli["id"], in_days(layanan, 1))
    assert no_schedule.status_code == 422
    assert no_schedule.json()["code"] == "tidak_ada_jadwal"
    assert "tidak memiliki jadwal praktik pada hari" in no_schedule.json()["detail"]

    assert (await book(layanan, siti, poli["id"], in_days(layanan, 14))).status_code == 201
    assert (await book(layanan, make_warga(layanan), poli["id"])).status_code == 201

    unknown_poli = await book(layanan, siti, "0190a3b2-0000-7000-8000-000000000000")
    assert unknown_poli.status_code == 404
    not_a_date = await layanan.client.post(
        layanan.url("/antrian"), json={"poli_id": poli["id"], "tanggal": "besok"}, headers=siti.headers
    )
    assert not_a_date.status_code == 422
    staff = await layanan.client.post(
        layanan.url("/antrian"),
        json={"poli_id": poli["id"], "tanggal": today(layanan).isoformat()},
        headers=layanan.operator_x,
    )
    assert staff.status_code == 403


async def test_citizens_see_and_cancel_only_their_own_bookings(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    siti, budi = make_warga(layanan, "Siti Aminah"), make_warga(layanan, "Budi Santoso")
    mine = await make_booking(layanan, siti, poli["id"])
    later = await make_booking(layanan, siti, poli["id"], in_days(layanan, 3))
    theirs = await make_booking(layanan, budi, poli["id"])

    own = await layanan.client.get(layanan.url("/antrian/saya"), headers=siti.headers)
    assert own.status_code == 200
    assert [b["id"] for b in own.json()] == [later["id"], mine["id"]]
    assert (await layanan.client.get(layanan.url("/antrian/saya"))).status_code == 401

    not_hers = await layanan.client.post(layanan.url(f"/antrian/{theirs['id']}/batal"), headers=siti.headers)
    assert not_hers.status_code == 404
    cancelled = await layanan.client.post(layanan.url(f"/antrian/{mine['id']}/batal"), headers=siti.headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "DIBATALKAN"
    again = await layanan.client.post(layanan.url(f"/antrian/{mine['id']}/batal"), headers=siti.headers)
    assert again.status_code == 409

    budi_view = (await layanan.client.get(layanan.url("/antrian/saya"), headers=budi.headers)).json()
    assert [(b["id"], b["status"]) for b in budi_view] == [(theirs["id"], "TERDAFTAR")]


async def test_citizens_see_how_many_wait_before_their_number(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    people = [make_warga(layanan, name) for name in ("Siti Aminah", "Budi Santoso", "Rahmah Aulia")]
    bookings = [await make_booking(layanan, person, poli["id"]) for person in people]

    async def ahead(person: Warga) -> int | None:
        own = (await layanan.client.get(layanan.url("/antrian/saya"), headers=person.headers)).json()
        assert len(own) == 1
        value: int | None = own[0]["di_depan"]
        return value

    assert [await ahead(person) for person in people] == [0, 1, 2]
    await act(layanan, bookings[0]["id"], "panggil")
    await layanan.client.post(layanan.url(f"/antrian/{bookings[1]['id']}/batal"), headers=people[1].headers)
    # Being called or no longer waiting has nobody "ahead"; the one called is not counted for the rest.
    assert [await ahead(person) for person in people] == [None, None, 0]


async def test_a_nik_not_yet_proved_neither_books_nor_sees_bookings(layanan: LayananDriver) -> None:
    """Bookings go by NIK: someone who merely registered another person's NIK gets nothing of theirs."""
    poli = await make_open_poli(layanan)
    siti = make_warga(layanan, "Siti Aminah")
    await make_booking(layanan, siti, poli["id"])
    impostor = replace(
        siti, headers=layanan.tokens.headers(grant("warga"), sub=new_id(), nik=siti.nik, nik_verified=False)
    )
    for response in (
        await book(layanan, impostor, poli["id"], in_days(layanan, 1)),
        await layanan.client.get(layanan.url("/antrian/saya"), headers=impostor.headers),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "nik_belum_terverifikasi"
    own = (await layanan.client.get(layanan.url("/antrian/saya"), headers=siti.headers)).json()
    assert len(own) == 1, "the refusal booked nothing"


async def test_operator_calls_serves_and_marks_absent(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    siti, budi = make_warga(layanan, "Siti Aminah"), make_warga(layanan, "Budi Santoso")
    first = await make_booking(layanan, siti, poli["id"])
    second = await make_booking(layanan, budi, poli["id"])

    # A citizen, another region's operator and another layanan's operator here are refused at the route:
    # they neither read the day's queue (names, addresses) nor move a booking.
    for outsider in (siti.headers, layanan.operator_y, layanan.operator_x_lain):
        assert (await act(layanan, first["id"], "panggil", outsider)).status_code == 403
        day = await layanan.client.get(layanan.url(f"/poli/{poli['id']}/antrian"), headers=outsider)
        assert day.status_code == 403
        assert "Budi" not in day.text and siti.nik not in day.text
        patient = await layanan.client.get(layanan.url(f"/pasien/{budi.nik}"), headers=outsider)
        assert patient.status_code == 403
        assert "Budi" not in patient.text
    assert [row["status"] for row in await read_queue(layanan, poli["id"])] == ["TERDAFTAR", "TERDAFTAR"]
    too_early = await act(layanan, first["id"], "layani")
    assert too_early.status_code == 409
    assert too_early.json()["code"] == "status_tidak_sesuai"

    called = await act(layanan, first["id"], "panggil")
    assert called.status_code == 200
    assert called.json()["status"] == "DIPANGGIL"
    assert (await act(layanan, first["id"], "panggil")).status_code == 409
    # Once called, the citizen can no longer cancel.
    assert (
        await layanan.client.post(layanan.url(f"/antrian/{first['id']}/batal"), headers=siti.headers)
    ).status_code == 409
    served = await act(layanan, first["id"], "layani")
    assert served.json()["status"] == "DILAYANI"
    assert (await act(layanan, first["id"], "tidak-hadir")).status_code == 409

    await act(layanan, second["id"], "panggil")
    absent = await act(layanan, second["id"], "tidak-hadir")
    assert absent.status_code == 200
    assert absent.json()["status"] == "TIDAK_HADIR"

    queue = await read_queue(layanan, poli["id"])
    assert [(row["nomor"], row["status"], row["pasien_nama"]) for row in queue] == [
        (1, "DILAYANI", "Siti Aminah"),
        (2, "TIDAK_HADIR", "Budi Santoso"),
    ]
    assert queue[0]["pasien_nik_tersamar"] == f"{siti.nik[:4]}********{siti.nik[-4:]}"
    assert (
        await layanan.client.get(layanan.url(f"/poli/{poli['id']}/antrian"), headers=siti.headers)
    ).status_code == 403
    missing = await act(layanan, "0190a3b2-0000-7000-8000-000000000000", "panggil")
    assert missing.status_code == 404


async def test_anyone_sees_how_far_the_queue_is_without_personal_data(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    people = [make_warga(layanan, name) for name in ("Siti Aminah", "Budi Santoso", "Rahmah Aulia")]
    bookings = [await make_booking(layanan, person, poli["id"]) for person in people]
    summary_url = layanan.url(f"/poli/{poli['id']}/antrian/ringkas")
    tanggal = {"tanggal": bookings[0]["tanggal"]}

    before = (await layanan.client.get(summary_url, params=tanggal)).json()
    assert before["sedang_dipanggil"] is None
    assert before["menunggu"] == 3
    kuota = before["kuota"]
    assert before["sisa_kuota"] == kuota - 3

    await act(layanan, bookings[0]["id"], "panggil")
    await act(layanan, bookings[0]["id"], "layani")
    await act(layanan, bookings[1]["id"], "panggil")
    await layanan.client.post(layanan.url(f"/antrian/{bookings[2]['id']}/batal"), headers=people[2].headers)
    response = await layanan.client.get(summary_url, params=tanggal)  # no token: a public screen
    assert response.status_code == 200
    after = response.json()
    assert after["sedang_dipanggil"] == bookings[1]["nomor_antrian"]
    assert (after["menunggu"], after["dilayani"], after["sisa_kuota"]) == (0, 1, kuota - 2)
    for person in people:
        assert person.nik not in response.text and person.nama not in response.text


DIRECTORY_TABLES = re.compile(r"\b(fasilitas|poli|jadwal_praktik|antrian)\b")


async def test_the_directory_page_carries_each_poli_its_schedule_and_todays_queue(
    layanan: LayananDriver,
) -> None:
    """What the portal's directory used to gather call by call (the list, each profile, each poli's
    summary) comes in one answer, with the same values."""
    busy = await make_fasilitas(layanan, nama="Puskesmas Amuntai Tengah")
    umum = await make_open_poli(layanan, fasilitas=busy, kuota=5)
    gigi = await make_poli(layanan, busy["id"], nama="Poli Gigi")
    await make_jadwal(layanan, gigi["id"], hari=(today(layanan).weekday() + 1) % 7, tenaga="drg. Rahmah")
    await make_poli(layanan, busy["id"], nama="Poli KIA")  # no schedule yet
    await make_fasilitas(layanan, nama="Puskesmas Babirik")  # no poli yet
    people = [make_warga(layanan, name) for name in ("Siti Aminah", "Budi Santoso", "Rahmah Aulia")]
    bookings = [await make_booking(layanan, person, umum["id"]) for person in people]
    await make_booking(layanan, people[0], umum["id"], in_days(layanan, 1))  # another day: not counted
    await act(layanan, bookings[0]["id"], "panggil")
    await act(layanan, bookings[0]["id"], "layani")
    await act(layanan, bookings[1]["id"], "panggil")
    await layanan.client.post(layanan.url(f"/antrian/{bookings[2]['id']}/batal"), headers=people[2].headers)

    response = await layanan.client.get(layanan.url("/direktori"))  # no token
    assert response.status_code == 200, response.text
    body = response.json()
    listing = (await layanan.client.get(layanan.url("/fasilitas"))).json()
    assert (body["total"], body["page"], body["size"]) == (listing["total"], listing["page"], listing["size"])
    assert [f["nama"] for f in body["items"]] == ["Puskesmas Amuntai Tengah", "Puskesmas Babirik"]
    for item, listed in zip(body["items"], listing["items"], strict=True):
        detail = (await layanan.client.get(layanan.url(f"/fasilitas/{item['id']}"))).json()
        poli = item["poli"]
        assert {k: v for k, v in item.items() if k != "poli"} == listed
        assert [{k: v for k, v in p.items() if k != "antrian_hari_ini"} for p in poli] == detail["poli"]
        for p in poli:
            summary = (await layanan.client.get(layanan.url(f"/poli/{p['id']}/antrian/ringkas"))).json()
            assert p["antrian_hari_ini"] == summary
    first = body["items"][0]
    assert [p["nama"] for p in first["poli"]] == ["Poli Gigi", "Poli KIA", umum["nama"]]
    queue = first["poli"][2]["antrian_hari_ini"]
    assert queue["sedang_dipanggil"] == bookings[1]["nomor_antrian"]
    assert (queue["menunggu"], queue["dilayani"], queue["kuota"], queue["sisa_kuota"]) == (0, 1, 5, 3)
    assert first["poli"][0]["antrian_hari_ini"]["kuota"] == 0  # no practice today
    assert body["items"][1]["poli"] == []
    for person in people:
        assert person.nik not in response.text and person.nama not in response.text

    filtered = (await layanan.client.get(layanan.url("/direktori"), params={"q": "babirik"})).json()
    assert [f["nama"] for f in filtered["items"]] == ["Puskesmas Babirik"]
    past_the_end = (await layanan.client.get(layanan.url("/direktori"), params={"page": 9})).json()
    assert (past_the_end["items"], past_the_end["total"]) == ([], 2)


async def test_the_directory_page_costs_the_same_statements_for_one_facility_or_ten(
    layanan: LayananDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No statement per facility or per poli: the page of ten facilities with three poli each (with
    schedules and bookings) is read with as many statements as the page of one."""
    app = layanan.svc.app
    statements: list[str] = []

    def record(sql: str) -> None:
        # The app's background work (the outbox relay, consumers) runs beside the request: only
        # statements on the directory's tables count.
        if DIRECTORY_TABLES.search(sql):
            statements.append(sql)

    def on_execute(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        record(sql)  # a statement on the ORM engine

    read_pool = app.state.read_pool
    fetch = read_pool.fetch

    async def counted_fetch(tenant: str, query: Any, values: Any) -> Any:
        record(query.sql)  # a statement on the read path (its BEGIN/SET/COMMIT ride along)
        return await fetch(tenant, query, values)

    monkeypatch.setattr(read_pool, "fetch", counted_fetch)

    async def statements_for_page(kode_wilayah: str) -> list[str]:
        statements.clear()
        sync_engine = app.state.engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", on_execute)
        try:
            response = await layanan.client.get(
                layanan.url("/direktori"), params={"kode_wilayah": kode_wilayah, "size": 10}
            )
        finally:
            event.remove(sync_engine, "before_cursor_execute", on_execute)
        assert response.status_code == 200, response.text
        return list(statements)

    siti = make_warga(layanan)
    for kode, count in (("63.08.02", 1), ("63.08.05", 10)):
        for _ in range(count):
            fasilitas = await make_fasilitas(layanan, kode_wilayah=kode)
            for _ in range(3):
                poli = await make_open_poli(layanan, fasilitas=fasilitas)
                await make_booking(layanan, siti, poli["id"])
    one = await statements_for_page("63.08.02")
    ten = await statements_for_page("63.08.05")
    page = (await layanan.client.get(layanan.url("/direktori"), params={"kode_wilayah": "63.08.05"})).json()
    assert len(page["items"]) == 10 and all(len(f["poli"]) == 3 for f in page["items"])
    polis = [p for f in page["items"] for p in f["poli"]]
    assert all(len(p["jadwal"]) == 7 and p["antrian_hari_ini"]["menunggu"] == 1 for p in polis)
    assert len(one) == len(ten) == 2, (one, ten)


async def test_an_idempotency_key_returns_the_first_booking(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    siti = make_warga(layanan)
    key = {"Idempotency-Key": "antrian-uji-0001"}
    first = await book(layanan, siti, poli["id"], headers=key)
    retried = await book(layanan, siti, poli["id"], headers=key)
    assert first.status_code == 201
    assert retried.status_code == 201
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json() == first.json()
    assert len(await read_queue(layanan, poli["id"])) == 1

    reused = await book(layanan, siti, poli["id"], in_days(layanan, 1), headers=key)
    assert reused.status_code == 422
    # Another citizen's identical key is theirs alone.
    budi = await book(layanan, make_warga(layanan), poli["id"], headers=key)
    assert budi.status_code == 201
    assert budi.json()["nomor"] == 2


async def test_the_service_reports_ready_and_documents_its_api(layanan: LayananDriver) -> None:
    ready = await layanan.client.get("/api/kesehatan/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["migrations"] == "ok"
    spec = (await layanan.client.get("/api/kesehatan/openapi.json")).json()
    booking = spec["paths"]["/api/kesehatan/v1/{tenant}/antrian"]["post"]
    assert booking["summary"] == "Mengambil nomor antrian di poli untuk hari berobat (warga)."
    assert booking["description"].startswith(booking["summary"])
    assert "/api/kesehatan/v1/{tenant}/pasien/{nik}" in spec["paths"]
