"""Aspirations routed to the DPRD's commissions (the kit's report lifecycle with aspirasi's own target),
the public list of answered ones per commission, and pokir proposals."""

from __future__ import annotations

from typing import Any

from puja_kit.testing.layanan import LayananDriver

from .factories import act, dijawab, kirim, komisi_dan_anggota


async def test_an_aspiration_goes_to_a_commission_of_the_region_only(layanan: LayananDriver) -> None:
    komisi, _ = await komisi_dan_anggota(layanan)
    komisi_y, _ = await komisi_dan_anggota(layanan, layanan.y)
    aspirasi = await kirim(layanan)
    assert aspirasi["nomor"].startswith("AS-") and aspirasi["status"] == "DITERIMA"
    await act(layanan, aspirasi, "verifikasi")

    foreign = await act(
        layanan, aspirasi, "disposisi", status=422, opd_id=komisi_y["id"], opd_nama="Komisi Palsu"
    )
    assert foreign["errors"][0]["field"] == "opd_id"
    assert "komisi tidak ada" in foreign["errors"][0]["message"]
    disposed = await act(layanan, aspirasi, "disposisi", opd_id=komisi["id"], opd_nama="Nama Lain")
    assert disposed["status"] == "DIDISPOSISI"
    assert (disposed["opd_id"], disposed["opd_nama"]) == (
        komisi["id"],
        "Komisi III",
    )  # the commission's own name

    inbox = (
        await layanan.client.get(
            layanan.url("/laporan"), params={"opd_id": komisi["id"]}, headers=layanan.operator_x
        )
    ).json()
    assert [i["id"] for i in inbox["items"]] == [aspirasi["id"]]


async def test_outside_the_regions_authority_keeps_the_history(layanan: LayananDriver) -> None:
    aspirasi = await kirim(layanan, isi="Mohon jalan nasional Amuntai-Tanjung diperlebar sebelum lebaran.")
    out = await act(
        layanan,
        aspirasi,
        "bukan-kewenangan",
        catatan="Jalan nasional",
        dialihkan_ke="Kementerian Pekerjaan Umum",
    )
    assert out["status"] == "BUKAN_KEWENANGAN" and out["dialihkan_ke"] == "Kementerian Pekerjaan Umum"
    tracked = (await layanan.client.get(layanan.url(f"/lacak/{aspirasi['nomor']}"))).json()
    assert tracked["status"] == "BUKAN_KEWENANGAN" and tracked["dialihkan_ke"] == "Kementerian Pekerjaan Umum"
    assert len(tracked["timeline"]) == 2


async def test_the_public_sees_answered_aspirations_per_commission_without_the_sender(
    layanan: LayananDriver,
) -> None:
    komisi, _ = await komisi_dan_anggota(layanan)
    answered = await kirim(layanan, anonim_publik=False)
    await dijawab(layanan, answered, komisi)
    waiting = await kirim(layanan, layanan.warga_b)
    await act(layanan, waiting, "verifikasi")
    await act(layanan, waiting, "disposisi", opd_id=komisi["id"])
    second = await kirim(
        layanan, layanan.warga_b, kategori="kesejahteraan", isi="Mohon puskesmas pembantu buka sore hari."
    )
    await dijawab(layanan, second, komisi)
    unpublished = await kirim(layanan, layanan.warga_b, isi="Mohon lampu jalan di gang rumah saya dipasang.")
    await dijawab(layanan, unpublished, komisi)
    url = layanan.url(f"/komisi/{komisi['id']}/aspirasi-dijawab")
    assert (await layanan.client.get(url)).json()["items"] == [], "only what the secretariat published"
    for aspirasi in (answered, second):
        await terbitkan(layanan, aspirasi)

    first_page = (await layanan.client.get(url, params={"limit": 1})).json()
    assert [i["id"] for i in first_page["items"]] == [second["id"]]  # latest answer first
    rest = (await layanan.client.get(url, params={"limit": 1, "cursor": first_page["next_cursor"]})).json()
    assert [i["id"] for i in rest["items"]] == [answered["id"]] and rest["next_cursor"] is None
    item = rest["items"][0]
    assert item["jawaban"] == "Jalan Sungai Malang masuk usulan perbaikan tahun depan."
    assert item["kategori_label"] == "Jalan, jembatan dan sarana umum"
    text = str(first_page) + str(rest)
    for private in (layanan.warga_a.nama, str(layanan.warga_a.id), layanan.warga_a.nik, "pelapor"):
        assert private not in text
    # Another region's commission is not this region's list.
    assert (
        await layanan.client.get(layanan.url(f"/komisi/{komisi['id']}/aspirasi-dijawab", layanan.y))
    ).status_code == 404


async def terbitkan(layanan: LayananDriver, aspirasi: dict[str, Any]) -> None:
    response = await layanan.client.post(
        layanan.url(f"/laporan/{aspirasi['id']}/terbitkan"), json={"terbit": True}, headers=layanan.operator_x
    )
    assert response.status_code == 200, response.text


async def _pokir(layanan: LayananDriver, aspirasi: dict[str, Any], status: str, **extra: Any) -> Any:
    return await layanan.client.post(
        layanan.url(f"/laporan/{aspirasi['id']}/pokir/status"),
        json={"status": status, **extra},
        headers=layanan.operator_x,
    )


