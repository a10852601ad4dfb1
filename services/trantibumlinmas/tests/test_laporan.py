"""Trantibumlinmas' reports on the kit's lifecycle: each category suggests the agency that acts, and a
disaster report is disposed to BPBD. The lifecycle itself is tested in the kit and in pekerjaan_umum."""

from __future__ import annotations

from typing import Any

from puja_kit.db import new_id
from puja_kit.testing.layanan import LayananDriver

# OPDs of region X as the registry names them (the request carries id and name).
BPBD = {"opd_id": str(new_id()), "opd_nama": "Badan Penanggulangan Bencana Daerah"}
AMUNTAI = (-2.4300, 115.2500)


async def lapor(p: LayananDriver, **fields: Any) -> dict[str, Any]:
    body = {
        "kategori": "bencana",
        "isi": "Pohon besar tumbang menutup jalan desa setelah angin kencang.",
        "lat": AMUNTAI[0],
        "lon": AMUNTAI[1],
        "atribut": {"jenis_bencana": "pohon", "perlu_evakuasi": "tidak"},
        **fields,
    }
    response = await p.client.post(p.url("/laporan"), json=body, headers=p.warga_a.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_each_category_suggests_the_agency_that_acts(layanan: LayananDriver) -> None:
    kategori = {
        k["kode"]: k["opd_saran"] for k in (await layanan.client.get(layanan.url("/kategori"))).json()
    }

    assert kategori["kebakaran"] == kategori["penyelamatan"] == "Dinas Pemadam Kebakaran dan Penyelamatan"
    assert kategori["bencana"] == "Badan Penanggulangan Bencana Daerah"
    assert kategori["gangguan_ketertiban"] == kategori["pelanggaran_perda"] == "Satuan Polisi Pamong Praja"


async def test_a_disaster_report_is_suggested_to_and_disposed_to_bpbd(layanan: LayananDriver) -> None:
    p = layanan
    laporan = await lapor(p)
    assert laporan["nomor"].startswith("TR-") and laporan["status"] == "DITERIMA"
    assert laporan["opd_saran"] == "Badan Penanggulangan Bencana Daerah"

    for aksi, body in (("verifikasi", {}), ("disposisi", BPBD)):
        response = await p.client.post(
            p.url(f"/laporan/{laporan['id']}/{aksi}"), json=body, headers=p.operator_x
        )
        assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["opd_nama"]) == ("DIDISPOSISI", BPBD["opd_nama"])
    tracked = await p.client.get(p.url(f"/lacak/{laporan['nomor']}"))
    assert tracked.json()["status"] == "DIDISPOSISI" and p.warga_a.nama not in tracked.text


async def test_a_report_needs_a_known_category_and_a_place(layanan: LayananDriver) -> None:
    p = layanan
    body = {
        "kategori": "pencurian",
        "isi": "Ada pencurian motor di desa kami.",
        "lat": AMUNTAI[0],
        "lon": AMUNTAI[1],
    }
    unknown = await p.client.post(p.url("/laporan"), json=body, headers=p.warga_a.headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "kategori"
    nowhere = await p.client.post(
        p.url("/laporan"),
        json={"kategori": "kebakaran", "isi": "Rumah terbakar di ujung gang."},
        headers=p.warga_a.headers,
    )
    assert nowhere.status_code == 422
