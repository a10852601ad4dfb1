"""The region admin and the ministry, in the browser through Traefik.

The region admin (demo-admin) adds an OPD, switches kesehatan off and on again with new settings by
keyboard alone, and an anonymous visitor sees it go and come back on the region's home with its SLA and
fee; the admin creates an operator who then signs in. The ministry (demo-pusat) onboards Kabupaten
Banjar by its kode, creates its admin, who enables a layanan there, and the ministry's list shows each
region's layanan with their activity, the new region's layanan marked quiet (sepi).
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from .browser_helpers import DEMO, Halaman, token

NAV = "Pengaturan daerah"


def _text(tab: Halaman) -> str:
    return tab.text().replace("\xa0", " ")


def _wait_served(api: httpx.Client, layanan: str, slug: str) -> None:
    """Until the layanan's own copy of the region serves it (its aktivitas answers)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if api.get(f"/api/{layanan}/v1/{slug}/aktivitas").status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"{layanan} belum aktif di {slug}")


def _restore_kesehatan(api: httpx.Client) -> None:
    """The demo region's kesehatan as the demo seeds it, for the tests that come after."""
    detail = api.get(f"/api/tenants/v1/tenants/{DEMO}").json()
    dinkes = next(o["id"] for o in detail["opd"] if o["nama"] == "Dinas Kesehatan")
    response = api.put(
        f"/api/tenants/v1/tenants/{DEMO}/layanan/kesehatan",
        json={"sla_hari": 1, "biaya": 0, "dokumen_wajib": [], "opd_id": dinkes},
        headers=token(api, "demo-admin"),
    )
    assert response.status_code == 200, response.text
    _wait_served(api, "kesehatan", DEMO)


def _home_layanan(tab: Halaman) -> list[str]:
    tab.page.reload(wait_until="networkidle")
    return [h.strip() for h in tab.page.locator("main li.kartu h3").all_inner_texts()]


def test_region_admin_switches_a_layanan_adds_an_opd_and_an_operator(tab: Any, api: httpx.Client) -> None:
    stamp = int(time.time() * 1000) % 1_000_000
    admin: Halaman = tab("admin")
    publik: Halaman = tab("publik")
    page = admin.page
    admin.login("demo-admin")
    try:
        # From the region's home to its settings: every layanan the platform knows, the three enabled.
        admin.goto(f"/{DEMO}")
        page.get_by_role("link", name="Pengaturan daerah").click()
        text = _text(admin)
        assert "Layanan Kabupaten Hulu Sungai Utara" in text
        assert "Aktifkan Pendidikan" in text and "Ubah pengaturan Kesehatan" in text
        admin.shot("layanan")
        assert admin.axe_serious() == []

        # A new OPD, to be made responsible for kesehatan below.
        opd = f"Dinas Kesehatan Uji {stamp}"
        page.get_by_role("navigation", name=NAV).get_by_role("link", name="OPD", exact=True).click()
        page.fill("#nama", opd)
        page.fill("#singkatan", "DinkesUji")
        page.get_by_role("button", name="Tambah OPD").click()
        text = _text(admin)
        assert "OPD ditambahkan." in text and opd in text
        admin.shot("opd")
        assert admin.axe_serious() == []

        # Kesehatan switched off: gone from the home an anonymous visitor sees.
        publik.goto(f"/{DEMO}")
        assert "Kesehatan" in _home_layanan(publik)
        admin.goto(f"/{DEMO}/admin/layanan/kesehatan")
        page.get_by_role("button", name="Nonaktifkan Kesehatan").click()
        assert "Layanan dinonaktifkan" in _text(admin)
        assert "Kesehatan" not in _home_layanan(publik)

        # ...and on again with new settings, by keyboard alone.
        page.get_by_role("link", name="Aktifkan Kesehatan").click()
        assert page.locator("h1").inner_text() == "Aktifkan layanan Kesehatan"
        admin.shot("aktifkan-layanan")
        assert admin.axe_serious() == []
        keys = page.keyboard
        page.locator("#sla_hari").focus()
        keys.press("Control+A")
        keys.type("2")
        keys.press("Tab")
        keys.press("Control+A")
        keys.type("10000")
        keys.press("Tab")
        keys.press("Control+A")
        keys.type("KTP")
        keys.press("Enter")
        keys.type("Kartu BPJS")
        keys.press("Tab")
        assert page.evaluate("document.activeElement.id") == "opd_id"
        for _ in range(20):
            if page.locator("#opd_id option:checked").inner_text().startswith(opd):
                break
            keys.press("ArrowDown")
        assert page.locator("#opd_id option:checked").inner_text().startswith(opd)
        keys.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Aktifkan layanan"
        keys.press("Enter")
        page.wait_for_load_state("networkidle")
        text = _text(admin)
        assert "Pengaturan layanan tersimpan" in text
        assert "SLA 2 hari kerja · biaya Rp10.000 · OPD " + opd in text
        assert "Dokumen wajib: KTP, Kartu BPJS" in text

        # The anonymous visitor sees it back with its SLA and fee.
        assert "Kesehatan" in _home_layanan(publik)
        card = publik.page.locator("main li.kartu", has_text="Kesehatan")
        card_text = card.inner_text().replace("\xa0", " ")
        assert "SLA 2 hari kerja" in card_text and "biaya Rp10.000" in card_text
        assert "Data diperbarui" in _text(publik), "each layanan says when its own data last changed"
        publik.shot("beranda-daerah")
        assert publik.axe_serious() == []

        # An operator account for perizinan.
        username = f"operator.uji{stamp}"
        page.get_by_role("navigation", name=NAV).get_by_role("link", name="Akun staf").click()
        page.fill("#nama", "Rina Operator Uji")
        page.fill("#username", username)
        page.fill("#password", "sandi-operator-uji")
        page.get_by_label("Perizinan").check()
        page.get_by_role("button", name="Buat akun").click()
        text = _text(admin)
        assert "Akun staf dibuat" in text
        row = page.locator("tr", has_text=username)
        assert "Operator" in row.inner_text() and "perizinan" in row.inner_text()
        admin.shot("staf")
        assert admin.axe_serious() == []

        # The operator signs in and finds their inbox.
        operator: Halaman = tab("operator-baru")
        operator.login(username, "sandi-operator-uji")
        operator.goto(f"/{DEMO}")
        assert "Kotak masuk permohonan izin" in operator.text()
    finally:
        _restore_kesehatan(api)