async def test_a_pokir_moves_step_by_step_and_its_reporter_sees_each_step(layanan: LayananDriver) -> None:
    komisi, anggota = await komisi_dan_anggota(layanan)
    aspirasi = await kirim(layanan)
    url = layanan.url(f"/laporan/{aspirasi['id']}/pokir")

    early = await layanan.client.post(url, json={"anggota_id": anggota["id"]}, headers=layanan.operator_x)
    assert early.status_code == 409 and early.json()["code"] == "status_pokir_tidak_sesuai"
    await dijawab(layanan, aspirasi, komisi)
    for caller, expected in {
        "anonim": 401,
        "warga_a": 403,
        "operator_y": 403,
        "operator_x_lain": 403,
    }.items():
        refused = await layanan.client.post(
            url, json={"anggota_id": anggota["id"]}, headers=layanan.callers()[caller]
        )
        assert refused.status_code == expected, caller
    _, anggota_y = await komisi_dan_anggota(layanan, layanan.y)
    wrong = await layanan.client.post(url, json={"anggota_id": anggota_y["id"]}, headers=layanan.operator_x)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "anggota_id"

    proposed = await layanan.client.post(
        url,
        json={"anggota_id": anggota["id"], "catatan": "Diusulkan dalam reses"},
        headers=layanan.operator_x,
    )
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["status"] == "DIUSULKAN" and proposed.json()["anggota_nama"] == "H. Abdul Haris"
    twice = await layanan.client.post(url, json={"anggota_id": anggota["id"]}, headers=layanan.operator_x)
    assert twice.status_code == 409 and twice.json()["code"] == "sudah_pokir"

    skipped = await _pokir(layanan, aspirasi, "DIBAHAS_TAPD")
    assert skipped.status_code == 409 and skipped.json()["code"] == "status_pokir_tidak_sesuai"
    assert "Diverifikasi Sekretariat DPRD" in skipped.json()["detail"]
    for step in ("DIVERIFIKASI_SETWAN", "DIVALIDASI_OPD", "DIBAHAS_TAPD", "MASUK_RENJA"):
        moved = await _pokir(layanan, aspirasi, step, catatan=f"Tahap {step}")
        assert moved.status_code == 200, moved.text
    ended = await _pokir(layanan, aspirasi, "TIDAK_DITERIMA", catatan="Terlambat")
    assert ended.status_code == 409

    mine = (await layanan.client.get(url, headers=layanan.warga_a.headers)).json()
    assert mine["status_label"] == "Masuk Renja OPD"
    assert [s["ke"] for s in mine["riwayat"]] == [
        "DIUSULKAN",
        "DIVERIFIKASI_SETWAN",
        "DIVALIDASI_OPD",
        "DIBAHAS_TAPD",
        "MASUK_RENJA",
    ]
    assert (
        mine["riwayat"][0]["catatan"] == "Diusulkan dalam reses"
        and mine["riwayat"][0]["actor_nama"] == "Operator Uji"
    )
    assert (await layanan.client.get(url, headers=layanan.warga_b.headers)).status_code == 404
    detail = (
        await layanan.client.get(layanan.url(f"/laporan/{aspirasi['id']}"), headers=layanan.warga_a.headers)
    ).json()
    assert detail["ekstra"]["pokir_status_label"] == "Masuk Renja OPD"

    public = await layanan.client.get(layanan.url(f"/lacak/{aspirasi['nomor']}/pokir"))
    assert public.status_code == 200 and public.json()["status"] == "MASUK_RENJA"
    assert set(public.json()["riwayat"][0]) == {"status", "label", "waktu"}
    assert "Operator Uji" not in public.text and "reses" not in public.text
    await terbitkan(layanan, aspirasi)
    listed = (await layanan.client.get(layanan.url(f"/komisi/{komisi['id']}/aspirasi-dijawab"))).json()
    assert listed["items"][0]["pokir_status_label"] == "Masuk Renja OPD"


async def test_a_pokir_not_accepted_says_why(layanan: LayananDriver) -> None:
    komisi, anggota = await komisi_dan_anggota(layanan)
    aspirasi = await kirim(layanan)
    await act(layanan, aspirasi, "verifikasi")
    await act(layanan, aspirasi, "disposisi", opd_id=komisi["id"])
    url = layanan.url(f"/laporan/{aspirasi['id']}/pokir")
    assert (
        await layanan.client.post(url, json={"anggota_id": anggota["id"]}, headers=layanan.admin_x)
    ).status_code == 201
    no_reason = await _pokir(layanan, aspirasi, "TIDAK_DITERIMA")
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "catatan"
    assert no_reason.headers["content-type"] == "application/problem+json"
    refused = await _pokir(layanan, aspirasi, "TIDAK_DITERIMA", catatan="Bukan kewenangan kabupaten")
    assert refused.json()["alasan"] == "Bukan kewenangan kabupaten"
    assert (await _pokir(layanan, aspirasi, "DIVERIFIKASI_SETWAN")).status_code == 409
    bogus = await _pokir(layanan, aspirasi, "DIUSULKAN")
    assert bogus.status_code == 422
