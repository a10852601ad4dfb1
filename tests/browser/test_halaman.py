"""Every main page of the portal: its first-load weight (the browser cache empty, every byte the page
received, compressed as sent) against the budget, axe-core's serious
violations, and a screenshot at 360 px. The weights are written to test-output/berat-halaman.txt."""

from __future__ import annotations

from pathlib import Path

import httpx

from .browser_helpers import BUDGET_ALL, BUDGET_TEXT, DEMO, SCREENSHOTS, Halaman, token

PUBLIC = [
    ("pilih-daerah", "/"),
    ("beranda-daerah", f"/{DEMO}"),
    ("jenis-izin", f"/{DEMO}/perizinan"),
    ("periksa-izin", f"/{DEMO}/perizinan/periksa"),
    ("fasilitas-kesehatan", f"/{DEMO}/kesehatan"),
    ("lacak", f"/{DEMO}/lacak?nomor={{nomor}}"),
    ("pekerjaan-umum", f"/{DEMO}/pekerjaan_umum"),
    ("laporan-publik", f"/{DEMO}/pekerjaan_umum/publik"),
    ("inventaris", f"/{DEMO}/pekerjaan_umum/aset"),
    ("sewa-alat", f"/{DEMO}/pekerjaan_umum/alat"),
    ("dprd", f"/{DEMO}/aspirasi/dprd"),
    ("agenda-dprd", f"/{DEMO}/aspirasi/agenda"),
    ("peringatan-dini", f"/{DEMO}/trantibumlinmas"),
    ("masuk", "/masuk"),
    ("daftar", "/daftar"),
]
CITIZEN = [
    ("saya", f"/{DEMO}/saya"),
    ("notifikasi", "/notifikasi"),
    ("bukti-nik", f"/{DEMO}/kependudukan/verifikasi-nik"),
    ("antrian-saya", f"/{DEMO}/kesehatan/antrian-saya"),
    ("ajukan-kependudukan", f"/{DEMO}/kependudukan/ajukan"),
    ("kartu-keluarga", f"/{DEMO}/kependudukan/kk"),
    ("lapor-kerusakan", f"/{DEMO}/pekerjaan_umum/lapor"),
    ("sampaikan-aspirasi", f"/{DEMO}/aspirasi/lapor"),
    ("permohonan", f"/{DEMO}/perizinan/permohonan/{{permohonan}}"),
]
STAFF = [
    ("demo-operator", "kotak-masuk-izin", f"/{DEMO}/perizinan/kotak-masuk"),
    ("demo-operator", "loket-nik", f"/{DEMO}/kependudukan/loket"),
    ("demo-operator", "kotak-masuk-kependudukan", f"/{DEMO}/kependudukan/kotak-masuk"),
    ("demo-operator", "cari-penduduk", f"/{DEMO}/kependudukan/penduduk"),
    ("demo-operator", "impor-penduduk", f"/{DEMO}/kependudukan/impor"),
    ("demo-operator", "templat-jawaban", f"/{DEMO}/templat/perizinan"),
    ("demo-operator", "antrian-hari-ini", f"/{DEMO}/kesehatan/antrian-hari-ini"),
    ("demo-operator", "kotak-masuk-laporan", f"/{DEMO}/pekerjaan_umum/kotak-masuk"),
    ("demo-operator", "kinerja-opd", f"/{DEMO}/pekerjaan_umum/kinerja"),
    ("demo-operator", "kotak-masuk-sewa", f"/{DEMO}/pekerjaan_umum/sewa"),
    ("demo-operator", "papan-peringatan", f"/{DEMO}/trantibumlinmas/semua"),
    ("demo-admin", "admin-layanan", f"/{DEMO}/admin"),
    ("demo-admin", "admin-opd", f"/{DEMO}/admin/opd"),
    ("demo-admin", "admin-staf", f"/{DEMO}/admin/staf"),
    ("demo-pusat", "pusat-daerah", "/pusat"),
]


def _an_application(api: httpx.Client) -> dict[str, str]:
    """demo-warga's application, submitted, so the tracking page has a timeline to show."""
    headers = token(api, "demo-warga")
    base = f"/api/perizinan/v1/{DEMO}"
    jenis = api.get(f"{base}/jenis-izin").json()["items"]
    plain = next(j for j in jenis if j["nama"].startswith("Izin Usaha Perdagangan Eceran"))
    created = api.post(
        f"{base}/permohonan",
        json={
            "jenis_izin_id": plain["id"],
            "nama_usaha": "Toko Timbang",
            "alamat_usaha": "Jl. Ukur No. 5",
            "kode_wilayah": "63.08.05.1001",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    for jenis_dokumen in plain["dokumen_wajib"]:
        uploaded = api.post(
            f"{base}/permohonan/{pid}/dokumen",
            data={"jenis": jenis_dokumen},
            files={"berkas": ("d.pdf", b"%PDF-1.4\n", "application/pdf")},
            headers=headers,
        )
        assert uploaded.status_code == 201, uploaded.text
    assert api.post(f"{base}/permohonan/{pid}/ajukan", headers=headers).status_code == 200
    return {"nomor": created.json()["nomor"], "permohonan": pid}


def _visit(person: Halaman, name: str, path: str, lines: list[str], *, budget: bool) -> list[str]:
    weight = person.first_load(path)
    person.shot(name)
    lines.append(
        f"{name:20} {path:60} {weight.text / 1024:6.1f} KB teks  {weight.total / 1024:6.1f} KB semua"
    )
    found = [f"{name}: {v}" for v in person.axe_serious()]
    if budget:
        assert weight.text <= BUDGET_TEXT, f"{name}: {weight.text} bita HTML+CSS+JS > {BUDGET_TEXT}"
        assert weight.total <= BUDGET_ALL, f"{name}: {weight.total} bita > {BUDGET_ALL}"
    return found


def test_every_page_within_budget_and_without_serious_accessibility_problems(tab, api: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    ids = _an_application(api)
    lines: list[str] = []
    violations: list[str] = []
    # Each page as a first load: a new browser, nothing cached, the service worker not yet installed.
    public: Halaman = tab("publik", service_worker=False)
    for name, path in PUBLIC:
        violations += _visit(public, name, path.format(**ids), lines, budget=True)
    citizen: Halaman = tab("warga", service_worker=False)
    citizen.login("demo-warga")
    for name, path in CITIZEN:
        violations += _visit(citizen, name, path.format(**ids), lines, budget=True)
    staff: dict[str, Halaman] = {}
    for username, name, path in STAFF:
        if username not in staff:
            staff[username] = tab(username, service_worker=False)
            staff[username].login(username)
        violations += _visit(staff[username], name, path.format(**ids), lines, budget=False)
    # Once per phone, on the first visit: the service worker and the pages it keeps for offline use.
    install = 0
    for path in ("/sw.js", "/luring", "/luring?draf=1"):
        with api.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
            response.read()
            install += response.num_bytes_downloaded
    lines.append(
        f"{'pekerja-layanan':20} {'/sw.js + salinan luring (sekali per ponsel)':60} {install / 1024:6.1f} KB"
    )
    report = Path("test-output/berat-halaman.txt")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert violations == []
    assert SCREENSHOTS.exists()


def test_signing_in_works_by_keyboard_alone(tab) -> None:  # type: ignore[no-untyped-def]
    person: Halaman = tab("keyboard")
    person.goto("/masuk")
    page = person.page
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "username":
            break
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type("demo-warga")
    page.keyboard.press("Tab")
    page.keyboard.type("pujaindah-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("text=Keluar").count() == 1
