"""The kit's report-layanan routes on pekerjaan umum: the categories' own questions, the region's SLA days
per category, acting on several reports at once, and the region's public list of published reports."""

from __future__ import annotations

import json
from datetime import date

from puja_kit.testing.layanan import LayananDriver
from puja_kit.workflow.sla import add_working_days, today_in

from .factories import DISHUB, JAUH, PUPR, act, lapor


async def test_a_categorys_questions_are_answered_and_checked(layanan: LayananDriver) -> None:
    p = layanan
    kategori = {k["kode"]: k for k in (await p.client.get(p.url("/kategori"))).json()}
    jalan = {a["kode"]: a for a in kategori["jalan_rusak"]["atribut"]}
    assert jalan["jenis_kerusakan"]["jenis"] == "singlevaluelist"
    assert "lubang" in jalan["jenis_kerusakan"]["pilihan"]
    assert kategori["jalan_rusak"]["opd_saran"] == PUPR["opd_nama"]

    created = await lapor(p, atribut={"jenis_kerusakan": "lubang", "ukuran": "besar"})
    assert created["atribut"] == {"jenis_kerusakan": "lubang", "ukuran": "besar"}
    assert created["opd_saran"] == PUPR["opd_nama"]
    # The answers in words, with their questions, so a page needs not ask for the categories.
    assert [(j["nama"], j["nilai"]) for j in created["jawaban"]] == [
        ("Bentuk kerusakan", "Berlubang"),
        ("Perkiraan ukuran", "Besar (lebih dari 3 m)"),
    ]

    body = {"kategori": "jalan_rusak", "isi": "Jalan berlubang di depan pasar.", "lat": -2.43, "lon": 115.25}
    for atribut, field in (
        ({"jenis_kerusakan": "meledak"}, "atribut.jenis_kerusakan"),
        ({"warna": "merah"}, "atribut.warna"),
    ):
        refused = await p.client.post(
            p.url("/laporan"), json={**body, "atribut": atribut}, headers=p.warga_a.headers
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["errors"][0]["field"] == field
    banjir = await p.client.post(
        p.url("/laporan"),
        json={**body, "kategori": "drainase_banjir", "atribut": {"tinggi_genangan_cm": "tiga puluh"}},
        headers=p.warga_a.headers,
    )
    assert banjir.status_code == 422 and banjir.json()["errors"][0]["field"] == "atribut.tinggi_genangan_cm"
    mine = (await p.client.get(p.url("/laporan/saya"), headers=p.warga_a.headers)).json()
    assert len(mine["items"]) == 1, "a refused report stores nothing"
    flood = await lapor(p, where=JAUH, kategori="drainase_banjir", atribut={"tinggi_genangan_cm": "30,5"})
    assert flood["jawaban"] == [
        {"kode": "tinggi_genangan_cm", "nama": "Tinggi genangan (cm)", "nilai": "30.5", "angka": 30.5}
    ]


async def test_the_regions_admin_sets_sla_days_per_category(layanan: LayananDriver) -> None:
    p = layanan
    url = p.url("/aturan-kategori/jembatan")
    days = {"sla_verifikasi": 1, "sla_tindak_lanjut": 2, "buka_kembali_hari": 5}
    for caller, status in (("warga_a", 403), ("operator_x", 403), ("admin_y", 403), ("admin_x", 200)):
        response = await p.client.put(url, json=days, headers=p.callers()[caller])
        assert response.status_code == status, f"{caller}: {response.text}"
    again = await p.client.put(url, json={**days, "sla_verifikasi": 2}, headers=p.admin_x)
    assert again.json()["sla_verifikasi"] == 2, "a second write replaces the first"
    unknown = await p.client.put(p.url("/aturan-kategori/pohon"), json=days, headers=p.admin_x)
    assert unknown.status_code == 404
    bad = await p.client.put(url, json={**days, "sla_verifikasi": 0}, headers=p.admin_x)
    assert bad.status_code == 422

    shown = {k["kode"]: k for k in (await p.client.get(p.url("/kategori"))).json()}
    assert (shown["jembatan"]["sla_verifikasi"], shown["jembatan"]["sla_tindak_lanjut"]) == (2, 2)
    assert shown["jalan_rusak"]["sla_verifikasi"] == 3, "other categories keep the defaults"
    rows = (await p.client.get(p.url("/aturan-kategori"), headers=p.operator_x)).json()
    assert [(r["kategori"], r["buka_kembali_hari"]) for r in rows] == [("jembatan", 5)]
    # Region Y's rules are its own.
    assert (await p.client.get(p.url("/aturan-kategori", p.y), headers=p.operator_y)).json() == []

    today = today_in("WITA")
    bridge = await lapor(p, kategori="jembatan")
    assert date.fromisoformat(bridge["sla_jatuh_tempo"]) == add_working_days(today, 2)
    road = await lapor(p, where=JAUH)
    assert date.fromisoformat(road["sla_jatuh_tempo"]) == add_working_days(today, 3)
    await act(p, bridge, "verifikasi")
    disposed = await act(p, bridge, "disposisi", **PUPR)
    assert date.fromisoformat(disposed["sla_jatuh_tempo"]) == add_working_days(today, 2)


async def test_staff_act_on_several_reports_at_once_and_each_refusal_is_told(layanan: LayananDriver) -> None:
    p = layanan
    first, second = await lapor(p), await lapor(p, where=JAUH)
    archived = await lapor(p, where=(-2.47, 115.30))
    await act(p, archived, "arsipkan", catatan="Laporan ganda dari pelapor yang sama")
    url = p.url("/laporan/aksi-massal")
    ids = [first["id"], second["id"], archived["id"]]
    body = {"aksi": "verifikasi", "ids": ids}
    assert (await p.client.post(url, json=body, headers=p.warga_a.headers)).status_code == 403
    assert (await p.client.post(url, json=body, headers=p.operator_y)).status_code == 403

    done = await p.client.post(url, json=body, headers=p.operator_x)
    assert done.status_code == 200, done.text
    result = done.json()
    assert sorted(result["berhasil"]) == sorted([first["id"], second["id"]])
    assert [r["id"] for r in result["ditolak"]] == [archived["id"]]
    disposed = await p.client.post(
        url, json={"aksi": "disposisi", "ids": ids[:2], **PUPR}, headers=p.operator_x
    )
    assert sorted(disposed.json()["berhasil"]) == sorted(ids[:2])
    inbox = (
        await p.client.get(
            p.url(
                "/laporan",
            ),
            params={"opd_id": PUPR["opd_id"]},
            headers=p.operator_x,
        )
    ).json()
    assert sorted(r["id"] for r in inbox["items"]) == sorted(ids[:2])
    unknown = await p.client.post(url, json={"aksi": "jawab", "ids": ids}, headers=p.operator_x)
    assert unknown.status_code == 422


async def test_the_public_list_shows_only_published_reports_without_the_reporter(
    layanan: LayananDriver,
) -> None:
    p = layanan
    shared = await lapor(p, lokasi_dibagikan=True, anonim_publik=False, alamat="Jl. Norman Umar")
    private = await lapor(p, where=JAUH)
    hidden = await lapor(p, where=(-2.47, 115.30))
    publik = p.url("/publik")
    assert (await p.client.get(publik)).json()["items"] == [], "nothing is public until the region says so"

    for report in (shared, private):
        response = await p.client.post(
            p.url(f"/laporan/{report['id']}/terbitkan"), json={"terbit": True}, headers=p.operator_x
        )
        assert response.status_code == 200 and response.json()["diterbitkan"] is True
    refused = await p.client.post(
        p.url(f"/laporan/{hidden['id']}/terbitkan"), json={"terbit": True}, headers=p.warga_a.headers
    )
    assert refused.status_code == 403

    items = (await p.client.get(publik)).json()["items"]
    assert [i["nomor"] for i in items] == [private["nomor"], shared["nomor"]]
    by_nomor = {i["nomor"]: i for i in items}
    assert (by_nomor[shared["nomor"]]["lat"], by_nomor[shared["nomor"]]["lon"]) == (
        shared["lat"],
        shared["lon"],
    )
    assert by_nomor[private["nomor"]]["lat"] is None, "the point only when the reporter shared it"
    text = json.dumps(items)
    assert "Siti" not in text and str(p.warga_a.id) not in text
    assert (await p.client.get(p.url("/publik", p.y))).json()["items"] == []

    await p.client.post(
        p.url(f"/laporan/{shared['id']}/terbitkan"), json={"terbit": False}, headers=p.operator_x
    )
    assert [i["nomor"] for i in (await p.client.get(publik)).json()["items"]] == [private["nomor"]]


async def test_an_opd_operator_works_only_its_reports_and_never_sees_a_hidden_reporter(
    layanan: LayananDriver,
) -> None:
    p = layanan
    pupr = p.operator(opd=PUPR["opd_id"])
    hidden = await lapor(p, anonim_opd=True)
    named = await lapor(p, p.warga_b, where=JAUH, anonim_publik=False)
    elsewhere = await lapor(p, where=(-2.47, 115.30))
    for report, target in ((hidden, PUPR), (named, PUPR), (elsewhere, DISHUB)):
        await act(p, report, "verifikasi")
        await act(p, report, "disposisi", **target)

    # Its inbox holds its OPD's reports only, whatever it asks for.
    for params in ({}, {"opd_id": DISHUB["opd_id"]}, {"urut": "terbaru"}):
        inbox = (await p.client.get(p.url("/laporan"), params=params, headers=pupr)).json()
        assert sorted(r["id"] for r in inbox["items"]) == sorted([hidden["id"], named["id"]]), params
    assert (await p.client.get(p.url(f"/laporan/{elsewhere['id']}"), headers=pupr)).status_code == 404

    # Who reported: hidden when the reporter asked (the verifier still sees), shown otherwise.
    seen = (await p.client.get(p.url(f"/laporan/{hidden['id']}"), headers=pupr)).json()
    assert seen["pelapor"] is None and "Siti" not in json.dumps(seen)
    assert (await p.client.get(p.url(f"/laporan/{hidden['id']}"), headers=p.operator_x)).json()["pelapor"]
    assert (await p.client.get(p.url(f"/laporan/{named['id']}"), headers=pupr)).json()["pelapor"]["nama"]

    # It follows up and answers; verifying, re-routing, merging, publishing and bulk work are the verifiers'.
    await act(p, hidden, "tindak-lanjut", pupr, catatan="Tim UPT jalan ke lokasi")
    answered = await act(p, hidden, "jawab", pupr, catatan="Lubang sudah ditambal")
    assert answered["status"] == "SELESAI"
    refused = await act(p, named, "alihkan", pupr, status=403, catatan="Bukan kami", **DISHUB)
    assert refused["code"] == "tidak_berwenang"
    for path, body in (
        (f"/laporan/{named['id']}/terbitkan", {"terbit": True}),
        (f"/laporan/{named['id']}/gabungkan", {"induk_id": hidden["id"]}),
        ("/laporan/aksi-massal", {"aksi": "verifikasi", "ids": [named["id"]]}),
    ):
        assert (await p.client.post(p.url(path), json=body, headers=pupr)).status_code == 403, path
    assert (await p.client.get(p.url(f"/laporan/{named['id']}/duplikat"), headers=pupr)).status_code == 403
