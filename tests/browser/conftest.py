"""Browser tests of the portal: Debian's Chromium, headless, driven by Playwright, through Traefik.

Each test gets fresh browser contexts (no cookies, no service worker) at 360 px, the width of a cheap
phone; see browser_helpers.Halaman for what a tab measures.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from puja_kit.stack import LocalStack

from .browser_helpers import PHONE, SCREENSHOTS, Halaman

CHROMIUM = os.environ.get("PUJA_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium tidak ditemukan di {CHROMIUM}: `make test` memasangnya (apt-get install chromium), "
            "atau atur PUJA_CHROMIUM ke Chromium lain",
            pytrace=False,
        )
    return CHROMIUM


# Per module, not per session: the sync driver runs an event loop on this thread while it lives, and
# the async tests after the browser tests need the thread without one.
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright, chromium_path: str) -> Iterator[Browser]:
    instance = playwright_driver.chromium.launch(
        executable_path=chromium_path, args=["--no-sandbox", "--disable-dev-shm-usage"]
    )
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def tab(browser: Browser, platform: LocalStack, request: pytest.FixtureRequest) -> Iterator[Any]:
    """`tab("warga")` opens a new person's browser (context) at phone width."""
    contexts: list[BrowserContext] = []

    def open_tab(name: str, *, service_worker: bool = True) -> Halaman:
        context = browser.new_context(
            service_workers="allow" if service_worker else "block",
            viewport=PHONE,
            locale="id-ID",
            timezone_id="Asia/Makassar",
            accept_downloads=True,
        )
        contexts.append(context)
        return Halaman(context, platform.gateway_url, f"{request.node.name}-{name}")

    try:
        yield open_tab
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def api(platform: LocalStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots() -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
