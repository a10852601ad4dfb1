"""The inventory and the projects through the API: the staff record road segments, bridges and
channels with their surveys (a late survey of an earlier date is history only), the public lists and
filters them page by page and reads the km of road per condition; projects report progress that only a
noted correction lowers; a damage report is tied to an inventory item."""

from __future__ import annotations

from typing import Any

from puja_kit.testing.layanan import LayananDriver

from .factories_aset import AMUNTAI_TENGAH, BANJANG, hari, ruas, survei


async def test_staff_record_the_inventory_and_the_public_lists_and_filters_it(layanan: LayananDriver) -> None:
    p = layanan
    satu = await ruas(p, "001", 4.2, nama="Ruas Amuntai - Banjang")
    dua = await ruas(p, "002", 2.5, nama="Ruas Pasar - Palampitan", kecamatan=[AMUNTAI_TENGAH])
    jembatan = await p.client.post(
        p.url("/aset"),
        json={
            "jenis": "jembatan",
            "nama": "Jembatan Tabalong Kiwa",
            "panjang_m": 42,
            "lebar_m": 6,
            "tipe": "beton",
            "kecamatan": [BANJANG],
            "ruas_id": satu["id"],
        },
        headers=p.operator_x,
    )
    assert jembatan.status_code == 201, jembatan.text
    assert jembatan.json()["ruas_nama"] == "Ruas Amuntai - Banjang"
    saluran = await p.client.post(
        p.url("/aset"),
        json={"jenis": "drainase", "nama": "Saluran Jl. Norman Umar", "panjang_m": 850, "tipe": "terbuka"},
        headers=p.admin_x,
    )
    assert saluran.status_code == 201, saluran.text
    await survei(p, satu, "RUSAK_BERAT", hari(-30))
    await survei(p, dua, "BAIK", hari(-10))

    # Public, no login; filtered by kind, condition and kecamatan; page by page in name order.
    semua = (await p.client.get(p.url("/aset"))).json()
    assert [a["nama"] for a in semua["items"]] == [
        "Jembatan Tabalong Kiwa",
        "Ruas Amuntai - Banjang",
        "Ruas Pasar - Palampitan",
        "Saluran Jl. Norman Umar",
    ]
    jalan = (await p.client.get(p.url("/aset"), params={"jenis": "ruas_jalan", "limit": 1})).json()
    assert [a["nomor_ruas"] for a in jalan["items"]] == ["001"] and jalan["next_cursor"]
    berikut = (
        await p.client.get(
            p.url("/aset"), params={"jenis": "ruas_jalan", "limit": 1, "cursor": jalan["next_cursor"]}
        )
    ).json()
    assert [a["nomor_ruas"] for a in berikut["items"]] == ["002"] and berikut["next_cursor"] is None
    rusak = (await p.client.get(p.url("/aset"), params={"kondisi": "RUSAK_BERAT"})).json()
    assert [a["id"] for a in rusak["items"]] == [satu["id"]]
    assert rusak["items"][0]["kondisi_label"] == "Rusak berat"
    banjang = (await p.client.get(p.url("/aset"), params={"kecamatan": BANJANG})).json()
    assert {a["nama"] for a in banjang["items"]} == {"Ruas Amuntai - Banjang", "Jembatan Tabalong Kiwa"}

    # The summary: km of road per condition, as a region reports it.
    ringkas = (await p.client.get(p.url("/aset/ringkasan"))).json()
    km = {k["kondisi"]: k["panjang_km"] for k in ringkas["jalan"]}
    assert km == {"BAIK": 2.5, "SEDANG": 0, "RUSAK_RINGAN": 0, "RUSAK_BERAT": 4.2}
    assert ringkas["total_km"] == 6.7 and ringkas["mantap_persen"] == 37.3
    assert ringkas["jumlah"] == {"ruas_jalan": 2, "jembatan": 1, "drainase": 1}

    # Only the staff write; region Y neither writes nor reads X's items through its own slug.
    body = {"jenis": "drainase", "nama": "Saluran X", "panjang_m": 10, "tipe": "terbuka"}
    for headers in (p.warga_a.headers, p.operator_x_lain, p.operator_y):
        refused = await p.client.post(p.url("/aset"), json=body, headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "akses_ditolak"
    assert (await p.client.get(p.url(f"/aset/{satu['id']}", p.y))).status_code == 404
    assert (await p.client.get(p.url("/aset", p.y))).json()["items"] == []


async def test_each_kind_needs_its_own_fields(layanan: LayananDriver) -> None:
    p = layanan
    jalan = await ruas(p, "010")

    async def refused(body: dict[str, Any], status: int = 422) -> dict[str, Any]:
        response = await p.client.post(p.url("/aset"), json=body, headers=p.operator_x)
        assert response.status_code == status, response.text
        problem: dict[str, Any] = response.json()
        return problem

    base = {
        "jenis": "ruas_jalan",
        "nama": "Ruas Baru",
        "panjang_km": 1.0,
        "tipe": "aspal",
        "kecamatan": [BANJANG],
    }
    assert (await refused(base))["errors"][0]["field"] == "nomor_ruas"
    assert (await refused({**base, "nomor_ruas": "011", "tipe": "emas"}))["errors"][0]["field"] == "tipe"
    assert (await refused({**base, "nomor_ruas": "011", "kecamatan": ["64.71.01"]}))["errors"][0][
        "field"
    ] == "kecamatan"
    assert (await refused({**base, "nomor_ruas": "010"}, 409))["code"] == "konflik"
    saluran = {"jenis": "drainase", "nama": "Saluran", "panjang_m": 5, "tipe": "terbuka"}
    assert (await refused({**saluran, "ruas_id": jalan["id"]}))["errors"][0]["field"] == "ruas_id"
    created = await p.client.post(p.url("/aset"), json=saluran, headers=p.operator_x)
    bridge = {
        "jenis": "jembatan",
        "nama": "Jembatan",
        "panjang_m": 5,
        "tipe": "kayu",
        "ruas_id": created.json()["id"],
    }
    assert (await refused(bridge))["errors"][0]["field"] == "ruas_id"

    changed = await p.client.patch(
        p.url(f"/aset/{jalan['id']}"), json={"lebar_m": 6.0, "tipe": "beton"}, headers=p.operator_x
    )
    assert changed.status_code == 200 and changed.json()["tipe_label"] == "Beton (rigid)"


async def test_the_condition_follows_the_latest_survey_date_not_the_latest_entry(
    layanan: LayananDriver,
) -> None:
    p = layanan
    jalan = await ruas(p, "020")
    await survei(p, jalan, "SEDANG", hari(-5), catatan="Retak rambut di beberapa titik")
    # A survey of an earlier date entered later: history, not the current condition.
    late = await survei(p, jalan, "RUSAK_BERAT", hari(-60), catatan="Sebelum pemeliharaan berkala")
    assert late["kondisi"] == "SEDANG" and late["kondisi_tanggal"] == hari(-5)
    assert [(s["tanggal"], s["kondisi"]) for s in late["survei"]] == [
        (hari(-5), "SEDANG"),
        (hari(-60), "RUSAK_BERAT"),
    ]
    newer = await survei(p, jalan, "BAIK", hari(-1))
    assert newer["kondisi"] == "BAIK" and len(newer["survei"]) == 3
    public = (await p.client.get(p.url(f"/aset/{jalan['id']}"))).json()
    assert public["kondisi_label"] == "Baik" and public["survei"][0]["surveyor"] == "Tim Bidang Bina Marga"
    wrong = await p.client.post(
        p.url(f"/aset/{jalan['id']}/survei"),
        json={"tanggal": hari(-1), "kondisi": "HANCUR", "surveyor": "Tim"},
        headers=p.operator_x,
    )
    assert wrong.status_code == 422


async def test_a_project_reports_progress_that_only_a_noted_correction_lowers(layanan: LayananDriver) -> None:
    p = layanan
    jalan = await ruas(p, "030")
    body = {
        "nama": "Peningkatan Jalan Ruas 030",
        "anggaran": 2_450_000_000,
        "kontraktor": "CV Karya Banua",
        "mulai": hari(-40),
        "selesai": hari(80),
        "aset_ids": [jalan["id"]],
    }
    created = await p.client.post(p.url("/proyek"), json=body, headers=p.operator_x)
    assert created.status_code == 201, created.text
    proyek = created.json()
    assert proyek["status"] == "RENCANA" and [a["nama"] for a in proyek["aset"]] == [jalan["nama"]]
    url = p.url(f"/proyek/{proyek['id']}")
    early = await p.client.post(
        f"{url}/progres",
        json={"tanggal": hari(-1), "persen_fisik": 5, "persen_keuangan": 0},
        headers=p.operator_x,
    )
    assert early.status_code == 409
    assert (
        await p.client.post(f"{url}/status", json={"status": "SELESAI"}, headers=p.operator_x)
    ).status_code == 409
    await p.client.post(f"{url}/status", json={"status": "BERJALAN"}, headers=p.operator_x)

    async def progres(status: int = 201, **fields: Any) -> dict[str, Any]:
        response = await p.client.post(f"{url}/progres", json=fields, headers=p.operator_x)
        assert response.status_code == status, response.text
        result: dict[str, Any] = response.json()
        return result

    await progres(tanggal=hari(-20), persen_fisik=20, persen_keuangan=30)
    await progres(tanggal=hari(-10), persen_fisik=35.5, persen_keuangan=30)
    lower = await progres(422, tanggal=hari(-5), persen_fisik=30, persen_keuangan=30)
    assert lower["errors"][0]["field"] == "koreksi"
    await progres(422, tanggal=hari(-5), persen_fisik=30, persen_keuangan=30, koreksi=True)
    assert (await progres(422, tanggal=hari(-15), persen_fisik=40, persen_keuangan=40))["errors"][0][
        "field"
    ] == "tanggal"
    done = await progres(
        tanggal=hari(-5),
        persen_fisik=30,
        persen_keuangan=30,
        koreksi=True,
        catatan="Opname ulang: volume aspal kurang",
    )
    assert (done["persen_fisik"], done["progres_tanggal"]) == (30, hari(-5))
    assert [(g["persen_fisik"], g["koreksi"]) for g in done["progres"]] == [
        (30, True),
        (35.5, False),
        (20, False),
    ]

    # The public reads the list and the page; the asset's page shows the project.
    listed = (await p.client.get(p.url("/proyek"))).json()
    assert [(x["nama"], x["status_label"], x["anggaran"]) for x in listed["items"]] == [
        ("Peningkatan Jalan Ruas 030", "Berjalan", 2_450_000_000)
    ]
    assert (await p.client.get(url)).json()["kontraktor"] == "CV Karya Banua"
    assert [x["nama"] for x in (await p.client.get(p.url(f"/aset/{jalan['id']}"))).json()["proyek"]] == [
        body["nama"]
    ]
    stop = await p.client.post(f"{url}/status", json={"status": "DIHENTIKAN"}, headers=p.operator_x)
    assert stop.status_code == 422
    refused = await p.client.post(p.url("/proyek"), json=body, headers=p.warga_a.headers)
    assert refused.status_code == 403


async def test_staff_tie_a_damage_report_to_an_inventory_item(layanan: LayananDriver) -> None:
    p = layanan
    jalan = await ruas(p, "040")
    lapor = await p.client.post(
        p.url("/laporan"),
        json={
            "kategori": "jalan_rusak",
            "isi": "Jalan berlubang besar di ruas 040.",
            "lat": -2.43,
            "lon": 115.25,
        },
        headers=p.warga_a.headers,
    )
    assert lapor.status_code == 201, lapor.text
    laporan = lapor.json()
    path = p.url(f"/aset/{jalan['id']}/laporan")
    assert (await p.client.post(f"{path}/{laporan['id']}", headers=p.warga_a.headers)).status_code == 403
    linked = await p.client.post(f"{path}/{laporan['id']}", headers=p.operator_x)
    assert linked.status_code == 200, linked.text
    assert linked.json()["nomor"] == laporan["nomor"]
    listed = (await p.client.get(path, headers=p.operator_x)).json()
    assert [r["id"] for r in listed] == [laporan["id"]] and listed[0]["status"] == "DITERIMA"
    # A report of another region, or none at all, is not found.
    missing = await p.client.post(f"{path}/{jalan['id']}", headers=p.operator_x)
    assert missing.status_code == 404


async def test_a_create_sent_twice_with_one_key_makes_one_record(layanan: LayananDriver) -> None:
    """The portal's forms carry an Idempotency-Key, and an offline draft is sent again with it: the
    second send gets the first answer and makes nothing new (assets, projects, machines)."""
    p = layanan
    sends = [
        (
            "/aset",
            {"jenis": "drainase", "nama": "Saluran Jl. Uji Kunci", "panjang_m": 120, "tipe": "terbuka"},
        ),
        ("/alat", {"nama": "Ekskavator Uji Kunci", "jenis": "excavator", "nomor": "DA 9999 UK"}),
    ]
    for path, body in sends:
        headers = {**p.operator_x, "Idempotency-Key": f"uji-kunci-{path.strip('/')}-0001"}
        first = await p.client.post(p.url(path), json=body, headers=headers)
        second = await p.client.post(p.url(path), json=body, headers=headers)
        assert first.status_code == 201, first.text
        assert (second.status_code, second.json()) == (201, first.json())
    aset = await ruas(p, "077", 1.5, nama="Ruas Uji Kunci")
    proyek = {
        "nama": "Rehab Uji Kunci",
        "anggaran": 150_000_000,
        "kontraktor": "CV Uji",
        "mulai": hari(1),
        "selesai": hari(60),
        "aset_ids": [aset["id"]],
    }
    headers = {**p.operator_x, "Idempotency-Key": "uji-kunci-proyek-0001"}
    first = await p.client.post(p.url("/proyek"), json=proyek, headers=headers)
    second = await p.client.post(p.url("/proyek"), json=proyek, headers=headers)
    assert first.status_code == 201, first.text
    assert second.json() == first.json()
    daftar = (await p.client.get(p.url("/proyek"))).json()["items"]
    assert [x["nama"] for x in daftar].count("Rehab Uji Kunci") == 1
