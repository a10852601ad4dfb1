"""Guessing passwords is slowed per (account, address) and per address, never by locking the account.

The client address is what the gateway forwards (X-Forwarded-For), believed only from a trusted proxy;
in these tests the in-process client connects from 127.0.0.1, the default trusted proxy.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
import pytest
from akun.models import LoginThrottle
from puja_kit.db import transaction
from puja_kit.testing.plugin import StartService
from sqlalchemy import update

if TYPE_CHECKING:
    from conftest import AkunDriver, StartAkun

LOGIN = "/api/akun/v1/login"
STRANGER, OWNER = "203.0.113.7", "198.51.100.20"


async def attempt(
    client: httpx.AsyncClient, username: str, password: str, *, address: str | None
) -> httpx.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    response: httpx.Response = await client.post(
        LOGIN, json={"username": username, "password": password}, headers=headers
    )
    return response


async def end_every_wait(akun: AkunDriver) -> None:
    """The delays are over (moved in the database rather than waited for)."""
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        await session.execute(
            update(LoginThrottle).values(wait_until=datetime.now(UTC) - timedelta(seconds=1))
        )


async def test_a_stranger_guessing_does_not_keep_the_owner_out(akun: AkunDriver) -> None:
    await akun.register()
    answers = [await attempt(akun.client, akun.NIK, f"tebakan-{n}", address=STRANGER) for n in range(20)]
    assert {a.status_code for a in answers[:5]} == {401}
    assert {a.status_code for a in answers[5:]} == {429}
    # The owner, from their own address, is not affected at all.
    owner = await attempt(akun.client, akun.NIK, akun.PASSWORD, address=OWNER)
    assert owner.status_code == 200, owner.text
    # Nor from a second device of theirs: a wrong password there is an ordinary 401.
    typo = await attempt(akun.client, akun.NIK, "salah-ketik", address="198.51.100.21")
    assert typo.status_code == 401
    assert typo.json()["code"] == "login_gagal"


async def test_the_guessing_address_waits_longer_each_time_even_with_the_right_password(
    akun: AkunDriver,
) -> None:
    await akun.register()
    for n in range(5):
        assert (await attempt(akun.client, akun.NIK, f"salah-{n}", address=STRANGER)).status_code == 401
    slowed = await attempt(akun.client, akun.NIK, "salah-5", address=STRANGER)
    assert slowed.status_code == 429
    assert slowed.headers["content-type"] == "application/problem+json"
    problem = slowed.json()
    assert problem["code"] == "login_ditunda"
    assert "Coba lagi dalam" in problem["detail"]
    first_wait = int(slowed.headers["retry-after"])
    assert 0 < first_wait <= 30

    # While the wait lasts, even the right password from that address is refused, and not counted.
    right_too_soon = await attempt(akun.client, akun.NIK, akun.PASSWORD, address=STRANGER)
    assert right_too_soon.status_code == 429
    assert 0 < int(right_too_soon.headers["retry-after"]) <= first_wait

    # Each further failure after a wait doubles it.
    await end_every_wait(akun)
    again = await attempt(akun.client, akun.NIK, "salah-6", address=STRANGER)
    assert again.status_code == 429
    assert 30 < int(again.headers["retry-after"]) <= 60

    # Once the wait is over, the right password gets in and the count for that address starts again.
    await end_every_wait(akun)
    assert (await attempt(akun.client, akun.NIK, akun.PASSWORD, address=STRANGER)).status_code == 200
    for n in range(5):
        assert (await attempt(akun.client, akun.NIK, f"lagi-{n}", address=STRANGER)).status_code == 401


async def test_replicas_share_the_count(akun: AkunDriver, start_service: StartService) -> None:
    await akun.register()
    other_replica = await start_service("akun", settings=akun.svc.settings)
    for n, client in enumerate([akun.client, other_replica.client] * 2 + [akun.client]):
        assert (await attempt(client, akun.NIK, f"salah-{n}", address=STRANGER)).status_code == 401
    slowed = await attempt(other_replica.client, akun.NIK, "salah-5", address=STRANGER)
    assert slowed.status_code == 429
    assert (await attempt(akun.client, akun.NIK, akun.PASSWORD, address=STRANGER)).status_code == 429
    assert (await attempt(other_replica.client, akun.NIK, akun.PASSWORD, address=OWNER)).status_code == 200


async def test_a_shared_carrier_address_is_not_shut_out_by_one_guesser(start_akun: StartAkun) -> None:
    """Many people share one carrier-NAT address: its own budget is generous, and runs out only for it."""
    akun = await start_akun(login_address_failures=12)
    nat = "100.64.0.1"
    await akun.register()
    await akun.register(nik=akun.NIK_2, email="budi@example.com")
    # Someone behind the NAT tries ten made-up accounts; each gets an ordinary 401.
    for n in range(10):
        nik = f"63080517089{n:05d}"
        assert (await attempt(akun.client, nik, "tebakan", address=nat)).status_code == 401
    # The others behind the same address still log in, and still may mistype once.
    assert (await attempt(akun.client, akun.NIK_2, "salah-ketik", address=nat)).status_code == 401
    assert (await attempt(akun.client, akun.NIK_2, akun.PASSWORD, address=nat)).status_code == 200
    # Past the address's budget, new logins from it wait; a person who logged in from it before does not.
    assert (await attempt(akun.client, "6308051708909999", "tebakan", address=nat)).status_code == 401
    spent = await attempt(akun.client, "6308051708909998", "tebakan", address=nat)
    assert spent.status_code == 429
    assert int(spent.headers["retry-after"]) > 0
    assert (await attempt(akun.client, akun.NIK, akun.PASSWORD, address=nat)).status_code == 429
    assert (await attempt(akun.client, akun.NIK_2, akun.PASSWORD, address=nat)).status_code == 200
    # Elsewhere nothing changed.
    assert (await attempt(akun.client, akun.NIK, akun.PASSWORD, address=OWNER)).status_code == 200


async def test_many_addresses_guessing_one_account_slow_only_new_addresses(start_akun: StartAkun) -> None:
    akun = await start_akun(login_account_failures=6)
    await akun.register()
    home = "198.51.100.30"
    await attempt(akun.client, akun.NIK, akun.PASSWORD, address=home)
    # A botnet: one guess each from many addresses.
    for n in range(8):
        assert (await attempt(akun.client, akun.NIK, "tebakan", address=f"192.0.2.{n}")).status_code == 401
    # Now an address the account never logged in from waits after its second wrong password ...
    fresh = "192.0.2.200"
    assert (await attempt(akun.client, akun.NIK, "tebakan-1", address=fresh)).status_code == 401
    assert (await attempt(akun.client, akun.NIK, "tebakan-2", address=fresh)).status_code == 429
    # ... but the right password from a new address still works at once, and home is untouched.
    assert (await attempt(akun.client, akun.NIK, akun.PASSWORD, address="192.0.2.201")).status_code == 200
    for n in range(5):
        assert (await attempt(akun.client, akun.NIK, f"salah-ketik-{n}", address=home)).status_code == 401
    assert (await attempt(akun.client, akun.NIK, akun.PASSWORD, address=home)).status_code == 200


async def test_forwarded_addresses_are_believed_only_from_a_trusted_proxy(start_akun: StartAkun) -> None:
    # No proxy trusted: X-Forwarded-For is the caller's own claim and changes nothing.
    akun = await start_akun(trusted_proxies="")
    await akun.register()
    for n in range(5):
        spoofed = f"192.0.2.{n}"
        assert (await attempt(akun.client, akun.NIK, f"salah-{n}", address=spoofed)).status_code == 401
    assert (await attempt(akun.client, akun.NIK, "salah-5", address="192.0.2.99")).status_code == 429


async def test_unknown_accounts_are_slowed_like_real_ones(akun: AkunDriver) -> None:
    """Otherwise the point where 401 turns into 429 would tell which NIKs have accounts."""
    await akun.register()
    answers = {}
    for username in (akun.NIK, akun.NIK_2):
        for n in range(5):
            assert (await attempt(akun.client, username, f"salah-{n}", address=STRANGER)).status_code == 401
        answers[username] = await attempt(akun.client, username, "salah-5", address=STRANGER)
    assert answers[akun.NIK].status_code == answers[akun.NIK_2].status_code == 429
    assert answers[akun.NIK].json() == answers[akun.NIK_2].json()


async def test_guesses_from_one_address_are_tried_one_at_a_time(
    akun: AkunDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Otherwise a burst of parallel guesses would all be tried before the first failure is counted."""
    await akun.register()
    passwords = akun.runtime.passwords
    real_verify = passwords.verify
    in_verification, release = asyncio.Event(), asyncio.Event()

    async def first_one_held(password_hash: str, password: str) -> bool:
        if not in_verification.is_set():
            in_verification.set()
            await release.wait()
        return await real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify", first_one_held)
    first = asyncio.create_task(attempt(akun.client, akun.NIK, "tebakan-1", address=STRANGER))
    await in_verification.wait()
    # While the first guess is being checked, a second from the same address is not tried at all.
    second = await attempt(akun.client, akun.NIK, akun.PASSWORD, address=STRANGER)
    release.set()
    assert second.status_code == 429
    assert second.json()["code"] == "login_ditunda"
    assert int(second.headers["retry-after"]) == 1
    assert (await first).status_code == 401
    # Another address, or the same once the first attempt is over, is served as usual.
    assert (await attempt(akun.client, akun.NIK, akun.PASSWORD, address=STRANGER)).status_code == 200
