"""The platform end to end, through the real Traefik, with every service in its own process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from puja_kit.stack import LocalStack

DEMO_PASSWORD = "pujaindah-demo"


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 20.0) -> Any:
    """Retry `check` until it returns a truthy value (events take a moment to cross the bus)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("tidak tercapai dalam batas waktu")
        await asyncio.sleep(0.1)


@pytest.fixture
async def gw(platform: LocalStack) -> Any:
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        yield client


async def login(gw: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    response = await gw.post("/api/akun/v1/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_the_demo_region_and_accounts_are_there(gw: httpx.AsyncClient) -> None:
    tenants = (await gw.get("/api/tenants/v1/tenants")).json()
    demo = next(t for t in tenants["items"] if t["slug"] == "kab-hulu-sungai-utara")
    assert demo["kode"] == "63.08"
    assert set(demo["layanan"]) >= {"perizinan", "kesehatan", "kependudukan"}
    for username in ("demo-pusat", "demo-admin", "demo-operator", "demo-warga"):
        me = (await gw.get("/api/akun/v1/me", headers=await login(gw, username))).json()
        assert me["grants"], username
    operator = (await gw.get("/api/akun/v1/me", headers=await login(gw, "demo-operator"))).json()
    assert {(g["tenant"], g["layanan"]) for g in operator["grants"]} >= {
        ("63.08", "perizinan"),
        ("63.08", "kesehatan"),
        ("63.08", "kependudukan"),
    }


async def test_ministry_onboards_region_admin_enables_layanan_and_services_learn_over_the_bus(
    gw: httpx.AsyncClient,
) -> None:
    pusat = await login(gw, "demo-pusat")
    onboarded = await gw.post("/api/tenants/v1/tenants", json={"kode": "63.11"}, headers=pusat)
    assert onboarded.status_code == 201, onboarded.text
    slug = onboarded.json()["slug"]
    assert slug == "kab-balangan"

    # akun hears of the new region over the bus, then the ministry can create the region's admin.
    async def create_admin() -> httpx.Response | None:
        response = await gw.post(
            f"/api/akun/v1/{slug}/staff",
            json={
                "username": "admin-balangan",
                "nama": "Admin Balangan",
                "password": "rahasia-balangan",
                "role": "admin_daerah",
                "layanan": [],
            },
            headers=pusat,
        )
        return response if response.status_code != 404 else None

    created = await eventually(create_admin)
    assert created.status_code == 201, created.text
    admin = await login(gw, "admin-balangan", "rahasia-balangan")

    enabled = await gw.put(
        f"/api/tenants/v1/tenants/{slug}/layanan/kesehatan", json={"sla_hari": 2}, headers=admin
    )
    assert enabled.status_code == 200, enabled.text

    async def create_operator(layanan: str) -> httpx.Response:
        return await gw.post(
            f"/api/akun/v1/{slug}/staff",
            json={
                "username": f"op-{layanan}-balangan",
                "nama": "Operator",
                "password": "rahasia-operator",
                "role": "operator",
                "layanan": [layanan],
            },
            headers=admin,
        )

    async def operator_created() -> httpx.Response | None:
        response = await create_operator("kesehatan")
        return response if response.status_code == 201 else None

    await eventually(operator_created)
    not_enabled = await create_operator("perizinan")
    assert not_enabled.status_code == 404
    assert not_enabled.headers["content-type"] == "application/problem+json"
    assert not_enabled.json()["code"] == "layanan_tidak_aktif"
    assert not_enabled.json()["title"] == "Layanan tidak aktif di daerah ini"

    # The region's admin cannot touch another region.
    other = await gw.put(
        "/api/tenants/v1/tenants/kab-hulu-sungai-utara/layanan/sosial", json={"sla_hari": 2}, headers=admin
    )
    assert other.status_code == 403
    demo = (await gw.get("/api/tenants/v1/tenants/kab-hulu-sungai-utara")).json()
    assert "sosial" not in demo["layanan"]


async def test_a_token_from_akun_is_accepted_elsewhere_and_refused_after_logout(
    gw: httpx.AsyncClient,
) -> None:
    response = await gw.post("/api/akun/v1/login", json={"username": "demo-pusat", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    # tenant_registry verifies akun's token itself: a 409 (already onboarded) means it was accepted.
    accepted = await gw.post("/api/tenants/v1/tenants", json={"kode": "63.08"}, headers=headers)
    assert accepted.status_code == 409

    assert (await gw.post("/api/akun/v1/logout", headers=headers)).status_code in (200, 204)
    assert (await gw.get("/api/akun/v1/me", headers=headers)).status_code == 401

    async def refused() -> bool:
        again = await gw.post("/api/tenants/v1/tenants", json={"kode": "63.08"}, headers=headers)
        return again.status_code == 401

    await eventually(refused, timeout=10)


async def test_bad_input_gets_indonesian_problems_and_changes_nothing(gw: httpx.AsyncClient) -> None:
    pusat = await login(gw, "demo-pusat")
    before = (await gw.get("/api/tenants/v1/tenants")).json()["total"]

    malformed_nik = await gw.post(
        "/api/akun/v1/register",
        json={"nik": "1234", "nama": "Siti", "email": "siti@example.id", "password": "rahasia-siti"},
    )
    assert malformed_nik.status_code == 422
    assert malformed_nik.headers["content-type"] == "application/problem+json"
    assert any(e["field"] == "nik" for e in malformed_nik.json()["errors"])

    unknown_kode = await gw.post("/api/tenants/v1/tenants", json={"kode": "99.99"}, headers=pusat)
    assert unknown_kode.status_code == 422
    assert "tidak ada dalam tabel" in unknown_kode.json()["detail"]

    wrong_type = await gw.post("/api/tenants/v1/tenants", json={"kode": ["63"]}, headers=pusat)
    assert wrong_type.status_code == 422

    # Under the gateway's limit but over the service's own (perizinan takes less than the platform's).
    from perizinan.settings import Settings as PerizinanSettings

    oversized = await gw.post(
        "/api/perizinan/v1/kab-hulu-sungai-utara/permohonan",
        content=b'{"catatan": "' + b"6" * PerizinanSettings(environment="test").max_body_bytes + b'"}',
        headers={**pusat, "content-type": "application/json"},
    )
    assert oversized.status_code == 413
    assert oversized.json()["code"] == "permintaan_terlalu_besar"

    forged_key = Ed25519PrivateKey.generate()
    forged = jwt.encode(
        {
            "sub": "x",
            "sid": "y",
            "typ": "access",
            "grants": [{"role": "admin_pusat"}],
            "exp": 9999999999,
            "iat": 1,
            "iss": "puja-indah/akun",
            "aud": "puja-indah",
        },
        forged_key,
        algorithm="EdDSA",
        headers={"kid": "palsu"},
    )
    forged_response = await gw.post(
        "/api/tenants/v1/tenants", json={"kode": "63.10"}, headers={"Authorization": f"Bearer {forged}"}
    )
    assert forged_response.status_code == 401
    assert forged_response.json()["code"] == "tidak_terautentikasi"

    assert (await gw.get("/api/tenants/v1/tenants")).json()["total"] == before


async def test_the_gateway_answers_unknown_paths_and_adds_security_headers(gw: httpx.AsyncClient) -> None:
    response = await gw.get("/api/tenants/v1/tenants")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert (await gw.get("/api/tidak-ada/v1/apa")).status_code == 404
    docs = await gw.get("/api/tenants/openapi.json")
    assert docs.status_code == 200
    assert "/api/tenants/v1/tenants" in docs.json()["paths"]


async def test_a_restarted_service_keeps_its_data(platform: LocalStack, gw: httpx.AsyncClient) -> None:
    platform.stop_service("akun")
    platform.start_service("akun")
    platform.wait_ready("akun")
    me = await gw.get("/api/akun/v1/me", headers=await login(gw, "demo-warga"))
    assert me.status_code == 200


async def _registry_reads(platform: LocalStack) -> float:
    """How many times the registry has answered a region's page (its own route metrics)."""
    port = platform.ports.services["tenant_registry"]
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("http_server_request_duration_seconds_count{")
        and 'http_route="/api/tenants/v1/tenants/{tenant}"' in line
        and 'http_request_method="GET"' in line
    )


async def test_the_portal_asks_the_registry_for_a_region_once_for_many_pages(
    platform: LocalStack, gw: httpx.AsyncClient
) -> None:
    before = await _registry_reads(platform)
    for path in ("/kab-hulu-sungai-utara", "/kab-hulu-sungai-utara/kesehatan", "/kab-hulu-sungai-utara"):
        assert (await gw.get(path)).status_code == 200
    # One question for the three pages (none if an earlier page of this region is still kept).
    assert await _registry_reads(platform) - before <= 1
