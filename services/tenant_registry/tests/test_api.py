"""The registry's API: onboarding by kode, enabling layanan for one's own region only, OPDs."""

from __future__ import annotations

import asyncio

import pytest
from puja_kit.bus import EVENT_MAX_BYTES
from puja_kit.db import transaction
from puja_kit.outbox.models import OutboxEvent
from puja_kit.testing.plugin import RunningService, StartService
from puja_kit.testing.tokens import TokenFactory, grant
from sqlalchemy import select

PUSAT = grant("admin_pusat")
HSU = "63.08"


def admin(kode: str = HSU) -> dict[str, str | None]:
    return grant("admin_daerah", kode)


async def onboard(svc: RunningService, tokens: TokenFactory, kode: str = HSU) -> dict:
    response = await svc.client.post(
        "/api/tenants/v1/tenants", json={"kode": kode}, headers=tokens.headers(PUSAT)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_ministry_onboards_a_region_by_its_code_alone(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await start_service("tenant_registry")
    body = await onboard(svc, tokens)
    assert body["slug"] == "kab-hulu-sungai-utara"
    assert body["nama"] == "Kabupaten Hulu Sungai Utara"
    assert body["tingkat"] == "kabupaten"
    assert body["zona_waktu"] == "WITA"
    assert body["edisi_kode"].startswith("Kepmendagri")

    listed = (await svc.client.get("/api/tenants/v1/tenants")).json()
    assert [t["slug"] for t in listed["items"]] == ["kab-hulu-sungai-utara"]
    assert listed["items"][0]["layanan"] == []

    province = await onboard(svc, tokens, "63")
    assert province["slug"] == "prov-kalimantan-selatan"
    assert province["tingkat"] == "provinsi"


async def test_onboarding_is_for_the_ministry_and_refuses_bad_codes(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await start_service("tenant_registry")
    url = "/api/tenants/v1/tenants"
    no_token = await svc.client.post(url, json={"kode": HSU})
    assert no_token.status_code == 401
    assert no_token.headers["content-type"] == "application/problem+json"
    as_region = await svc.client.post(url, json={"kode": HSU}, headers=tokens.headers(admin()))
    assert as_region.status_code == 403
    for bad in ("99.99", "63.08.01", "abc", "6308x"):
        response = await svc.client.post(url, json={"kode": bad}, headers=tokens.headers(PUSAT))
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "kode"
    wrong_type = await svc.client.post(url, json={"kode": 6308}, headers=tokens.headers(PUSAT))
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["message"] == "harus berupa teks"
    await onboard(svc, tokens)
    again = await svc.client.post(url, json={"kode": HSU}, headers=tokens.headers(PUSAT))
    assert again.status_code == 409
    assert (await svc.client.get("/api/tenants/v1/tenants")).json()["total"] == 1


async def test_region_admin_enables_layanan_for_their_own_region_only(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await start_service("tenant_registry")
    await onboard(svc, tokens)
    await onboard(svc, tokens, "63.09")
    settings = {"sla_hari": 3, "biaya": 0, "dokumen_wajib": ["KTP", "KK"]}
    url = "/api/tenants/v1/tenants/kab-hulu-sungai-utara/layanan/kesehatan"

    other_region = await svc.client.put(url, json=settings, headers=tokens.headers(admin("63.09")))
    assert other_region.status_code == 403
    assert other_region.json()["code"] == "akses_ditolak"

    enabled = await svc.client.put(url, json=settings, headers=tokens.headers(admin()))
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["sla_hari"] == 3

    detail = (await svc.client.get("/api/tenants/v1/tenants/kab-hulu-sungai-utara")).json()
    assert detail["layanan"] == ["kesehatan"]
    assert detail["pengaturan_layanan"][0]["dokumen_wajib"] == ["KTP", "KK"]
    filtered = (await svc.client.get("/api/tenants/v1/tenants", params={"layanan": "kesehatan"})).json()
    assert [t["kode"] for t in filtered["items"]] == [HSU]

    unknown = await svc.client.put(
        url.replace("kesehatan", "sulap"), json=settings, headers=tokens.headers(admin())
    )
    assert unknown.status_code == 404
    bad = await svc.client.put(url, json={"sla_hari": "lama"}, headers=tokens.headers(admin()))
    assert bad.status_code == 422
    # The failed update changed nothing.
    detail = (await svc.client.get("/api/tenants/v1/tenants/kab-hulu-sungai-utara")).json()
    assert detail["pengaturan_layanan"][0]["sla_hari"] == 3

    disabled = await svc.client.delete(url, headers=tokens.headers(admin()))
    assert disabled.status_code == 204
    detail = (await svc.client.get("/api/tenants/v1/tenants/kab-hulu-sungai-utara")).json()
    assert detail["layanan"] == []
    assert detail["pengaturan_layanan"][0]["aktif"] is False


async def test_changes_are_announced_through_the_outbox(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await start_service("tenant_registry")
    await onboard(svc, tokens)
    url = "/api/tenants/v1/tenants/kab-hulu-sungai-utara/layanan/perizinan"
    await svc.client.put(url, json={"sla_hari": 5}, headers=tokens.headers(admin()))
    await svc.client.delete(url, headers=tokens.headers(admin()))
    async with transaction(svc.sessionmaker, all_regions=True) as session:
        for _ in range(50):
            rows = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()
            if all(r.published_at for r in rows):
                break
            await asyncio.sleep(0.1)
            session.expire_all()
    assert [r.type.rsplit(".", 1)[1] for r in rows] == ["updated", "layanan_enabled", "layanan_disabled"]
    assert all(r.published_at is not None for r in rows)
    assert all(r.tenant == HSU for r in rows)


async def test_opd_belong_to_their_region(start_service: StartService, tokens: TokenFactory) -> None:
    svc = await start_service("tenant_registry")
    await onboard(svc, tokens)
    await onboard(svc, tokens, "63.09")
    url = "/api/tenants/v1/tenants/kab-hulu-sungai-utara/opd"
    created = await svc.client.post(
        url, json={"nama": "Dinas Kesehatan", "singkatan": "Dinkes"}, headers=tokens.headers(admin())
    )
    assert created.status_code == 201
    opd_id = created.json()["id"]
    duplicate = await svc.client.post(url, json={"nama": "Dinas Kesehatan"}, headers=tokens.headers(admin()))
    assert duplicate.status_code == 409
    foreign = await svc.client.post(url, json={"nama": "Dinas Lain"}, headers=tokens.headers(admin("63.09")))
    assert foreign.status_code == 403
    # The other region's slug cannot reach this region's OPD.
    cross = await svc.client.patch(
        f"/api/tenants/v1/tenants/kab-tabalong/opd/{opd_id}",
        json={"aktif": False},
        headers=tokens.headers(admin("63.09")),
    )
    assert cross.status_code == 404
    with_opd = await svc.client.put(
        "/api/tenants/v1/tenants/kab-hulu-sungai-utara/layanan/kesehatan",
        json={"sla_hari": 2, "opd_id": opd_id},
        headers=tokens.headers(admin()),
    )
    assert with_opd.status_code == 200
    assert with_opd.json()["opd_id"] == opd_id


async def test_idempotency_key_returns_the_first_answer(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await start_service("tenant_registry")
    headers = {**tokens.headers(PUSAT), "Idempotency-Key": "kunci-uji-0001"}
    first = await svc.client.post("/api/tenants/v1/tenants", json={"kode": HSU}, headers=headers)
    retried = await svc.client.post("/api/tenants/v1/tenants", json={"kode": HSU}, headers=headers)
    assert first.status_code == 201
    assert retried.status_code == 201
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json() == first.json()
    reused = await svc.client.post("/api/tenants/v1/tenants", json={"kode": "63.09"}, headers=headers)
    assert reused.status_code == 422
    assert (await svc.client.get("/api/tenants/v1/tenants")).json()["total"] == 1


async def test_renaming_an_opd_is_announced_with_the_layanan_it_serves(
    start_service: StartService, tokens: TokenFactory
) -> None:
    from puja_kit.events.envelope import Event

    svc = await start_service("tenant_registry")
    await onboard(svc, tokens)
    url = "/api/tenants/v1/tenants/kab-hulu-sungai-utara"
    opd = (
        await svc.client.post(f"{url}/opd", json={"nama": "Dinas Kesehatan"}, headers=tokens.headers(admin()))
    ).json()
    await svc.client.put(
        f"{url}/layanan/kesehatan", json={"sla_hari": 2, "opd_id": opd["id"]}, headers=tokens.headers(admin())
    )
    renamed = await svc.client.patch(
        f"{url}/opd/{opd['id']}", json={"nama": "Dinas Kesehatan dan KB"}, headers=tokens.headers(admin())
    )
    assert renamed.status_code == 200
    async with transaction(svc.sessionmaker, all_regions=True) as session:
        rows = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()
    enabled = [Event.from_bytes(r.body).data.model_dump() for r in rows if r.type.endswith("layanan_enabled")]
    assert [e["settings"]["opd_nama"] for e in enabled] == ["Dinas Kesehatan", "Dinas Kesehatan dan KB"]
    assert enabled[-1]["settings"]["sla_hari"] == 2


async def test_a_search_for_like_wildcards_matches_them_literally(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await start_service("tenant_registry")
    await onboard(svc, tokens)
    await onboard(svc, tokens, "63")

    async def found(q: str) -> list[str]:
        response = await svc.client.get("/api/tenants/v1/tenants", params={"q": q})
        assert response.status_code == 200, response.text
        return [t["slug"] for t in response.json()["items"]]

    # No region's name holds a percent sign or an underscore: they are searched for, not wildcards.
    assert await found("%") == []
    assert await found("_") == []
    assert await found("Hulu%Utara") == []
    assert await found("hulu sungai") == ["kab-hulu-sungai-utara"]


async def test_only_the_regions_admin_changes_its_layanan_and_opd(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await start_service("tenant_registry")
    await onboard(svc, tokens)
    url = "/api/tenants/v1/tenants/kab-hulu-sungai-utara"
    settings = {"sla_hari": 3}
    callers = {
        "pusat": tokens.headers(PUSAT),
        "operator": tokens.headers(grant("operator", HSU, "kesehatan")),
        "warga": tokens.headers(grant("warga"), nik="6308051708900001"),
    }
    for who, headers in callers.items():
        for response in (
            await svc.client.put(f"{url}/layanan/kesehatan", json=settings, headers=headers),
            await svc.client.delete(f"{url}/layanan/kesehatan", headers=headers),
            await svc.client.post(f"{url}/opd", json={"nama": "Dinas Kesehatan"}, headers=headers),
        ):
            assert response.status_code == 403, (who, response.request.method)
            assert response.json()["code"] == "akses_ditolak"
    assert (await svc.client.put(f"{url}/layanan/kesehatan", json=settings)).status_code == 401
    as_admin = await svc.client.patch(url, json={"aktif": False}, headers=tokens.headers(admin()))
    assert as_admin.status_code == 403
    unknown = await svc.client.put(
        "/api/tenants/v1/tenants/kab-tidak-ada/layanan/kesehatan",
        json=settings,
        headers=tokens.headers(admin()),
    )
    assert unknown.status_code == 404
    detail = (await svc.client.get(url)).json()
    assert detail["pengaturan_layanan"] == []
    assert detail["opd"] == []
    assert detail["aktif"] is True


async def test_a_deactivated_region_is_frozen_until_the_ministry_reactivates_it(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await start_service("tenant_registry")
    await onboard(svc, tokens)
    url = "/api/tenants/v1/tenants/kab-hulu-sungai-utara"
    off = await svc.client.patch(url, json={"aktif": False}, headers=tokens.headers(PUSAT))
    assert off.status_code == 200
    assert off.json()["aktif"] is False

    refused = await svc.client.put(
        f"{url}/layanan/kesehatan", json={"sla_hari": 2}, headers=tokens.headers(admin())
    )
    assert refused.status_code == 404
    assert "dinonaktifkan" in refused.json()["detail"]
    assert (
        await svc.client.post(f"{url}/opd", json={"nama": "Dinas Kesehatan"}, headers=tokens.headers(admin()))
    ).status_code == 404
    # Still public, as the ministry left it; nothing was enabled or announced meanwhile.
    detail = (await svc.client.get(url)).json()
    assert detail["aktif"] is False
    assert detail["pengaturan_layanan"] == []
    async with transaction(svc.sessionmaker, all_regions=True) as session:
        types = (await session.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id))).all()
    assert [t.rsplit(".", 1)[1] for t in types] == ["updated", "updated"]

    on = await svc.client.patch(url, json={"aktif": True}, headers=tokens.headers(PUSAT))
    assert on.status_code == 200
    enabled = await svc.client.put(
        f"{url}/layanan/kesehatan", json={"sla_hari": 2}, headers=tokens.headers(admin())
    )
    assert enabled.status_code == 200, enabled.text


async def test_a_setting_whose_event_exceeds_the_cap_is_refused_and_stores_nothing(
    start_service: StartService, tokens: TokenFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = await start_service("tenant_registry")
    await onboard(svc, tokens)
    url = "/api/tenants/v1/tenants/kab-hulu-sungai-utara/layanan"
    # The largest list the schema takes, in characters of 4 UTF-8 bytes each: far below the cap.
    largest = {"dokumen_wajib": [f"{i:02d} " + "𝒜" * 117 for i in range(30)]}
    enabled = await svc.client.put(f"{url}/kesehatan", json=largest, headers=tokens.headers(admin()))
    assert enabled.status_code == 200, enabled.text
    async with transaction(svc.sessionmaker, all_regions=True) as session:
        sizes = [len(b) for b in (await session.scalars(select(OutboxEvent.body))).all()]
    assert max(sizes) < EVENT_MAX_BYTES // 10
    too_many = {"dokumen_wajib": [*largest["dokumen_wajib"], "KTP"]}
    refused_by_schema = await svc.client.put(
        f"{url}/kesehatan", json=too_many, headers=tokens.headers(admin())
    )
    assert refused_by_schema.status_code == 422

    # A cap small enough for this list: the change is refused with a problem, and nothing is kept.
    monkeypatch.setattr("puja_kit.outbox.writer.EVENT_MAX_BYTES", 4096)
    refused = await svc.client.put(f"{url}/perizinan", json=largest, headers=tokens.headers(admin()))
    assert refused.status_code == 413, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "perubahan_terlalu_besar"
    assert "melebihi batas 4 KB" in problem["detail"]
    detail = (await svc.client.get("/api/tenants/v1/tenants/kab-hulu-sungai-utara")).json()
    assert [s["layanan"] for s in detail["pengaturan_layanan"]] == ["kesehatan"]
    async with transaction(svc.sessionmaker, all_regions=True) as session:
        assert len((await session.scalars(select(OutboxEvent.id))).all()) == len(sizes)
