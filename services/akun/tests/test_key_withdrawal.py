"""A signing key withdrawn after a compromise stops verifying: in akun after its key cache time, and in
every other service at its next JWKS refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from puja_kit.auth import Grant, TokenVerifier
from puja_kit.errors import Unauthorized

if TYPE_CHECKING:
    from conftest import AkunDriver, StartAkun

JWKS = "/api/akun/v1/.well-known/jwks.json"


def other_service(akun: AkunDriver) -> TokenVerifier:
    """Another service's kit verifier, re-reading akun's JWKS on every check (refresh_seconds=0)."""
    settings = akun.svc.settings
    return TokenVerifier(
        f"http://akun{JWKS}",
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        refresh_seconds=0,
        transport=httpx.ASGITransport(app=akun.svc.app),
    )


def withdraw_path(kid: str) -> str:
    return f"/api/akun/v1/keys/{kid}/withdraw"


async def test_a_withdrawn_key_stops_verifying_everywhere(start_akun: StartAkun) -> None:
    akun = await start_akun(key_cache_seconds=0.2)
    pusat = await akun.token_for("pusat", Grant("admin_pusat"))
    await akun.register()
    citizen = (await akun.login(akun.NIK))["access_token"]
    kid = akun.kid_of(citizen)
    verifier = other_service(akun)
    assert (await akun.me(citizen)).status_code == 200
    assert (await verifier.verify(citizen)).nik == akun.NIK

    # Only the ministry may withdraw a key.
    admin_hsu = await akun.token_for("admin-hsu", Grant("admin_daerah", "63.08"), tenant_id="63.08")
    refused = await akun.client.post(withdraw_path(kid), headers=akun.bearer(admin_hsu))
    assert refused.status_code == 403
    assert (await akun.client.post(withdraw_path(kid))).status_code == 401
    unknown = await akun.client.post(withdraw_path("tidak-ada"), headers=akun.bearer(pusat))
    assert unknown.status_code == 404

    withdrawn = await akun.client.post(withdraw_path(kid), headers=akun.bearer(pusat))
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["kid"] == kid
    replacement = withdrawn.json()["kid_pengganti"]
    assert replacement and replacement != kid
    # Withdrawing it again changes nothing (a retried request; the ministry's old token died with the key).
    pusat = str((await akun.login("pusat"))["access_token"])
    again = await akun.client.post(withdraw_path(kid), headers=akun.bearer(pusat))
    assert again.status_code == 200
    assert again.json() == withdrawn.json()

    published = {k["kid"] for k in (await akun.client.get(JWKS)).json()["keys"]}
    assert published == {replacement}

    # akun itself, once its key cache has expired (0.2 s here), refuses the token.
    async def akun_refuses() -> None:
        response = await akun.me(citizen)
        assert response.status_code == 401
        assert "kunci yang tidak dikenal" in response.json()["detail"]

    await akun.eventually(akun_refuses, within=5)
    # Another service, at its next refresh of the key set.
    with pytest.raises(Unauthorized, match="kunci yang tidak dikenal"):
        await verifier.verify(citizen)

    # New logins are signed with the replacement key and work in both.
    fresh = (await akun.login(akun.NIK))["access_token"]
    assert akun.kid_of(fresh) == replacement
    assert (await akun.me(fresh)).status_code == 200
    assert (await verifier.verify(fresh)).nik == akun.NIK


async def test_a_retired_key_can_be_withdrawn_too(start_akun: StartAkun) -> None:
    """A rotation keeps the old key published while its tokens live; withdrawing it ends that at once."""
    akun = await start_akun(key_cache_seconds=0.2)
    await akun.register()
    old = (await akun.login(akun.NIK))["access_token"]
    pusat = await akun.token_for("pusat", Grant("admin_pusat"))
    rotated = await akun.client.post("/api/akun/v1/keys/rotate", headers=akun.bearer(pusat))
    current = rotated.json()["kid"]
    pusat = str((await akun.login("pusat"))["access_token"])
    assert akun.kid_of(pusat) == current

    withdrawn = await akun.client.post(withdraw_path(akun.kid_of(old)), headers=akun.bearer(pusat))
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["kid_pengganti"] is None  # it was not signing any more
    assert {k["kid"] for k in (await akun.client.get(JWKS)).json()["keys"]} == {current}

    async def akun_refuses() -> None:
        assert (await akun.me(old)).status_code == 401

    await akun.eventually(akun_refuses, within=5)
    assert (await akun.me(pusat)).status_code == 200
    with pytest.raises(Unauthorized):
        await other_service(akun).verify(old)


async def test_akun_notices_a_withdrawal_made_by_another_replica(start_akun: StartAkun) -> None:
    akun = await start_akun(key_cache_seconds=0.2)
    await akun.register()
    citizen = (await akun.login(akun.NIK))["access_token"]
    assert (await akun.me(citizen)).status_code == 200  # now in this replica's key cache
    other = await start_akun(settings=akun.svc.settings)
    pusat = await other.token_for("pusat", Grant("admin_pusat"))
    response = await other.client.post(withdraw_path(akun.kid_of(citizen)), headers=other.bearer(pusat))
    assert response.status_code == 200, response.text

    async def first_replica_refuses() -> None:
        assert (await akun.me(citizen)).status_code == 401

    await akun.eventually(first_replica_refuses, within=5)
