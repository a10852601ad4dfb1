"""Offline: a page seen before still shows without a connection, and a form filled offline is kept as a
draft on the phone and sent once, with its Idempotency-Key, when the connection returns."""

from __future__ import annotations

import httpx

from .browser_helpers import DEMO, Halaman, token

IZN = f"/api/perizinan/v1/{DEMO}"


def _controlled(tab: Halaman) -> None:
    """Until the service worker controls the page (it claims its clients when it activates)."""
    tab.wait_for_js("navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def _my_applications(api: httpx.Client, nama_usaha: str) -> list[dict[str, object]]:
    mine = api.get(f"{IZN}/permohonan/saya", params={"limit": 100}, headers=token(api, "demo-warga")).json()
    return [p for p in mine["items"] if p["nama_usaha"] == nama_usaha]


def test_a_page_seen_before_still_shows_offline(tab, api: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    person: Halaman = tab("publik")
    person.goto(f"/{DEMO}/perizinan")
    _controlled(person)
    person.goto(f"/{DEMO}/perizinan")  # now through the service worker, which keeps a copy
    person.context.set_offline(True)
    person.page.reload()
    assert "Izin Usaha Perdagangan Eceran" in person.text()
    assert person.page.locator("#luring").is_visible(), "the page says it is offline"
    person.shot("luring-halaman-tersimpan")
    person.page.goto(person.base_url + f"/{DEMO}/lacak?nomor=BELUM-PERNAH")
    assert "Sedang luring" in person.text(), "a page never seen says so instead of a browser error"
    person.context.set_offline(False)


def test_a_form_filled_offline_is_sent_once_when_back_online(tab, api: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    warga: Halaman = tab("warga")
    warga.login("demo-warga")
    warga.goto(f"/{DEMO}/perizinan")
    _controlled(warga)
    warga.page.get_by_role("link", name="Ajukan Izin Usaha Perdagangan Eceran (toko kelontong)").click()
    nama_usaha = f"Warung Luring {warga.page.input_value('[name=idempotency_key]')[:8]}"
    warga.context.set_offline(True)
    warga.page.fill("#nama_usaha", nama_usaha)
    warga.page.fill("#alamat_usaha", "Jl. Tanpa Sinyal No. 3")
    warga.page.select_option("#kode_wilayah", "63.08.05.1001")
    warga.page.get_by_role("button", name="Buat permohonan").click()
    assert "Disimpan sebagai draf" in warga.text()
    warga.shot("draf-luring")
    assert _my_applications(api, nama_usaha) == [], "nothing reached the service while offline"

    warga.context.set_offline(False)
    warga.page.evaluate("window.dispatchEvent(new Event('online'))")
    warga.wait_for_js("document.body.innerText.includes('sudah terkirim')")
    assert len(_my_applications(api, nama_usaha)) == 1

    # Back on a page later: the draft is gone, so nothing is sent again.
    warga.goto(f"/{DEMO}/saya")
    warga.page.wait_for_load_state("networkidle")
    assert len(_my_applications(api, nama_usaha)) == 1
    assert warga.page.evaluate("PujaDraf.all().then(d => d.length)") == 0