def test_ministry_onboards_a_region_and_sees_how_active_each_layanan_is(tab: Any, api: httpx.Client) -> None:
    stamp = int(time.time() * 1000) % 1_000_000
    pusat: Halaman = tab("pusat")
    page = pusat.page
    pusat.login("demo-pusat")
    pusat.goto("/")
    page.get_by_role("link", name="Kementerian").click()
    demo = page.locator("li.kartu", has_text="Kabupaten Hulu Sungai Utara")
    demo_text = demo.inner_text()
    assert "Perizinan" in demo_text and "Kesehatan" in demo_text and "Kependudukan" in demo_text
    assert "Permohonan minggu ini" in demo_text or "Permohonan minggu ini" in page.content()
    pusat.shot("daerah")
    assert pusat.axe_serious() == []

    # Onboard Kabupaten Banjar by its kode; it is listed, with nothing enabled yet.
    page.fill("#kode", "63.03")
    page.get_by_role("button", name="Daftarkan").click()
    assert "Kabupaten Banjar terdaftar" in pusat.text()
    banjar = page.locator("li.kartu", has_text="Kabupaten Banjar")
    assert "Belum mengaktifkan layanan" in banjar.inner_text()

    # Once more: the registry refuses, the page says why.
    page.fill("#kode", "63.03")
    page.get_by_role("button", name="Daftarkan").click()
    assert "sudah terdaftar" in pusat.text()

    # The ministry appoints the region's admin, who enables kesehatan there.
    slug = "kab-banjar"
    username = f"admin.banjar{stamp}"
    headers = token(api, "demo-pusat")
    deadline = time.monotonic() + 20
    while api.get(f"/api/akun/v1/{slug}/staff", headers=headers).status_code != 200:
        assert time.monotonic() < deadline, "akun belum mengenal daerah baru"
        time.sleep(0.2)
    pusat.goto("/pusat")
    page.locator("li.kartu", has_text="Kabupaten Banjar").get_by_role("link", name="akun staf daerah").click()
    page.fill("#nama", "Admin Banjar Uji")
    page.fill("#username", username)
    page.fill("#password", "sandi-admin.banjar")
    page.select_option("#role", "admin_daerah")
    page.get_by_role("button", name="Buat akun").click()
    assert "Akun staf dibuat" in pusat.text()
    assert "Admin daerah" in page.locator("tr", has_text=username).inner_text()

    admin: Halaman = tab("admin.banjar")
    admin.login(username, "sandi-admin.banjar")
    admin.goto(f"/{slug}/admin/layanan/kesehatan")
    admin.page.fill("#sla_hari", "1")
    admin.page.get_by_role("button", name="Aktifkan layanan").click()
    assert "Pengaturan layanan tersimpan" in admin.text()
    _wait_served(api, "kesehatan", slug)

    # Kesehatan in Banjar has no application and no data: the list marks it quiet.
    pusat.goto("/pusat")
    banjar = page.locator("li.kartu", has_text="Kabupaten Banjar")
    text = banjar.inner_text()
    assert "Kesehatan" in text and "Sepi" in text and "belum ada data" in text
    assert "Ada layanan sepi" in text
    assert "punya layanan sepi" in pusat.text()
    demo_text = page.locator("li.kartu", has_text="Kabupaten Hulu Sungai Utara").inner_text()
    assert "Sepi" not in demo_text, "the demo region's layanan have fresh data"
    pusat.shot("daerah-sepi")
    assert pusat.axe_serious() == []


def test_a_signed_in_person_refused_a_page_gets_its_page_not_a_server_error(tab: Any) -> None:
    """A page that refuses a signed-in person (a Masalah raised while the page's dependencies are
    solved) answers with the refusal, the person still shown as signed in."""
    warga = tab("warga-ditolak")
    warga.login("demo-warga")
    response = warga.page.goto(warga.base_url + f"/{DEMO}/admin", wait_until="networkidle")
    assert response is not None and response.status == 403
    text = _text(warga)
    assert "Khusus admin daerah" in text
    assert warga.page.locator("header").get_by_text("Keluar (").count() == 1
    warga.shot("admin-ditolak")
