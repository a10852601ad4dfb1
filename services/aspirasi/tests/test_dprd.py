"""The region's DPRD (factions, commissions, members) and its agenda, as callers see them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Make
    from puja_kit.testing.layanan import LayananDriver

from .factories import in_hours

WRITERS = {
    "anonim": 401,
    "warga_a": 403,
    "operator_x": 201,
    "operator_x_lain": 403,
    "operator_y": 403,
    "admin_x": 201,
    "admin_y": 403,
    "pusat": 403,
}


async def test_only_the_secretariat_of_the_region_adds_factions(layanan: LayananDriver) -> None:
    for n, (caller, status) in enumerate(WRITERS.items()):
        response = await layanan.client.post(
            layanan.url("/fraksi"),
            json={"nama": f"Fraksi {caller}", "singkatan": f"F-{n}"},
            headers=layanan.callers()[caller],
        )
        assert response.status_code == status, f"{caller}: {response.text}"


async def test_the_dprd_is_public_members_by_faction_and_commission_leaders_first(
    layanan: LayananDriver, make_fraksi: Make, make_komisi: Make, make_anggota: Make
) -> None:
    golkar, pkb = await make_fraksi(nama="Fraksi Golkar", singkatan="F-Golkar"), await make_fraksi()
    k1, k2 = await make_komisi(nama="Komisi I"), await make_komisi(nama="Komisi II")
    await make_anggota(nama="Zainal", fraksi_id=golkar["id"], komisi_id=k1["id"])
    await make_anggota(nama="Ahmad", fraksi_id=pkb["id"], komisi_id=k1["id"])
    await make_anggota(nama="Yusuf", fraksi_id=golkar["id"], komisi_id=k1["id"], jabatan="KETUA")
    await make_anggota(nama="Budi", fraksi_id=pkb["id"], komisi_id=k2["id"])
    other_region = await make_fraksi(layanan.y)

    members = (await layanan.client.get(layanan.url("/anggota"), params={"komisi_id": k1["id"]})).json()
    assert [m["nama"] for m in members["items"]] == ["Yusuf", "Ahmad", "Zainal"]
    assert members["items"][0]["jabatan_label"] == "Ketua"
    assert members["items"][0]["fraksi_singkatan"] == "F-Golkar"
    assert members["items"][0]["komisi_nama"] == "Komisi I"
    by_faction = (await layanan.client.get(layanan.url("/anggota"), params={"fraksi_id": pkb["id"]})).json()
    assert {m["nama"] for m in by_faction["items"]} == {"Ahmad", "Budi"}

    komisi = (await layanan.client.get(layanan.url("/komisi"))).json()
    assert [k["nama"] for k in komisi["items"]] == ["Komisi I", "Komisi II"]
    assert [a["nama"] for a in komisi["items"][0]["anggota"]] == ["Yusuf", "Ahmad", "Zainal"]
    fraksi = (await layanan.client.get(layanan.url("/fraksi"))).json()
    assert other_region["id"] not in [f["id"] for f in fraksi["items"]]
    assert fraksi["total"] == 2


async def test_a_member_needs_a_faction_and_commission_of_the_region(
    layanan: LayananDriver, make_fraksi: Make, make_komisi: Make, make_anggota: Make
) -> None:
    mine = await make_fraksi()
    theirs_f, theirs_k = await make_fraksi(layanan.y), await make_komisi(layanan.y)
    url = layanan.url("/anggota")
    body = {
        "nama": "Anggota Baru",
        "dapil": "Dapil 2",
        "periode_mulai": "2024-08-26",
        "periode_selesai": "2029-08-26",
    }

    wrong_f = await layanan.client.post(
        url, json={**body, "fraksi_id": theirs_f["id"]}, headers=layanan.operator_x
    )
    assert wrong_f.status_code == 422
    assert wrong_f.headers["content-type"] == "application/problem+json"
    assert wrong_f.json()["errors"][0]["field"] == "fraksi_id"
    assert "fraksi tidak ada" in wrong_f.json()["errors"][0]["message"]
    wrong_k = await layanan.client.post(
        url, json={**body, "fraksi_id": mine["id"], "komisi_id": theirs_k["id"]}, headers=layanan.operator_x
    )
    assert wrong_k.status_code == 422 and wrong_k.json()["errors"][0]["field"] == "komisi_id"
    backwards = await layanan.client.post(
        url,
        json={**body, "fraksi_id": mine["id"], "periode_selesai": "2020-01-01"},
        headers=layanan.operator_x,
    )
    assert backwards.status_code == 422
    blank = await layanan.client.post(
        url, json={**body, "fraksi_id": mine["id"], "nama": "  "}, headers=layanan.operator_x
    )
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "nama"

    # Another region's staff cannot touch this region's member, nor see it through their own region.
    member = await make_anggota(fraksi_id=mine["id"])
    foreign = await layanan.client.patch(
        layanan.url(f"/anggota/{member['id']}", layanan.y), json={"aktif": False}, headers=layanan.operator_y
    )
    assert foreign.status_code == 404
    assert (await layanan.client.get(layanan.url(f"/anggota/{member['id']}", layanan.y))).status_code == 404


async def test_deactivated_members_and_factions_leave_the_public_lists(
    layanan: LayananDriver, make_fraksi: Make, make_komisi: Make, make_anggota: Make
) -> None:
    fraksi, komisi = await make_fraksi(), await make_komisi()
    member = await make_anggota(nama="Pergantian Antarwaktu", fraksi_id=fraksi["id"], komisi_id=komisi["id"])
    off = await layanan.client.patch(
        layanan.url(f"/anggota/{member['id']}"),
        json={"aktif": False, "dapil": "Dapil 3"},
        headers=layanan.operator_x,
    )
    assert off.status_code == 200 and off.json()["aktif"] is False and off.json()["dapil"] == "Dapil 3"
    assert (await layanan.client.get(layanan.url("/anggota"))).json()["total"] == 0
    everyone = await layanan.client.get(
        layanan.url("/anggota"), params={"semua": "true"}, headers=layanan.operator_x
    )
    assert everyone.json()["total"] == 1
    # The public asking for everything still gets the active ones only.
    assert (await layanan.client.get(layanan.url("/anggota"), params={"semua": "true"})).json()["total"] == 0
    assert (await layanan.client.get(layanan.url("/komisi"))).json()["items"][0]["anggota"] == []

    await layanan.client.patch(
        layanan.url(f"/fraksi/{fraksi['id']}"), json={"aktif": False}, headers=layanan.admin_x
    )
    assert (await layanan.client.get(layanan.url("/fraksi"))).json()["total"] == 0
    again = await layanan.client.post(
        layanan.url("/anggota"),
        json={
            "nama": "Baru",
            "fraksi_id": fraksi["id"],
            "dapil": "Dapil 1",
            "periode_mulai": "2024-08-26",
            "periode_selesai": "2029-08-26",
        },
        headers=layanan.operator_x,
    )
    assert again.status_code == 422


async def test_names_are_unique_within_the_region(
    layanan: LayananDriver, make_fraksi: Make, make_komisi: Make
) -> None:
    await make_fraksi(nama="Fraksi Golkar", singkatan="F-Golkar")
    clash = await layanan.client.post(
        layanan.url("/fraksi"),
        json={"nama": "Fraksi Lain", "singkatan": "f-golkar"},
        headers=layanan.operator_x,
    )
    assert clash.status_code == 409 and "sudah ada" in clash.json()["detail"]
    await make_fraksi(layanan.y, nama="Fraksi Golkar", singkatan="F-Golkar")
    await make_komisi(nama="Komisi I")
    assert (
        await layanan.client.post(
            layanan.url("/komisi"), json={"nama": "Komisi I", "bidang": "Ekonomi"}, headers=layanan.operator_x
        )
    ).status_code == 409


async def test_upcoming_agenda_in_time_order_page_by_page(
    layanan: LayananDriver, make_komisi: Make, make_agenda: Make
) -> None:
    komisi = await make_komisi()
    later = await make_agenda(komisi_id=komisi["id"], judul="Kedua", mulai=in_hours(48), selesai=in_hours(50))
    sooner = await make_agenda(
        komisi_id=komisi["id"], judul="Pertama", mulai=in_hours(2), selesai=in_hours(4)
    )
    running = await make_agenda(
        komisi_id=komisi["id"], judul="Berlangsung", mulai=in_hours(-1), selesai=in_hours(1)
    )
    past = await make_agenda(komisi_id=komisi["id"], judul="Lalu", mulai=in_hours(-30), selesai=in_hours(-28))
    third = await make_agenda(
        komisi_id=komisi["id"], judul="Ketiga", mulai=in_hours(72), selesai=in_hours(73)
    )
    await make_agenda(layanan.y, komisi_id=(await make_komisi(layanan.y))["id"])

    first = (await layanan.client.get(layanan.url("/agenda"), params={"limit": 2})).json()
    assert [a["judul"] for a in first["items"]] == ["Berlangsung", "Pertama"]
    second = (
        await layanan.client.get(layanan.url("/agenda"), params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    assert [a["id"] for a in second["items"]] == [later["id"], third["id"]]
    assert second["next_cursor"] is None
    lalu = (await layanan.client.get(layanan.url("/agenda"), params={"waktu": "lalu"})).json()
    assert [a["id"] for a in lalu["items"]] == [past["id"]]
    assert sooner["komisi_nama"] == komisi["nama"] and running["status_label"] == "Terjadwal"
    bad = await layanan.client.get(layanan.url("/agenda"), params={"cursor": "bukan-kursor"})
    assert bad.status_code == 422 and bad.json()["code"] == "kursor_tidak_valid"


async def test_a_reses_names_members_and_a_place_inside_the_region(
    layanan: LayananDriver, make_fraksi: Make, make_anggota: Make, make_agenda: Make
) -> None:
    fraksi = await make_fraksi()
    member = await make_anggota(nama="H. Ahmad", fraksi_id=fraksi["id"])
    reses = await make_agenda(
        jenis="RESES",
        judul="Reses Amuntai Tengah",
        anggota_ids=[member["id"]],
        kode_wilayah=f"{layanan.x.kode}.05",
        tempat="Balai Desa",
    )
    assert [a["nama"] for a in reses["anggota"]] == ["H. Ahmad"]
    assert reses["nama_wilayah"] and reses["jenis_label"] == "Reses"

    url = layanan.url("/agenda")
    base = {
        "jenis": "RESES",
        "judul": "Reses",
        "tempat": "Balai",
        "mulai": in_hours(5),
        "selesai": in_hours(6),
    }
    outside = await layanan.client.post(
        url,
        json={**base, "anggota_ids": [member["id"]], "kode_wilayah": f"{layanan.y.kode}.01"},
        headers=layanan.operator_x,
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "kode_wilayah"
    foreign_member = await make_anggota(layanan.y, fraksi_id=(await make_fraksi(layanan.y))["id"])
    wrong = await layanan.client.post(
        url, json={**base, "anggota_ids": [foreign_member["id"]]}, headers=layanan.operator_x
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "anggota_ids"
    nobody = await layanan.client.post(url, json=base, headers=layanan.operator_x)
    assert nobody.status_code == 422
    too_long = await layanan.client.post(
        url,
        json={**base, "anggota_ids": [member["id"]], "selesai": in_hours(24 * 9)},
        headers=layanan.operator_x,
    )
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "selesai"
    naive = await layanan.client.post(
        url,
        json={**base, "anggota_ids": [member["id"]], "mulai": "2030-01-01T09:00:00"},
        headers=layanan.operator_x,
    )
    assert naive.status_code == 422


async def test_an_agenda_is_done_or_cancelled_once_with_a_reason(
    layanan: LayananDriver, make_komisi: Make, make_agenda: Make
) -> None:
    agenda = await make_agenda(komisi_id=(await make_komisi())["id"])
    url = layanan.url(f"/agenda/{agenda['id']}/status")
    assert (
        await layanan.client.post(url, json={"status": "DIBATALKAN"}, headers=layanan.warga_a.headers)
    ).status_code == 403
    no_reason = await layanan.client.post(url, json={"status": "DIBATALKAN"}, headers=layanan.operator_x)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "catatan"
    cancelled = await layanan.client.post(
        url, json={"status": "DIBATALKAN", "catatan": "Banjir di lokasi"}, headers=layanan.operator_x
    )
    assert cancelled.json()["status_label"] == "Dibatalkan"
    again = await layanan.client.post(url, json={"status": "SELESAI"}, headers=layanan.operator_x)
    assert again.status_code == 409 and again.json()["code"] == "status_tidak_sesuai"
    public = (await layanan.client.get(layanan.url("/agenda"))).json()
    assert public["items"][0]["catatan_status"] == "Banjir di lokasi"
    assert (
        await layanan.client.post(
            layanan.url(f"/agenda/{agenda['id']}/status", layanan.y),
            json={"status": "SELESAI"},
            headers=layanan.operator_y,
        )
    ).status_code == 404


async def test_a_create_sent_twice_with_one_key_makes_one_record(
    layanan: LayananDriver, make_fraksi: Make, make_komisi: Make
) -> None:
    """The portal's forms carry an Idempotency-Key, and an offline draft is sent again with it: the
    second send gets the first answer and makes nothing new (factions, commissions, members, agenda)."""
    fraksi, komisi = await make_fraksi(), await make_komisi()
    sends = [
        ("/fraksi", {"nama": "Fraksi Kunci", "singkatan": "F-Kunci"}),
        ("/komisi", {"nama": "Komisi Kunci", "bidang": "Pemerintahan dan hukum"}),
        (
            "/anggota",
            {
                "nama": "Anggota Kunci",
                "dapil": "Dapil 2",
                "periode_mulai": "2024-08-26",
                "periode_selesai": "2029-08-26",
                "fraksi_id": fraksi["id"],
            },
        ),
        (
            "/agenda",
            {
                "jenis": "RDP",
                "judul": "Rapat kunci",
                "tempat": "Gedung DPRD",
                "mulai": in_hours(24),
                "selesai": in_hours(26),
                "komisi_id": komisi["id"],
            },
        ),
    ]
    for path, body in sends:
        headers = {**layanan.operator_x, "Idempotency-Key": f"uji-kunci-{path.strip('/')}-0001"}
        first = await layanan.client.post(layanan.url(path), json=body, headers=headers)
        second = await layanan.client.post(layanan.url(path), json=body, headers=headers)
        assert first.status_code == 201, f"{path}: {first.text}"
        assert (second.status_code, second.json()) == (201, first.json()), path
    agenda = (await layanan.client.get(layanan.url("/agenda"))).json()["items"]
    assert [a["judul"] for a in agenda].count("Rapat kunci") == 1
    anggota = (await layanan.client.get(layanan.url("/anggota"))).json()["items"]
    assert [a["nama"] for a in anggota].count("Anggota Kunci") == 1
