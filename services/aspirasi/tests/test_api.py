"""Aspirasi DPRD's API as its callers see it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import MakeContoh
    from puja_kit.testing.layanan import LayananDriver


async def test_the_list_is_public_and_shows_only_the_regions_rows(
    layanan: LayananDriver, make_contoh: MakeContoh
) -> None:
    await make_contoh(nama="Contoh Kedua")
    await make_contoh(nama="Contoh Pertama")
    await make_contoh(layanan.y, nama="Contoh Daerah Lain")

    response = await layanan.client.get(layanan.url("/contoh"))  # no token

    assert response.status_code == 200, response.text
    body = response.json()
    assert [row["nama"] for row in body["items"]] == ["Contoh Kedua", "Contoh Pertama"]
    assert body["total"] == 2


async def test_only_the_regions_staff_of_this_layanan_add(layanan: LayananDriver) -> None:
    url = layanan.url("/contoh")
    expected = {
        "anonim": 401,
        "warga_a": 403,
        "operator_x": 201,
        "operator_x_lain": 403,
        "operator_y": 403,
        "admin_x": 201,
        "admin_y": 403,
        "pusat": 403,
    }
    for caller, status in expected.items():
        headers = layanan.callers()[caller]
        response = await layanan.client.post(url, json={"nama": f"Dari {caller}"}, headers=headers)
        assert response.status_code == status, f"{caller}: {response.text}"


async def test_a_name_is_cleaned_and_unique_within_its_region(
    layanan: LayananDriver, make_contoh: MakeContoh
) -> None:
    created = await make_contoh(nama="  Contoh   Bersih ")
    assert created["nama"] == "Contoh Bersih"

    again = await layanan.client.post(
        layanan.url("/contoh"), json={"nama": "Contoh Bersih"}, headers=layanan.operator_x
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert (await make_contoh(layanan.y, nama="Contoh Bersih"))["nama"] == "Contoh Bersih"

    blank = await layanan.client.post(layanan.url("/contoh"), json={"nama": "  "}, headers=layanan.operator_x)
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "nama"


async def test_a_retried_add_returns_the_first_answer(layanan: LayananDriver) -> None:
    headers = {**layanan.operator_x, "Idempotency-Key": "contoh-sekali"}
    first = await layanan.client.post(layanan.url("/contoh"), json={"nama": "Sekali Saja"}, headers=headers)
    retry = await layanan.client.post(layanan.url("/contoh"), json={"nama": "Sekali Saja"}, headers=headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert (await layanan.client.get(layanan.url("/contoh"))).json()["total"] == 1


async def test_a_region_that_has_not_enabled_the_layanan_gets_404(layanan: LayananDriver) -> None:
    response = await layanan.client.get(f"/api/{layanan.prefix}/v1/kab-tapin/contoh")

    assert response.status_code == 404
    assert response.json()["code"] == "layanan_tidak_aktif"
