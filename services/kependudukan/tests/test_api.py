"""Kependudukan through its API: requests with scans, the operator's approval applying the change."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from puja_kit.db import transaction
from puja_kit.events.envelope import Event
from puja_kit.outbox.models import OutboxEvent
from puja_kit.testing.layanan import LayananDriver, Wilayah
from puja_kit.testing.plugin import StartService
from puja_kit.testing.tokens import TokenFactory
from sqlalchemy import select

from .factories import AYAH, IBU, KAKEK, PDF, TETANGGA, warga_headers

ALAMAT_BARU = {"alamat": "Jl. Basuki Rahmat No. 3", "rt": "001", "rw": "001", "kode_wilayah": "63.08.04.2001"}


async def request_with_scans(layanan: LayananDriver, nik: str, body: dict[str, Any]) -> dict[str, Any]:
    created = await layanan.client.post(
        layanan.url("/permohonan"), json=body, headers=warga_headers(layanan, nik)
    )
    assert created.status_code == 201, created.text
    permohonan = created.json()
    for jenis in ("KTP", "KK"):
        upload = await layanan.client.post(
            layanan.url(f"/permohonan/{permohonan['id']}/dokumen"),
            data={"jenis": jenis},
            files={"berkas": (f"{jenis}.pdf", PDF, "application/pdf")},
            headers=warga_headers(layanan, nik),
        )
        assert upload.status_code == 201, upload.text
    submitted = await layanan.client.post(
        layanan.url(f"/permohonan/{permohonan['id']}/ajukan"), headers=warga_headers(layanan, nik)
    )
    assert submitted.status_code == 200, submitted.text
    return dict(submitted.json())


async def events(layanan: LayananDriver) -> list[Event]:
    async with transaction(layanan.svc.sessionmaker, all_regions=True) as session:
        rows = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()
    return [Event.from_bytes(r.body) for r in rows if ".penduduk." in r.type]


async def test_address_change_is_applied_on_approval_and_announced(layanan: LayananDriver) -> None:
    submitted = await request_with_scans(layanan, AYAH, {"jenis": "PINDAH", "alamat_baru": ALAMAT_BARU})
    assert submitted["status"] == "DIAJUKAN"
    assert submitted["sla_jatuh_tempo"] is not None
    record = (await layanan.client.get(layanan.url(f"/penduduk/{AYAH}"), headers=layanan.operator_x)).json()
    assert record["alamat"] == "Jl. Norman Umar No. 12", "nothing changes before approval"

    approved = await layanan.client.post(
        layanan.url(f"/permohonan/{submitted['id']}/setujui"),
        json={"nomor_dokumen": "SKPWNI/2026/0001"},
        headers=layanan.operator_x,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "SELESAI"
    assert [h["ke"] for h in approved.json()["riwayat"]] == ["DIAJUKAN", "VERIFIKASI", "DIPROSES", "SELESAI"]

    record = (await layanan.client.get(layanan.url(f"/penduduk/{AYAH}"), headers=layanan.operator_x)).json()
    assert record["alamat"] == ALAMAT_BARU["alamat"]
    assert record["kode_wilayah"] == "63.08.04.2001"
    assert record["nama_wilayah"] == "Panyiuran"
    assert record["versi"] == 2
    [moved] = await events(layanan)
    assert moved.type == "puja.kependudukan.penduduk.moved"
    assert moved.tenant == layanan.x.kode
    assert moved.data.model_dump()["alamat"]["kode_wilayah"] == "63.08.04.2001"
    assert moved.data.model_dump()["versi"] == 2

    again = await layanan.client.post(
        layanan.url(f"/permohonan/{submitted['id']}/setujui"),
        json={"nomor_dokumen": "X-1"},
        headers=layanan.operator_x,
    )
    assert again.status_code == 409


async def test_death_certificate_for_a_family_member_marks_the_record(layanan: LayananDriver) -> None:
    stranger = await layanan.client.post(
        layanan.url("/permohonan"),
        json={"jenis": "AKTA_KEMATIAN", "subjek_nik": TETANGGA, "tanggal_meninggal": "2026-11-01"},
        headers=warga_headers(layanan, AYAH),
    )
    assert stranger.status_code == 422
    submitted = await request_with_scans(
        layanan, AYAH, {"jenis": "AKTA_KEMATIAN", "subjek_nik": KAKEK, "tanggal_meninggal": "2026-11-01"}
    )
    approved = await layanan.client.post(
        layanan.url(f"/permohonan/{submitted['id']}/setujui"),
        json={"nomor_dokumen": "AKM-6308-2026-17"},
        headers=layanan.operator_x,
    )
    assert approved.status_code == 200, approved.text
    record = (await layanan.client.get(layanan.url(f"/penduduk/{KAKEK}"), headers=layanan.operator_x)).json()
    assert record["status"] == "MENINGGAL"
    assert record["tanggal_meninggal"] == "2026-11-01"
    [died] = await events(layanan)
    assert died.type == "puja.kependudukan.penduduk.died"
    assert died.data.model_dump()["nik"] == KAKEK


async def test_birth_registers_the_child_in_the_family_card(layanan: LayananDriver) -> None:
    bayi = {
        "nama": "Aisyah Putri",
        "tempat_lahir": "Amuntai",
        "tanggal_lahir": "2026-11-02",
        "jenis_kelamin": "P",
    }
    submitted = await request_with_scans(layanan, IBU, {"jenis": "AKTA_KELAHIRAN", "bayi": bayi})
    url = layanan.url(f"/permohonan/{submitted['id']}/setujui")
    wrong = await layanan.client.post(
        url, json={"nomor_dokumen": "AKL-1", "nik_baru": "6308050211260001"}, headers=layanan.operator_x
    )
    assert wrong.status_code == 422, "a girl's NIK has 40 added to her birth day"
    right = await layanan.client.post(
        url, json={"nomor_dokumen": "AKL-1", "nik_baru": "6308054211260001"}, headers=layanan.operator_x
    )
    assert right.status_code == 200, right.text
    family = (
        await layanan.client.get(layanan.url("/penduduk/saya"), headers=warga_headers(layanan, IBU))
    ).json()
    assert "Aisyah Putri" in [p["nama"] for p in family]
    [born] = await events(layanan)
    assert born.type == "puja.kependudukan.penduduk.born"


async def test_submission_needs_the_regions_documents_and_checks_file_types(layanan: LayananDriver) -> None:
    created = (
        await layanan.client.post(
            layanan.url("/permohonan"), json={"jenis": "KTP"}, headers=warga_headers(layanan, AYAH)
        )
    ).json()
    missing = await layanan.client.post(
        layanan.url(f"/permohonan/{created['id']}/ajukan"), headers=warga_headers(layanan, AYAH)
    )
    assert missing.status_code == 422
    assert "KTP, KK" in missing.json()["detail"]
    not_a_scan = await layanan.client.post(
        layanan.url(f"/permohonan/{created['id']}/dokumen"),
        data={"jenis": "KTP"},
        files={"berkas": ("ktp.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        headers=warga_headers(layanan, AYAH),
    )
    assert not_a_scan.status_code == 422
    too_big = await layanan.client.post(
        layanan.url(f"/permohonan/{created['id']}/dokumen"),
        data={"jenis": "KTP"},
        files={"berkas": ("ktp.pdf", PDF + b"0" * (6 * 1024 * 1024), "application/pdf")},
        headers=warga_headers(layanan, AYAH),
    )
    assert too_big.status_code == 413
    detail = (
        await layanan.client.get(
            layanan.url(f"/permohonan/{created['id']}"), headers=warga_headers(layanan, AYAH)
        )
    ).json()
    assert detail["dokumen"] == []
    assert detail["status"] == "DRAF"


async def test_correction_loop_and_public_tracking_without_personal_data(layanan: LayananDriver) -> None:
    submitted = await request_with_scans(layanan, AYAH, {"jenis": "KTP"})
    pid = submitted["id"]
    await layanan.client.post(
        layanan.url(f"/permohonan/{pid}/verifikasi"), json={}, headers=layanan.operator_x
    )
    no_note = await layanan.client.post(
        layanan.url(f"/permohonan/{pid}/minta-perbaikan"), json={}, headers=layanan.operator_x
    )
    assert no_note.status_code == 422
    asked = await layanan.client.post(
        layanan.url(f"/permohonan/{pid}/minta-perbaikan"),
        json={"catatan": "Pindaian KK terpotong"},
        headers=layanan.operator_x,
    )
    assert asked.json()["status"] == "PERLU_PERBAIKAN"
    upload = await layanan.client.post(
        layanan.url(f"/permohonan/{pid}/dokumen"),
        data={"jenis": "KK"},
        files={"berkas": ("kk.png", b"\x89PNG\r\n\x1a\nrest", "image/png")},
        headers=warga_headers(layanan, AYAH),
    )
    assert upload.status_code == 201
    resent = await layanan.client.post(
        layanan.url(f"/permohonan/{pid}/ajukan-ulang"), headers=warga_headers(layanan, AYAH)
    )
    assert resent.json()["status"] == "DIAJUKAN"
    assert len(resent.json()["dokumen"]) == 2, "the new KK replaced the old one"

    tracking = await layanan.client.get(layanan.url(f"/lacak/{submitted['nomor']}"))
    assert tracking.status_code == 200
    assert [t["status"] for t in tracking.json()["timeline"]] == [
        "DIAJUKAN",
        "VERIFIKASI",
        "PERLU_PERBAIKAN",
        "DIAJUKAN",
    ]
    assert AYAH not in tracking.text and "terpotong" not in tracking.text


async def test_people_see_only_their_own_and_staff_only_their_region_and_layanan(
    layanan: LayananDriver, tokens: TokenFactory
) -> None:
    submitted = await request_with_scans(layanan, AYAH, {"jenis": "KTP"})
    pid = submitted["id"]
    other_citizen = await layanan.client.get(
        layanan.url(f"/permohonan/{pid}"), headers=warga_headers(layanan, TETANGGA)
    )
    assert other_citizen.status_code == 404
    assert (
        await layanan.client.get(layanan.url("/permohonan/saya"), headers=warga_headers(layanan, TETANGGA))
    ).json()["items"] == []
    mine = await layanan.client.get(layanan.url("/permohonan/saya"), headers=warga_headers(layanan, AYAH))
    assert len(mine.json()["items"]) == 1
    assert (
        await layanan.client.get(layanan.url(f"/penduduk/{AYAH}"), headers=warga_headers(layanan, TETANGGA))
    ).status_code == 404
    # Another citizen gets "not found" for what is AYAH's, whatever they try on it.
    scan = submitted["dokumen"][0]["id"]
    for method, path in (
        ("GET", f"/permohonan/{pid}/dokumen/{scan}"),
        ("POST", f"/permohonan/{pid}/batalkan"),
    ):
        response = await layanan.client.request(
            method, layanan.url(path), headers=warga_headers(layanan, TETANGGA)
        )
        assert response.status_code == 404, (path, response.text)
    upload = await layanan.client.post(
        layanan.url(f"/permohonan/{pid}/dokumen"),
        data={"jenis": "KTP"},
        files={"berkas": ("ktp.pdf", PDF, "application/pdf")},
        headers=warga_headers(layanan, TETANGGA),
    )
    assert upload.status_code == 404
    # Staff of another region or another layanan, and citizens on staff routes, are refused at the route.
    for headers in (
        layanan.operator_y,
        layanan.operator_x_lain,
        warga_headers(layanan, TETANGGA),
    ):
        assert (await layanan.client.get(layanan.url("/permohonan"), headers=headers)).status_code == 403
        assert (await layanan.client.get(layanan.url("/penduduk"), headers=headers)).status_code == 403
        approve = await layanan.client.post(
            layanan.url(f"/permohonan/{pid}/setujui"), json={"nomor_dokumen": "X-1"}, headers=headers
        )
        assert approve.status_code == 403, approve.text
        verify = await layanan.client.post(layanan.url(f"/permohonan/{pid}/verifikasi"), headers=headers)
        assert verify.status_code == 403, verify.text
    for headers in (layanan.operator_y, layanan.operator_x_lain):
        for path in (f"/permohonan/{pid}", f"/permohonan/{pid}/dokumen/{scan}", f"/penduduk/{AYAH}"):
            response = await layanan.client.get(layanan.url(path), headers=headers)
            assert response.status_code == 403, (path, response.text)
    # Without a token, nothing but the public tracking page.
    for method, path in (
        ("GET", "/permohonan/saya"),
        ("GET", "/permohonan"),
        ("GET", f"/permohonan/{pid}"),
        ("POST", f"/permohonan/{pid}/setujui"),
        ("GET", f"/penduduk/{AYAH}"),
        ("GET", "/verifikasi-nik"),
    ):
        response = await layanan.client.request(method, layanan.url(path))
        assert response.status_code == 401, (path, response.text)
    assert (await layanan.client.get(layanan.url(f"/lacak/{submitted['nomor']}"))).status_code == 200
    unchanged = (
        await layanan.client.get(layanan.url(f"/permohonan/{pid}"), headers=warga_headers(layanan, AYAH))
    ).json()
    assert unchanged["status"] == "DIAJUKAN"
    assert unchanged["nomor_dokumen"] is None
    assert len(unchanged["riwayat"]) == 1
    assert len(unchanged["dokumen"]) == 2
    draft = await layanan.client.post(
        layanan.url("/permohonan"), json={"jenis": "KTP"}, headers=warga_headers(layanan, IBU)
    )
    assert draft.status_code == 201
    listed = (await layanan.client.get(layanan.url("/permohonan"), headers=layanan.operator_x)).json()
    assert [i["nomor"] for i in listed["items"]] == [submitted["nomor"]]
    assert listed["items"][0]["pemohon_nama"] == "Warga Demo"
    # A draft is still the citizen's own work: for staff it does not exist until it is submitted.
    draft_path = layanan.url(f"/permohonan/{draft.json()['id']}")
    assert (await layanan.client.get(draft_path, headers=layanan.operator_x)).status_code == 404
    assert (
        await layanan.client.post(f"{draft_path}/verifikasi", headers=layanan.operator_x)
    ).status_code == 404
    assert (await layanan.client.get(draft_path, headers=warga_headers(layanan, IBU))).status_code == 200
    not_enabled = await layanan.client.get(
        layanan.url("/permohonan/saya", Wilayah.of("63.11")), headers=warga_headers(layanan, AYAH)
    )
    assert not_enabled.status_code == 404
    assert not_enabled.json()["code"] == "layanan_tidak_aktif"


async def test_a_retried_submit_creates_one_application(layanan: LayananDriver) -> None:
    headers = {**warga_headers(layanan, AYAH), "Idempotency-Key": "hp-ayah-ktp-0001"}
    first = await layanan.client.post(layanan.url("/permohonan"), json={"jenis": "KTP"}, headers=headers)
    second = await layanan.client.post(layanan.url("/permohonan"), json={"jenis": "KTP"}, headers=headers)
    assert first.json()["nomor"] == second.json()["nomor"]
    mine = await layanan.client.get(layanan.url("/permohonan/saya"), headers=warga_headers(layanan, AYAH))
    assert len(mine.json()["items"]) == 1


async def test_a_citizen_unknown_to_the_region_cannot_file(
    layanan: LayananDriver, start_service: StartService
) -> None:
    response = await layanan.client.post(
        layanan.url("/permohonan"), json={"jenis": "KTP"}, headers=warga_headers(layanan, "6308010101900009")
    )
    assert response.status_code == 404
    staff = await layanan.client.post(
        layanan.url("/permohonan"),
        json={"jenis": "KTP"},
        headers=layanan.operator_x,
    )
    assert staff.status_code == 403


async def test_a_staff_read_of_a_record_is_logged_with_the_nik_masked(
    layanan: LayananDriver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="puja_kit.privasi")
    response = await layanan.client.get(layanan.url(f"/penduduk/{AYAH}"), headers=layanan.operator_x)
    assert response.status_code == 200
    [entry] = [r.getMessage() for r in caplog.records if r.name == "puja_kit.privasi"]
    assert entry.startswith("akses data penduduk 6308********0001 oleh akun ")
    assert entry.endswith(f" di {layanan.x.kode} (kependudukan)")
    assert AYAH not in entry
    caplog.clear()
    family = await layanan.client.get(layanan.url(f"/penduduk/{IBU}"), headers=warga_headers(layanan, AYAH))
    assert family.status_code == 200
    assert [r for r in caplog.records if r.name == "puja_kit.privasi"] == [], (
        "a family member's read is no staff read"
    )
