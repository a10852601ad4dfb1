"""What the browser tests share: a person's tab with page weight, axe-core and screenshots; test residents."""

from __future__ import annotations

import csv
import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

SCREENSHOTS = Path(os.environ.get("PUJA_SCREENSHOTS", "test-output/screenshots"))
DEMO = "kab-hulu-sungai-utara"
DEMO_PASSWORD = "pujaindah-demo"
PHONE = {"width": 360, "height": 740}
# A citizen page's first load, compressed: HTML + CSS + JS, and with images (issue budget).
BUDGET_TEXT = 50 * 1024
BUDGET_ALL = 150 * 1024
_axe = Axe()


@dataclass
class Beban:
    """What the browser received for one page load, by kind, as sent over the wire (compressed)."""

    url: str
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> int:
        return sum(
            v for k, v in self.by_type.items() if k in ("Document", "Stylesheet", "Script", "Manifest")
        )

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


class Halaman:
    """One person's browser tab."""

    def __init__(self, context: BrowserContext, base_url: str, name: str) -> None:
        self.context = context
        self.base_url = base_url
        self.name = name
        self.page: Page = context.new_page()
        self.page.set_default_timeout(15_000)
        self._cdp = context.new_cdp_session(self.page)
        self._cdp.send("Network.enable")
        self._types: dict[str, str] = {}
        self._received: dict[str, int] = {}
        self._cdp.on("Network.responseReceived", self._on_response)
        self._cdp.on("Network.loadingFinished", self._on_finished)

    def _on_response(self, event: dict[str, Any]) -> None:
        self._types[event["requestId"]] = str(event.get("type") or "Other")

    def _on_finished(self, event: dict[str, Any]) -> None:
        kind = self._types.get(event["requestId"], "Other")
        self._received[kind] = self._received.get(kind, 0) + int(event.get("encodedDataLength") or 0)

    def goto(self, path: str) -> Beban:
        """Open a page and measure what the page itself received (a page the service worker answers
        receives nothing here: use `first_load` to weigh a page)."""
        self._received = {}
        self.page.goto(self.base_url + path, wait_until="networkidle")
        return Beban(path, dict(self._received))

    def first_load(self, path: str) -> Beban:
        """The page as a phone that never saw the portal loads it: the browser's cache emptied first.
        Weigh it in a tab opened with `tab(name, service_worker=False)`, so that every byte passes here."""
        self._cdp.send("Network.clearBrowserCache")
        return self.goto(path)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.page.goto(self.base_url + "/masuk")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        assert self.page.locator("text=Keluar").count() == 1, self.page.content()[:2000]

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def axe_serious(self) -> list[str]:
        """axe-core's serious and critical violations on the page as it is now."""
        results = _axe.run(self.page)
        return [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x, mis. {v['nodes'][0]['target']})"
            for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]

    def wait_for_js(self, expression: str, timeout: float = 15) -> None:
        """Until `expression` is true in the page. Not page.wait_for_function: that evaluates through
        eval, which the portal's Content-Security-Policy forbids."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"tidak terpenuhi dalam {timeout} s: {expression}")
            time.sleep(0.1)

    def text(self) -> str:
        return self.page.inner_text("main")


def token(api: httpx.Client, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    response = api.post("/api/akun/v1/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


_serial = iter(range(1, 10_000))


def new_resident(api: httpx.Client, *, nama: str, nama_ibu: str, lahir: str = "1990-03-14") -> dict[str, str]:
    """A resident of the demo region, imported through the API as its operator: a NIK no test used."""
    stamp = int(time.time() * 1000) % 9000 + next(_serial)
    # A woman's NIK carries her day of birth plus 40.
    day, month, year = int(lahir[8:10]) + 40, lahir[5:7], lahir[2:4]
    nik = f"630805{day:02d}{month}{year}{stamp % 10_000:04d}"
    row = {
        "nik": nik,
        "no_kk": f"63080501{stamp % 100_000_000:08d}",
        "nama": nama,
        "tempat_lahir": "Amuntai",
        "tanggal_lahir": lahir,
        "jenis_kelamin": "P",
        "alamat": "Jl. Uji Peramban No. 1",
        "rt": "001",
        "rw": "001",
        "kode_wilayah": "63.08.05.1001",
        "nama_ibu": nama_ibu,
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    headers = token(api, "demo-operator")
    base = f"/api/kependudukan/v1/{DEMO}"
    job = api.post(
        f"{base}/impor", files={"berkas": ("warga.csv", out.getvalue().encode(), "text/csv")}, headers=headers
    )
    assert job.status_code == 202, job.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = api.get(f"{base}/impor/{job.json()['id']}", headers=headers).json()
        if state["status"] in ("SELESAI", "GAGAL"):
            rejected = api.get(f"{base}/impor/{state['id']}/ditolak", headers=headers).json()
            assert state["berhasil"] == 1, (state, rejected)
            return {**row, "telepon": f"0812{stamp:08d}"}
        time.sleep(0.2)
    raise AssertionError("impor penduduk uji tidak selesai")


def sign_up_and_prove(person: Halaman, resident: dict[str, str], password: str, *, start: str = "/") -> None:
    """A new resident signs up in the portal and proves the NIK with the family card's data (Cara 1)."""
    page = person.page
    person.goto(start)
    page.get_by_role("link", name="Daftar").first.click()
    page.fill("#nik", resident["nik"])
    page.fill("#nama", resident["nama"])
    page.fill("#phone", resident["telepon"])
    page.fill("#password", password)
    page.fill("#password2", password)
    page.click("main button[type=submit]")
    assert page.locator("text=Keluar").count() == 1
    person.goto(f"/{DEMO}/kependudukan/verifikasi-nik")
    page.fill("#no_kk", resident["no_kk"])
    page.fill("#nama_ibu", resident["nama_ibu"])
    page.get_by_role("button", name="Buktikan").click()
    assert "sudah terbukti" in person.text()
