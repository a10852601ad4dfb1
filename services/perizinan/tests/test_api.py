"""Perizinan through its API: citizen applies, operator decides, the permit is issued, checked, revoked."""

from __future__ import annotations

import re
from typing import Any

from puja_kit.db import transaction, utcnow
from puja_kit.outbox.models import OutboxEvent
from puja_kit.testing.layanan import LayananDriver, Wilayah
from puja_kit.testing.tokens import grant
from puja_kit.workflow.sla import add_working_days, local_date
from sqlalchemy import select
from sqlmodel import col

from .factories import (
    DOKUMEN,
    PDF,
    PNG,
    WARUNG,
    act,
    diajukan,
    make_draf,
    make_jenis_izin,
    stored_files,
    upload,
)


async def outbox(layanan: LayananDriver) -> list[OutboxEvent]:
    async with transaction(layanan.svc.sessionmaker, all_regions=True) as session:
        return list((await session.scalars(select(OutboxEvent).order_by(col(OutboxEvent.id)))).all())


async def test_citizen_applies_operator_issues_and_anyone_can_check_the_permit(
    layanan: LayananDriver,
) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    draf = await make_draf(p, jenis, kode_wilayah="63.08.05")
    assert re.fullmatch(r"IZN-[0-9A-Z]{4}-[0-9A-Z]{4}", draf["nomor"])
    assert draf["status"] == "DRAF"
    assert draf["dokumen_kurang"] == DOKUMEN
    assert draf["nama_wilayah"] == "Amuntai Tengah"

    for name in DOKUMEN:
        uploaded = await upload(p, draf, name, PNG if name == "Denah lokasi usaha" else PDF)
        assert uploaded.status_code == 201, uploaded.text
    submitted = await act(p, draf, "ajukan", p.warga_a.headers)
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["status"] == "DIAJUKAN"
    assert body["dokumen_kurang"] == []
    assert body["sla_jatuh_tempo"] == add_working_days(local_date(utcnow(), "WITA"), 5).isoformat()
    assert body["terlambat"] is False

    queue = await p.client.get(p.url("/permohonan"), params={"status": "DIAJUKAN"}, headers=p.operator_x)
    assert queue.status_code == 200
    assert [(i["nomor"], i["pemohon_nama"]) for i in queue.json()["items"]] == [
        (draf["nomor"], "Siti Rahmah")
    ]

    # The operator opens the uploaded scan the citizen sent.
    ktp = next(d for d in body["dokumen"] if d["jenis"] == "KTP")
    scan = await p.client.get(p.url(f"/permohonan/{draf['id']}/dokumen/{ktp['id']}"), headers=p.operator_x)
    assert scan.status_code == 200
    assert scan.content == PDF
    assert scan.headers["content-type"] == "application/pdf"

    for action in ("verifikasi", "proses"):
        assert (await act(p, draf, action, p.operator_x)).status_code == 200
    issued = await p.client.post(p.url(f"/permohonan/{draf['id']}/terbitkan"), headers=p.operator_x)
    assert issued.status_code == 201, issued.text
    izin = issued.json()
    year = local_date(utcnow(), "WITA").year
    assert izin["nomor_izin"] == f"503/IZN/56102/{year}/0001"
    assert izin["pemegang_nama"] == "Siti Rahmah"
    assert izin["berlaku_sampai"].startswith(str(year + 5))
    assert len(izin["kode_verifikasi"].replace("-", "")) >= 10

    detail = (await p.client.get(p.url(f"/permohonan/{draf['id']}"), headers=p.warga_a.headers)).json()
    assert detail["status"] == "SELESAI"
    assert detail["izin"]["nomor_izin"] == izin["nomor_izin"]
    assert [h["ke"] for h in detail["riwayat"]] == ["DIAJUKAN", "VERIFIKASI", "DIPROSES", "SELESAI"]

    for headers in (p.warga_a.headers, p.operator_x):
        document = await p.client.get(p.url(f"/izin/{izin['id']}/pdf"), headers=headers)
        assert document.status_code == 200
        assert document.headers["content-type"] == "application/pdf"
        assert document.content.startswith(b"%PDF")
    stranger = await p.client.get(p.url(f"/izin/{izin['id']}/pdf"), headers=p.warga_b.headers)
    assert stranger.status_code == 404

    check = await p.client.get(p.url(f"/verifikasi/{izin['kode_verifikasi'].lower()}"))
    assert check.status_code == 200
    assert check.json()["status"] == "BERLAKU"
    assert check.json()["berlaku"] is True
    assert check.json()["nomor_izin"] == izin["nomor_izin"]
    assert check.json()["pemegang"] == "S*** R*****"
    assert p.warga_a.nik not in check.text and "Rahmah" not in check.text

    no_reason = await p.client.post(p.url(f"/izin/{izin['id']}/cabut"), json={}, headers=p.operator_x)
    assert no_reason.status_code == 422
    by_holder = await p.client.post(
        p.url(f"/izin/{izin['id']}/cabut"), json={"alasan": "Saya sudah tutup"}, headers=p.warga_a.headers
    )
    assert by_holder.status_code == 403
    revoked = await p.client.post(
        p.url(f"/izin/{izin['id']}/cabut"),
        json={"alasan": "Lokasi usaha tidak sesuai tata ruang"},
        headers=p.operator_x,
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "DICABUT"
    again = await p.client.post(
        p.url(f"/izin/{izin['id']}/cabut"), json={"alasan": "Dicabut dua kali"}, headers=p.operator_x
    )
    assert again.status_code == 409
    assert again.json()["code"] == "status_tidak_sesuai"
    check = (await p.client.get(p.url(f"/verifikasi/{izin['kode_verifikasi']}"))).json()
    assert check["status"] == "DICABUT"
    assert check["berlaku"] is False
    assert (await p.client.get(p.url("/verifikasi/ABCD-EFGH-JKMN"))).status_code == 404

    events = await outbox(p)
    types = [e.type for e in events]
    assert types.count("puja.perizinan.izin.issued") == 1
    assert types.count("puja.perizinan.izin.revoked") == 1
    assert types.count("puja.perizinan.permohonan.status_changed") == 4
    assert all(e.tenant == p.x.kode for e in events)


async def test_correction_loop_needs_a_note_and_a_fresh_upload(layanan: LayananDriver) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    permohonan = await diajukan(p, jenis)
    assert (await act(p, permohonan, "verifikasi", p.operator_x)).status_code == 200

    no_note = await act(p, permohonan, "minta-perbaikan", p.operator_x)
    assert no_note.status_code == 422
    assert no_note.json()["errors"][0]["field"] == "catatan"
    asked = await act(p, permohonan, "minta-perbaikan", p.operator_x, catatan="Scan KTP buram, unggah ulang")
    assert asked.status_code == 200
    assert asked.json()["status"] == "PERLU_PERBAIKAN"

    mine = (await p.client.get(p.url(f"/permohonan/{permohonan['id']}"), headers=p.warga_a.headers)).json()
    assert mine["riwayat"][-1]["catatan"] == "Scan KTP buram, unggah ulang"
    assert mine["terlambat"] is False

    replaced = await upload(p, permohonan, "KTP", PNG, filename="ktp-baru.png")
    assert replaced.status_code == 201
    assert replaced.json()["content_type"] == "image/png"
    resent = await act(p, permohonan, "ajukan-ulang", p.warga_a.headers)
    assert resent.status_code == 200
    body = resent.json()
    assert body["status"] == "DIAJUKAN"
    ktp = [d for d in body["dokumen"] if d["jenis"] == "KTP"]
    assert len(ktp) == 2, "the replaced scan is kept, marked as replaced"
    assert [d["diganti_at"] is None for d in ktp] == [False, True]
    assert [h["aksi"] for h in body["riwayat"]] == ["ajukan", "verifikasi", "minta_perbaikan", "ajukan_ulang"]

    late = await upload(p, permohonan, "KTP")
    assert late.status_code == 409, "no uploads once the application is back with the operator"
    assert (await act(p, permohonan, "ajukan-ulang", p.warga_a.headers)).status_code == 409

    cancelled = await act(p, permohonan, "batalkan", p.warga_a.headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "DIBATALKAN"


async def test_submit_is_refused_while_required_documents_are_missing(layanan: LayananDriver) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    draf = await make_draf(p, jenis)
    assert (await upload(p, draf, "NIB")).status_code == 201

    refused = await act(p, draf, "ajukan", p.warga_a.headers)
    assert refused.status_code == 422
    problem = refused.json()
    assert refused.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "dokumen_belum_lengkap"
    assert [e["message"] for e in problem["errors"]] == ["KTP", "Denah lokasi usaha"]
    assert "KTP" in problem["detail"]

    detail = (await p.client.get(p.url(f"/permohonan/{draf['id']}"), headers=p.warga_a.headers)).json()
    assert detail["status"] == "DRAF"
    assert detail["dokumen_kurang"] == ["KTP", "Denah lokasi usaha"]
    assert detail["sla_jatuh_tempo"] is None


async def test_uploads_are_checked_by_content_and_size_and_nothing_is_kept(
    layanan: LayananDriver,
) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    draf = await make_draf(p, jenis)

    disguised = await upload(p, draf, "KTP", b"MZ\x90\x00 not really a pdf", filename="ktp.pdf")
    assert disguised.status_code == 422
    assert disguised.json()["code"] == "data_tidak_valid"
    oversize = await upload(p, draf, "KTP", PDF + b"0" * (5 * 1024 * 1024), filename="besar.pdf")
    assert oversize.status_code == 413
    assert oversize.json()["code"] == "permintaan_terlalu_besar"
    unknown = await upload(p, draf, "Akta kelahiran")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "jenis"
    by_operator = await p.client.post(
        p.url(f"/permohonan/{draf['id']}/dokumen"),
        data={"jenis": "KTP"},
        files={"berkas": ("ktp.pdf", PDF, "application/pdf")},
        headers=p.operator_x,
    )
    assert by_operator.status_code == 403, "only the applicant (a citizen) uploads"

    assert stored_files(p) == []
    detail = (await p.client.get(p.url(f"/permohonan/{draf['id']}"), headers=p.warga_a.headers)).json()
    assert detail["dokumen"] == []

    # Just under the limit is fine.
    fits = await upload(p, draf, "KTP", PDF + b"0" * (5 * 1024 * 1024 - len(PDF) - 10))
    assert fits.status_code == 201, fits.text
    assert len(stored_files(p)) == 1


async def test_a_permit_is_applied_for_only_with_a_proved_nik(layanan: LayananDriver) -> None:
    """A permit carries its holder's name: an account that merely registered a NIK cannot apply."""
    p = layanan
    jenis = await make_jenis_izin(p)
    unproved = p.tokens.headers(grant("warga"), sub=p.warga_a.id, nik=p.warga_a.nik, nik_verified=False)
    body = {
        "jenis_izin_id": jenis["id"],
        "nama_usaha": "Warung Makan Acil Siti",
        "alamat_usaha": "Jl. Norman Umar No. 12, Amuntai",
        "kode_wilayah": "63.08.05",
    }
    refused = await p.client.post(p.url("/permohonan"), json=body, headers=unproved)
    assert refused.status_code == 403
    assert refused.json()["code"] == "nik_belum_terverifikasi"
    mine = (await p.client.get(p.url("/permohonan/saya"), headers=p.warga_a.headers)).json()
    assert mine["items"] == [] and mine["next_cursor"] is None


async def test_each_person_sees_only_what_is_theirs_or_their_regions(layanan: LayananDriver) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    siti = await diajukan(p, jenis)
    budi = await make_draf(p, jenis, p.warga_b)
    path = f"/permohonan/{siti['id']}"

    mine = (await p.client.get(p.url("/permohonan/saya"), headers=p.warga_b.headers)).json()
    assert [i["id"] for i in mine["items"]] == [budi["id"]]
    assert mine["next_cursor"] is None
    assert (await p.client.get(p.url(path), headers=p.warga_b.headers)).status_code == 404
    assert (await act(p, siti, "batalkan", p.warga_b.headers)).status_code == 404
    assert (await upload(p, siti, "KTP", who=p.warga_b)).status_code == 404
    # A citizen cannot act as an operator on their own application.
    assert (await act(p, siti, "verifikasi", p.warga_a.headers)).status_code == 403
    # Operators do not see drafts, which are still the citizen's own work.
    queue = (await p.client.get(p.url("/permohonan"), headers=p.admin_x)).json()
    assert [i["id"] for i in queue["items"]] == [siti["id"]]
    for staff in (p.admin_x, p.operator_x):
        assert (await p.client.get(p.url(f"/permohonan/{budi['id']}"), headers=staff)).status_code == 404
        assert (await act(p, budi, "verifikasi", staff)).status_code == 404

    # Staff of another region, or of another layanan here, are refused at the route, before any row is
    # looked up: nothing of Siti's comes back and nothing changes.
    elsewhere = p.operator_y
    other_layanan = p.operator_x_lain
    for outsider in (elsewhere, other_layanan):
        for refused in (
            await p.client.get(p.url("/permohonan"), headers=outsider),
            await p.client.get(p.url(path), headers=outsider),
            await p.client.get(p.url(f"/pemohon/{p.warga_a.nik}"), headers=outsider),
            await act(p, siti, "verifikasi", outsider),
            await act(p, siti, "tolak", outsider, catatan="Bukan wewenang kami"),
        ):
            assert refused.status_code == 403
            for private in (siti["nomor"], siti["nama_usaha"], "Rahmah"):
                assert private not in refused.text
    unchanged = (await p.client.get(p.url(path), headers=p.warga_a.headers)).json()
    assert unchanged["status"] == "DIAJUKAN"
    assert [h["aksi"] for h in unchanged["riwayat"]] == ["ajukan"]
    # Through the other region's own address the application does not exist at all.
    assert (await p.client.get(p.url(path, p.y), headers=elsewhere)).status_code == 404
    assert (await p.client.get(p.url("/permohonan"))).status_code == 401
    assert (await p.client.get(p.url(path))).status_code == 401

    not_enabled = await p.client.get(p.url("/jenis-izin", Wilayah.of("63.11")))  # Balangan
    assert not_enabled.status_code == 404
    assert not_enabled.json()["code"] == "layanan_tidak_aktif"


async def test_public_tracking_shows_progress_without_personal_data(layanan: LayananDriver) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    draf = await make_draf(p, jenis)
    assert (await p.client.get(p.url(f"/lacak/{draf['nomor']}"))).status_code == 404, "drafts are private"

    permohonan = await diajukan(p, jenis, p.warga_a)
    await act(p, permohonan, "verifikasi", p.operator_x)
    await act(p, permohonan, "minta-perbaikan", p.operator_x, catatan="NIB Siti Rahmah tidak terbaca")
    page = await p.client.get(p.url(f"/lacak/{permohonan['nomor'].lower()}"))
    assert page.status_code == 200
    body = page.json()
    assert body["status"] == "PERLU_PERBAIKAN"
    assert body["layanan"] == "perizinan"
    assert [t["status"] for t in body["timeline"]] == ["DIAJUKAN", "VERIFIKASI", "PERLU_PERBAIKAN"]
    for private in (p.warga_a.nik, "Siti", "Rahmah", "Warung Makan Acil", "tidak terbaca", str(p.warga_a.id)):
        assert private not in page.text


async def test_permit_types_are_public_and_managed_by_staff(layanan: LayananDriver) -> None:
    p = layanan
    url = p.url("/jenis-izin")
    as_citizen = await p.client.post(url, json=WARUNG, headers=p.warga_a.headers)
    assert as_citizen.status_code == 403
    bad = await p.client.post(
        url,
        json={**WARUNG, "kbli": "5610", "tingkat_risiko": "sedang", "dokumen_wajib": ["KTP", "ktp"]},
        headers=p.operator_x,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"kbli", "tingkat_risiko", "dokumen_wajib"}

    warung = await make_jenis_izin(p)
    pbg = await make_jenis_izin(
        p, nama="Persetujuan Bangunan Gedung", kbli="41011", tingkat_risiko="tinggi", masa_berlaku_tahun=None
    )
    duplicate = await p.client.post(url, json=WARUNG, headers=p.admin_x)
    assert duplicate.status_code == 409

    public = (await p.client.get(url)).json()
    assert [j["nama"] for j in public["items"]] == [pbg["nama"], warung["nama"]]
    assert public["items"][0]["diperbarui"]
    risky = (await p.client.get(url, params={"tingkat_risiko": "tinggi"})).json()
    assert [j["id"] for j in risky["items"]] == [pbg["id"]]

    closed = await p.client.patch(
        p.url(f"/jenis-izin/{pbg['id']}"), json={"aktif": False, "sla_hari": 20}, headers=p.operator_x
    )
    assert closed.status_code == 200
    assert closed.json()["sla_hari"] == 20
    assert [j["id"] for j in (await p.client.get(url)).json()["items"]] == [warung["id"]]
    everything = await p.client.get(url, params={"termasuk_nonaktif": True}, headers=p.operator_x)
    assert everything.json()["total"] == 2
    emptied = await p.client.patch(
        p.url(f"/jenis-izin/{pbg['id']}"), json={"nama": None}, headers=p.operator_x
    )
    assert emptied.status_code == 422

    refused = await p.client.post(
        p.url("/permohonan"),
        json={
            "jenis_izin_id": pbg["id"],
            "nama_usaha": "Ruko Amuntai",
            "alamat_usaha": "Jl. Basuki Rahmat 3",
            "kode_wilayah": "63.08.05",
        },
        headers=p.warga_a.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "jenis_izin_id"


async def test_a_permit_type_named_with_spaces_or_control_characters_is_refused(
    layanan: LayananDriver,
) -> None:
    p = layanan
    url = p.url("/jenis-izin")
    for fields in (
        {"nama": "     "},
        {"nama": "Izin\t\nWarung"},
        {"dokumen_wajib": ["KTP", "   "]},
        {"dokumen_wajib": ["KTP\u0000"]},
        {"kbli": "\u0665\u0666\u0661\u0661\u0661"},  # Arabic-Indic digits are no KBLI
    ):
        response = await p.client.post(url, json={**WARUNG, **fields}, headers=p.operator_x)
        assert response.status_code == 422, fields
    assert (await p.client.get(url)).json()["total"] == 0
    warung = await make_jenis_izin(p, nama="  Izin   Usaha Warung\n", dokumen_wajib=[" KTP ", "NPWP"])
    assert warung["nama"] == "Izin Usaha Warung"
    assert warung["dokumen_wajib"] == ["KTP", "NPWP"]

    draf = await make_draf(p, warung)
    spaces = await upload(p, draf, "   ")
    assert spaces.status_code == 422
    assert spaces.json()["errors"][0]["message"] == "tidak boleh kosong"
    assert (await upload(p, draf, " KTP ")).status_code == 201


async def test_new_applications_check_region_nib_and_the_citizen(layanan: LayananDriver) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    base: dict[str, Any] = {
        "jenis_izin_id": jenis["id"],
        "nama_usaha": "Toko Kelontong Berkah",
        "alamat_usaha": "Jl. Ahmad Yani 7, Amuntai",
        "kode_wilayah": "63.08.05",
    }
    url = p.url("/permohonan")
    for field, value in (("kode_wilayah", "63.09.01"), ("kode_wilayah", "63.08"), ("nib", "12345")):
        response = await p.client.post(url, json={**base, field: value}, headers=p.warga_a.headers)
        assert response.status_code == 422, (field, value)
        assert response.json()["errors"][0]["field"] == field
    desa = await p.client.post(url, json={**base, "kode_wilayah": "63.08.01.2003"}, headers=p.warga_a.headers)
    assert desa.status_code == 201
    assert desa.json()["nama_wilayah"] == "Sungai Namang"
    operator = await p.client.post(url, json=base, headers=p.operator_x)
    assert operator.status_code == 403
    without_nik = await p.client.post(url, json=base, headers=p.tokens.headers({"role": "warga"}))
    assert without_nik.status_code == 403


async def test_idempotency_key_returns_the_first_application(layanan: LayananDriver) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    body = {
        "jenis_izin_id": jenis["id"],
        "nama_usaha": "Warung Makan Acil Siti",
        "alamat_usaha": "Jl. Norman Umar No. 12, Amuntai",
        "kode_wilayah": "63.08.05",
    }
    headers = {**p.warga_a.headers, "Idempotency-Key": "kirim-permohonan-0001"}
    first = await p.client.post(p.url("/permohonan"), json=body, headers=headers)
    retried = await p.client.post(p.url("/permohonan"), json=body, headers=headers)
    assert first.status_code == retried.status_code == 201
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json()["nomor"] == first.json()["nomor"]
    mine = (await p.client.get(p.url("/permohonan/saya"), headers=p.warga_a.headers)).json()
    assert len(mine["items"]) == 1 and mine["next_cursor"] is None


async def test_the_inbox_reads_the_nearest_due_date_first_and_only_open_applications(
    layanan: LayananDriver,
) -> None:
    from datetime import timedelta
    from uuid import UUID

    from perizinan.models import Permohonan

    p = layanan
    jenis = await make_jenis_izin(p)
    later, overdue, soon, done = [await diajukan(p, jenis) for _ in range(4)]
    today = local_date(utcnow(), "WITA")
    due = {later["id"]: 9, overdue["id"]: -2, soon["id"]: 1, done["id"]: -5}
    async with transaction(layanan.svc.sessionmaker, tenant=p.x.kode) as session:
        for ident, days in due.items():
            row = await session.get(Permohonan, UUID(ident))
            assert row is not None
            row.sla_jatuh_tempo = today + timedelta(days=days)
            if ident == done["id"]:
                row.status, row.selesai_at = "SELESAI", utcnow()

    first = (
        await p.client.get(p.url("/permohonan"), params={"urut": "sla", "limit": 2}, headers=p.operator_x)
    ).json()
    assert [i["id"] for i in first["items"]] == [overdue["id"], soon["id"]]
    assert first["items"][0]["terlambat"] and not first["items"][1]["terlambat"]
    rest = (
        await p.client.get(
            p.url("/permohonan"),
            params={"urut": "sla", "limit": 2, "cursor": first["next_cursor"]},
            headers=p.operator_x,
        )
    ).json()
    assert [i["id"] for i in rest["items"]] == [later["id"]] and rest["next_cursor"] is None
    # With a status the finished ones are there too, still by due date; the default stays newest first.
    finished = (
        await p.client.get(
            p.url("/permohonan"), params={"urut": "sla", "status": "SELESAI"}, headers=p.operator_x
        )
    ).json()
    assert [i["id"] for i in finished["items"]] == [done["id"]]
    newest = (await p.client.get(p.url("/permohonan"), headers=p.operator_x)).json()
    assert [i["id"] for i in newest["items"]] == [done["id"], soon["id"], overdue["id"], later["id"]]
    refused = await p.client.get(p.url("/permohonan"), params={"urut": "acak"}, headers=p.operator_x)
    assert refused.status_code == 422
