"""The portal in-process with a real akun behind it (in-process too, on its own database), so the
portal's own mechanisms (sessions, CSRF, token refresh) are tested without the whole platform."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import httpx
import pytest
from puja_kit.testing.plugin import RunningService, StartService

FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost": 64, "argon2_parallelism": 1}
PASSWORD = "rahasia-portal-123"


@dataclass
class Browser:
    """A browser as far as the portal can tell: its cookies (sent whatever their Secure flag: the test
    speaks plain HTTP to the app) and the last Set-Cookie headers it got."""

    portal: RunningService
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    async def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        response = await self.portal.client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
        self.set_cookies = response.headers.get_list("set-cookie")
        for header in self.set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    async def csrf(self, path: str) -> str:
        page = await self.request("GET", path)
        assert page.status_code == 200, page.text
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found, "every form carries a CSRF token"
        return found.group(1)

    async def sign_in(self, username: str, password: str = PASSWORD, lanjut: str = "/") -> httpx.Response:
        token = await self.csrf("/masuk")
        return await self.request(
            "POST",
            "/masuk",
            data={"csrf": token, "username": username, "password": password, "lanjut": lanjut},
        )


@pytest.fixture
async def akun(start_service: StartService) -> RunningService:
    return await start_service("akun", **FAST_HASHING)


@pytest.fixture
async def portal(start_service: StartService, akun: RunningService) -> AsyncIterator[RunningService]:
    service = await start_service("portal")
    # The portal's calls go to akun itself, in-process, where a deployment sends them through the gateway.
    await service.app.state.backend.aclose()
    service.app.state.backend = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=akun.app), base_url="http://akun"
    )
    yield service


@pytest.fixture
def browser(portal: RunningService) -> Browser:
    return Browser(portal)


async def register(akun: RunningService, nik: str, phone: str) -> None:
    response = await akun.client.post(
        "/api/akun/v1/register", json={"nik": nik, "nama": "Warga Uji", "phone": phone, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
