"""Pekerjaan umum's damage reports through the API: a citizen reports with a photo, the public tracks it
without the reporter, the staff verify, dispose, re-route and answer, duplicates nearby are merged, the
reporter rates, reopens and accepts, and an unanswered report closes by itself on a controlled clock."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

from pekerjaan_umum.models import Laporan, LaporanRiwayat
from PIL import Image
from puja_kit.db import transaction, utcnow
from puja_kit.outbox.models import OutboxEvent
from puja_kit.testing.layanan import LayananDriver
from puja_kit.workflow.aduan import close_expired
from sqlalchemy import select
from sqlmodel import col

from .factories import AMUNTAI, DEKAT, DISHUB, JAUH, PUPR, act, dijawab, jpeg_with_gps, lapor, stored_files


async def outbox(p: LayananDriver) -> list[OutboxEvent]:
    async with transaction(p.svc.sessionmaker, all_regions=True) as session:
        return list((await session.scalars(select(OutboxEvent).order_by(col(OutboxEvent.id)))).all())


async def test_a_citizen_reports_with_a_photo_and_the_public_tracks_it_without_the_reporter(
    layanan: LayananDriver,
) -> None:
    p = layanan
    body = {
        "kategori": "jalan_rusak",
        "isi": "  Jalan berlubang besar di depan pasar Amuntai.  ",
        "lat": AMUNTAI[0],
        "lon": AMUNTAI[1],
        "alamat": "Jl. Norman Umar, depan Pasar Amuntai",
    }
    headers = {**p.warga_a.headers, "Idempotency-Key": "laporan-jalan-pasar"}
    first = await p.client.post(p.url("/laporan"), json=body, headers=headers)
    retry = await p.client.post(p.url("/laporan"), json=body, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 201), first.text
    laporan = first.json()
    assert retry.json()["id"] == laporan["id"]
    assert laporan["nomor"].startswith("PU-") and laporan["status"] == "DITERIMA"
    assert laporan["isi"] == "Jalan berlubang besar di depan pasar Amuntai."
    assert laporan["sla_tahap"] == "verifikasi" and laporan["sla_jatuh_tempo"]
    assert laporan["pelapor"]["nama"] == "Siti Rahmah"
    mine = (await p.client.get(p.url("/laporan/saya"), headers=p.warga_a.headers)).json()
    assert [r["nomor"] for r in mine["items"]] == [laporan["nomor"]]

    # The photo loses its GPS block: the reporter did not share the location.
    photo = await p.client.post(
        p.url(f"/laporan/{laporan['id']}/foto"),
        files={"berkas": ("lubang.jpg", jpeg_with_gps(), "image/jpeg")},
        headers=p.warga_a.headers,
    )
    assert photo.status_code == 201, photo.text
    (saved,) = stored_files(p)
    exif = Image.open(io.BytesIO(saved.read_bytes())).getexif()
    assert 0x8825 not in exif and exif[0x010F] == "Kamera Warga"
    shown = await p.client.get(
        p.url(f"/laporan/{laporan['id']}/foto/{photo.json()['id']}"), headers=p.operator_x
    )
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    pdf = await p.client.post(
        p.url(f"/laporan/{laporan['id']}/foto"),
        files={"berkas": ("x.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        headers=p.warga_a.headers,
    )
    assert pdf.status_code == 422 and pdf.json()["errors"][0]["field"] == "berkas"

    # Another citizen neither sees it nor adds photos; the public tracks it by number, anonymously.
    for path in (f"/laporan/{laporan['id']}", f"/laporan/{laporan['id']}/foto/{photo.json()['id']}"):
        assert (await p.client.get(p.url(path), headers=p.warga_b.headers)).status_code == 404
    await act(p, laporan, "verifikasi")
    public = await p.client.get(p.url(f"/lacak/{laporan['nomor'].lower()}"))
    assert public.status_code == 200, public.text
    view = public.json()
    assert view["status"] == "TERVERIFIKASI" and view["kategori_label"] == "Jalan rusak"
    assert view["pelapor"] is None and view["lat"] is None and view["lon"] is None
    assert [t["status"] for t in view["timeline"]] == ["DITERIMA", "TERVERIFIKASI"]
    text = json.dumps(view)
    assert str(p.warga_a.id) not in text and p.warga_a.nik not in text and "Siti" not in text
    missing = await p.client.get(p.url("/lacak/PU-XXXX-XXXX"))
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


async def test_reporting_needs_a_proved_nik_and_a_known_category(layanan: LayananDriver) -> None:
    p = layanan
    unproved = p.warga("Belum Terbukti", p.x.nik(), nik_verified=False)
    body = {"kategori": "jalan_rusak", "isi": "Jalan rusak parah sekali.", "lat": -2.43, "lon": 115.25}
    refused = await p.client.post(p.url("/laporan"), json=body, headers=unproved.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "nik_belum_terverifikasi"
    unknown = await p.client.post(
        p.url("/laporan"), json={**body, "kategori": "pohon_tumbang"}, headers=p.warga_a.headers
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "kategori"
    kategori = (await p.client.get(p.url("/kategori"))).json()
    assert [k["kode"] for k in kategori] == [
        "jalan_rusak",
        "jembatan",
        "drainase_banjir",
        "penerangan_jalan",
        "lainnya",
    ]


async def test_staff_dispose_reroute_and_answer_the_reporter_rates_once_reopens_and_accepts(
    layanan: LayananDriver,
) -> None:
    p = layanan
    laporan = await lapor(p)
    await act(p, laporan, "verifikasi")
    # The citizen cannot act for the staff; region Y's operator is refused before any row is read.
    refused = await p.client.post(
        p.url(f"/laporan/{laporan['id']}/disposisi"), json=DISHUB, headers=p.warga_a.headers
    )
    assert refused.status_code == 403 and refused.json()["code"] == "akses_ditolak"
    assert (
        await p.client.post(p.url(f"/laporan/{laporan['id']}/disposisi"), json=DISHUB, headers=p.operator_y)
    ).status_code == 403
    no_opd = await act(p, laporan, "disposisi", status=422)
    assert no_opd["errors"][0]["field"] == "opd_id"
    no_name = await act(p, laporan, "disposisi", status=422, opd_id=DISHUB["opd_id"])
    assert no_name["errors"][0]["field"] == "opd_nama"

    # Disposed to the wrong OPD, which hands it on ("bukan kewenangan OPD") with a reason.
    wrong = await act(p, laporan, "disposisi", **DISHUB)
    assert (wrong["status"], wrong["opd_nama"], wrong["sla_tahap"]) == (
        "DIDISPOSISI",
        "Dinas Perhubungan",
        "tindak_lanjut",
    )
    assert (await act(p, laporan, "alihkan", status=422, **PUPR))["errors"][0]["field"] == "catatan"
    same = await act(p, laporan, "alihkan", status=422, catatan="Salah OPD", **DISHUB)
    assert same["errors"][0]["code"] == "opd_sama"
    moved = await act(p, laporan, "alihkan", catatan="Jalan kabupaten, kewenangan PUPR", **PUPR)
    assert moved["opd_nama"] == PUPR["opd_nama"]
    step = moved["riwayat"][-1]
    assert (step["aksi"], step["opd_dari_nama"], step["opd_ke_nama"]) == (
        "alihkan",
        "Dinas Perhubungan",
        PUPR["opd_nama"],
    )
    await act(p, laporan, "tindak-lanjut", catatan="Tim turun ke lokasi")
    answered = await act(p, laporan, "jawab", catatan="Lubang sudah ditambal")
    assert answered["status"] == "SELESAI" and answered["tutup_otomatis_at"] and answered["boleh_dinilai"]

    # The reporter rates the answer once, reopens it (a reason required), it is answered again.
    me = p.warga_a.headers
    rated = await act(p, laporan, "nilai", me, nilai=2)
    assert rated["rating"] == 2 and not rated["boleh_dinilai"]
    again = await act(p, laporan, "nilai", me, status=409, nilai=5)
    assert again["code"] == "sudah_dinilai"
    assert (await act(p, laporan, "nilai", me, status=422, nilai=6))["errors"][0]["field"] == "nilai"
    await act(p, laporan, "buka-kembali", me, status=422)
    reopened = await act(p, laporan, "buka-kembali", me, catatan="Lubang terbuka lagi setelah hujan")
    assert (reopened["status"], reopened["opd_nama"]) == ("DIDISPOSISI", PUPR["opd_nama"])
    assert (await act(p, laporan, "terima-jawaban", p.warga_b.headers, status=404))[
        "code"
    ] == "tidak_ditemukan"
    await act(p, laporan, "tindak-lanjut", catatan="Ditambal ulang")
    await act(p, laporan, "jawab", catatan="Sudah diaspal ulang")
    assert (await act(p, laporan, "nilai", me, nilai=5))["rating"] == 5
    closed = await act(p, laporan, "terima-jawaban", me)
    assert closed["status"] == "DITUTUP" and closed["ditutup_at"]
    assert [r["aksi"] for r in closed["riwayat"]] == [
        "terima",
        "verifikasi",
        "disposisi",
        "alihkan",
        "tindak_lanjut",
        "jawab",
        "nilai",
        "buka_kembali",
        "tindak_lanjut",
        "jawab",
        "nilai",
        "terima_jawaban",
    ]
    events = [e for e in await outbox(p) if e.type == "puja.pekerjaan_umum.aduan.status_changed"]
    assert len(events) == 10  # every change of status; ratings write none

    performance = (await p.client.get(p.url("/kinerja-opd"), headers=p.admin_x)).json()
    (pupr,) = [k for k in performance if k["opd_nama"] == PUPR["opd_nama"]]
    assert (pupr["dijawab"], pupr["rata_rata_nilai"]) == (1, 5.0)


async def test_outside_the_regions_authority_is_handed_over_with_a_reason(layanan: LayananDriver) -> None:
    p = layanan
    laporan = await lapor(p, kategori="jembatan", isi="Jembatan gantung di jalan provinsi retak parah.")
    missing = await act(p, laporan, "bukan-kewenangan", status=422, catatan="Jalan provinsi")
    assert missing["errors"][0]["field"] == "dialihkan_ke"
    handed = await act(
        p, laporan, "bukan-kewenangan", catatan="Jalan provinsi", dialihkan_ke="Dinas PUPR Provinsi Kalsel"
    )
    assert (handed["status"], handed["dialihkan_ke"]) == ("BUKAN_KEWENANGAN", "Dinas PUPR Provinsi Kalsel")
    assert handed["sla_jatuh_tempo"] is None


async def test_a_nearby_report_of_the_same_damage_is_offered_and_merged(layanan: LayananDriver) -> None:
    p = layanan
    first = await lapor(p)
    second = await lapor(p, p.warga_b, where=DEKAT, isi="Ada lubang dalam di jalan depan pasar, motor jatuh.")
    await lapor(p, p.warga_b, where=JAUH)  # the same damage? too far
    await lapor(p, p.warga_b, where=DEKAT, kategori="penerangan_jalan", isi="Lampu jalan depan pasar mati.")
    await lapor(p, p.warga_b, p.y, where=DEKAT)  # the neighbour region's

    offered = await p.client.get(p.url(f"/laporan/{second['id']}/duplikat"), headers=p.operator_x)
    assert offered.status_code == 200, offered.text
    assert [(d["nomor"], d["jarak_m"] < 50) for d in offered.json()] == [(first["nomor"], True)]
    assert (
        await p.client.get(p.url(f"/laporan/{second['id']}/duplikat"), headers=p.warga_b.headers)
    ).status_code == 403

    self_merge = await act(p, second, "gabungkan", status=422, induk_id=second["id"])
    assert self_merge["errors"][0]["field"] == "induk_id"
    merged = await act(p, second, "gabungkan", induk_id=first["id"])
    assert (merged["status"], merged["mengikuti_id"]) == ("DIARSIPKAN", first["id"])
    assert (await p.client.get(p.url(f"/laporan/{first['id']}/duplikat"), headers=p.operator_x)).json() == []

    # The second reporter hears of every later step of the first report.
    await act(p, first, "verifikasi")
    event = [e for e in await outbox(p) if e.subject == first["id"]][-1]
    assert json.loads(event.body)["data"]["pengikut_ids"] == [str(p.warga_b.id)]


async def test_the_inbox_lists_running_clocks_nearest_first_and_citizens_only_their_own(
    layanan: LayananDriver,
) -> None:
    p = layanan
    a = await lapor(p)
    b = await lapor(p, p.warga_b, where=JAUH)
    await act(p, b, "verifikasi")  # its clock stops until it is disposed
    inbox = await p.client.get(p.url("/laporan"), headers=p.operator_x)
    assert [r["nomor"] for r in inbox.json()["items"]] == [a["nomor"]]
    newest = await p.client.get(p.url("/laporan"), params={"urut": "terbaru"}, headers=p.admin_x)
    assert [r["nomor"] for r in newest.json()["items"]] == [b["nomor"], a["nomor"]]
    assert (await p.client.get(p.url("/laporan"), headers=p.warga_a.headers)).status_code == 403
    own = (await p.client.get(p.url("/laporan/saya"), headers=p.warga_b.headers)).json()
    assert [r["nomor"] for r in own["items"]] == [b["nomor"]]


async def test_an_answered_report_closes_by_itself_after_10_working_days(layanan: LayananDriver) -> None:
    p = layanan
    laporan = await dijawab(p, await lapor(p))
    assert laporan["status"] == "SELESAI"
    # 10 working days after the answer, at the same local time (the region's zone, its holidays).
    due = datetime.fromisoformat(laporan["tutup_otomatis_at"])
    assert due - utcnow() >= timedelta(days=13)
    sm = p.svc.sessionmaker
    async with transaction(sm, all_regions=True) as session:
        early = await close_expired(
            session, Laporan, LaporanRiwayat, layanan="pekerjaan_umum", now=due - timedelta(minutes=1)
        )
    assert early == []
    async with transaction(sm, all_regions=True) as session:
        closed = await close_expired(session, Laporan, LaporanRiwayat, layanan="pekerjaan_umum", now=due)
    assert closed == [laporan["nomor"]]
    detail = (await p.client.get(p.url(f"/laporan/{laporan['id']}"), headers=p.warga_a.headers)).json()
    assert detail["status"] == "DITUTUP"
    assert (detail["riwayat"][-1]["aksi"], detail["riwayat"][-1]["actor_role"]) == (
        "tutup_otomatis",
        "sistem",
    )
    # The reporter may still rate the answer, and reopen within the region's window.
    assert detail["boleh_dinilai"]


async def test_a_shared_location_keeps_the_photos_gps_and_a_report_takes_at_most_three(
    layanan: LayananDriver,
) -> None:
    p = layanan
    laporan = await lapor(p, lokasi_dibagikan=True, anonim_publik=False)
    url = p.url(f"/laporan/{laporan['id']}/foto")
    for _ in range(3):
        sent = await p.client.post(
            url, files={"berkas": ("a.jpg", jpeg_with_gps(), "image/jpeg")}, headers=p.warga_a.headers
        )
        assert sent.status_code == 201, sent.text
    fourth = await p.client.post(
        url, files={"berkas": ("a.jpg", jpeg_with_gps(), "image/jpeg")}, headers=p.warga_a.headers
    )
    assert fourth.status_code == 409
    assert all(
        Image.open(io.BytesIO(f.read_bytes())).getexif().get_ifd(0x8825)[1] == "S" for f in stored_files(p)
    )
    # Not anonymous and the location shared: the public sees the name (never the account) and the point.
    view = (await p.client.get(p.url(f"/lacak/{laporan['nomor']}"))).json()
    assert view["pelapor"] == {"id": None, "nama": "Siti Rahmah"}
    assert (view["lat"], view["lon"]) == AMUNTAI
