"""Sessions, CSRF and tokens: what the browser holds, what the portal keeps, and what it refuses."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from portal.models import Sesi
from portal.sesi import SESSION_COOKIE, tokens
from puja_kit.db import transaction
from puja_kit.testing.plugin import RunningService
from sqlalchemy import func, select, update

from .conftest import Browser, register

NIK = "6308051708900001"


async def _sessions(portal: RunningService) -> list[Sesi]:
    async with transaction(portal.sessionmaker) as session:
        return list((await session.scalars(select(Sesi))).all())


async def test_signing_in_keeps_the_tokens_here_and_gives_the_browser_only_an_httponly_cookie(
    browser: Browser, portal: RunningService, akun: RunningService
) -> None:
    await register(akun, NIK, "081234567001")
    response = await browser.sign_in(NIK, lanjut="/notifikasi")
    assert response.status_code == 303 and response.headers["location"] == "/notifikasi"
    (cookie,) = [c for c in browser.set_cookies if c.startswith(f"{SESSION_COOKIE}=")]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    (row,) = await _sessions(portal)
    raw = browser.cookies[SESSION_COOKIE]
    assert row.id == hashlib.sha256(raw.encode()).hexdigest(), "the table holds the hash, not the cookie"
    access, refresh = tokens(row, portal.settings)  # type: ignore[arg-type]
    assert access.count(".") == 2 and refresh, "the session holds a token pair"
    assert access not in row.access_token and refresh not in row.refresh_token, "sealed at rest"
    assert raw not in (access, refresh) and access not in cookie and refresh not in cookie


async def test_a_form_without_a_valid_csrf_token_is_refused_before_anything_is_sent(
    browser: Browser, portal: RunningService, akun: RunningService
) -> None:
    await register(akun, NIK, "081234567002")
    await browser.csrf("/masuk")  # the browser holds its guest cookie
    forged = await browser.request("POST", "/masuk", data={"username": NIK, "password": "rahasia-portal-123"})
    assert forged.status_code == 403 and "Formulir kedaluwarsa" in forged.text
    # A token made for another browser does not fit this one.
    other = Browser(portal)
    stolen = await other.csrf("/masuk")
    crossed = await browser.request(
        "POST", "/masuk", data={"csrf": stolen, "username": NIK, "password": "rahasia-portal-123"}
    )
    assert crossed.status_code == 403
    assert await _sessions(portal) == [], "no session was made"


async def test_after_sign_in_the_portal_sends_people_only_to_its_own_pages(
    browser: Browser, akun: RunningService
) -> None:
    await register(akun, NIK, "081234567003")
    response = await browser.sign_in(NIK, lanjut="//penipu.example/masuk")
    assert response.status_code == 303 and response.headers["location"] == "/"


async def test_an_expiring_access_token_is_refreshed_once_and_the_session_goes_on(
    browser: Browser, portal: RunningService, akun: RunningService
) -> None:
    await register(akun, NIK, "081234567004")
    await browser.sign_in(NIK)
    (before,) = await _sessions(portal)
    async with transaction(portal.sessionmaker) as session:
        await session.execute(
            update(Sesi).values(access_berlaku_sampai=datetime.now(UTC) - timedelta(seconds=5))
        )
    page = await browser.request("GET", "/notifikasi")
    assert page.status_code == 200 and "Notifikasi" in page.text
    (after,) = await _sessions(portal)
    # A new pair (an access token made in the same second may read the same; the refresh token rotates).
    assert tokens(after, portal.settings)[1] != tokens(before, portal.settings)[1]  # type: ignore[arg-type]
    assert after.access_berlaku_sampai > datetime.now(UTC) + timedelta(minutes=1)
    # The refresh token the portal gave up is spent: akun refuses it.
    spent = tokens(before, portal.settings)[1]  # type: ignore[arg-type]
    reused = await akun.client.post("/api/akun/v1/refresh", json={"refresh_token": spent})
    assert reused.status_code == 401


async def test_signing_out_ends_the_session_here_and_at_akun(
    browser: Browser, portal: RunningService, akun: RunningService
) -> None:
    await register(akun, NIK, "081234567005")
    await browser.sign_in(NIK)
    (row,) = await _sessions(portal)
    token = await browser.csrf("/notifikasi")
    out = await browser.request("POST", "/keluar", data={"csrf": token})
    assert out.status_code == 303 and SESSION_COOKIE not in browser.cookies
    async with transaction(portal.sessionmaker) as session:
        assert await session.scalar(select(func.count()).select_from(Sesi)) == 0
    access = tokens(row, portal.settings)[0]  # type: ignore[arg-type]
    me = await akun.client.get("/api/akun/v1/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 401
    # The signed-out browser is sent to sign in for a signed-in page.
    again = await browser.request("GET", "/notifikasi")
    assert again.status_code == 303 and again.headers["location"].startswith("/masuk?lanjut=")


async def test_a_session_sealed_with_another_secret_ends_instead_of_failing(
    browser: Browser, portal: RunningService, akun: RunningService
) -> None:
    await register(akun, NIK, "081234567006")
    await browser.sign_in(NIK)
    async with transaction(portal.sessionmaker) as session:
        await session.execute(update(Sesi).values(access_token="bukan-segel", refresh_token="bukan-segel"))
    page = await browser.request("GET", "/notifikasi")
    assert page.status_code == 303 and page.headers["location"].startswith("/masuk?lanjut=")
    assert await _sessions(portal) == [] and SESSION_COOKIE not in browser.cookies
