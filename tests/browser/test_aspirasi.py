"""Aspirasi DPRD in the browser through Traefik: anyone reads the DPRD page and the agenda of reses; a new
citizen sends an aspiration; the secretariat routes it to a commission, answers it, records it as a pokir
proposal and moves it step by step into the Renja; the citizen sees the answer and each pokir step; the
public list of the commission's answered aspirations shows it without the sender."""

from __future__ import annotations

import re
import time

import httpx

from .browser_helpers import DEMO, Halaman, new_resident, sign_up_and_prove

POKIR_STEPS = ("Diverifikasi Sekretariat DPRD", "Divalidasi Bappeda/OPD", "Dibahas TAPD", "Masuk Renja OPD")


def check(person: Halaman, name: str) -> None:
    person.shot(name)
    assert person.axe_serious() == [], name


def act(person: Halaman, button: str, *, note: tuple[str, str] | None = None) -> None:
    page = person.page
    if note is not None:
        page.fill(note[0], note[1])
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")
    assert "Tindakan tersimpan" in person.text(), person.text()[:1500]


def test_an_aspiration_is_routed_answered_and_followed_as_pokir_into_the_renja(
    tab, api: httpx.Client
) -> None:  # type: ignore[no-untyped-def]
    resident = new_resident(api, nama="Siti Mariam", nama_ibu="Halimah")
    publik: Halaman = tab("aspirasi-publik")
    warga: Halaman = tab("aspirasi-warga")
    operator: Halaman = tab("aspirasi-setwan")
    page, staff = warga.page, operator.page

    # Anyone: the DPRD's commissions, factions and members, then the upcoming reses.
    publik.goto(f"/{DEMO}")
    publik.page.get_by_role("link", name="DPRD: komisi, fraksi dan anggota").click()
    text = publik.text()
    assert "Komisi I" in text and "Komisi III" in text and "Fraksi Golongan Karya" in text
    assert (
        "H. Ahmad Fauzan" in text
        and "Dapil 1 (Amuntai Tengah, Banjang)" in text
        and "Data diperbarui" in text
    )
    check(publik, "dprd")
    publik.page.get_by_role("link", name="Agenda reses dan RDP").click()
    text = publik.text()
    assert "Reses masa sidang I: Desa Sungai Malang" in text and "Balai Desa Sungai Malang" in text
    assert "H. Ahmad Fauzan (F-Golkar)" in text and "WITA" in text
    check(publik, "agenda")

    # A new citizen signs up, proves the NIK and sends an aspiration (no map point needed).
    sign_up_and_prove(warga, resident, "rahasia-mariam-1")
    warga.goto(f"/{DEMO}/aspirasi")
    page.get_by_role("link", name="Sampaikan aspirasi").click()
    check(warga, "sampaikan")
    page.get_by_label("Bidang aspirasi").select_option("pembangunan")
    page.fill("#uraian", "Mohon jalan desa Sungai Malang RT 3 diaspal, rusak dan licin saat hujan.")
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_load_state("networkidle")
    found = re.search(r"(AS-[A-Z0-9]{4}-[A-Z0-9]{4})", warga.text())
    assert found and "terkirim" in warga.text(), warga.text()[:800]
    nomor = found.group(1)
    check(warga, "aspirasi-terkirim")

    # The secretariat: verify, route to Komisi III (suggested for the category), the commission answers.
    operator.login("demo-operator")
    operator.goto(f"/{DEMO}/aspirasi/kotak-masuk")
    assert nomor in operator.text()
    check(operator, "kotak-masuk")
    staff.get_by_role("link", name=nomor).click()
    assert resident["nama"] in operator.text(), "the secretariat sees who sent it"
    act(operator, "Verifikasi laporan")
    staff.locator("#opd-disposisi").select_option(label="Komisi III")
    act(operator, "Teruskan ke komisi")
    assert "Komisi III" in operator.text()
    act(operator, "Catat pembahasan komisi", note=("#catatan-tindak-lanjut", "Dibahas dengan Dinas PUPR."))
    act(
        operator, "Kirim jawaban komisi", note=("#catatan-jawab", "Jalan RT 3 diusulkan diaspal tahun depan.")
    )
    check(operator, "aspirasi-dijawab")

    # Taken up as pokir by a member of Komisi III, then step by step into the Renja.
    staff.get_by_role("button", name="Tampilkan di daftar publik").click()
    staff.wait_for_load_state("networkidle")
    staff.get_by_role("link", name="Usulkan sebagai pokir").click()
    staff.get_by_label("Anggota DPRD yang mengusulkan").select_option(label="Abdul Haris (F-PKB, Komisi III)")
    staff.fill("#catatan-usul", "Diusulkan dalam reses Dapil 4.")
    staff.get_by_role("button", name="Usulkan sebagai pokir").click()
    staff.wait_for_load_state("networkidle")
    assert "Usulan pokir tercatat" in operator.text()
    # Not accepted needs its reason: refused with the field's message, nothing recorded.
    staff.get_by_label("Tahap").select_option("TIDAK_DITERIMA")
    staff.get_by_role("button", name="Simpan tahap pokir").click()
    staff.wait_for_load_state("networkidle")
    assert "alasan pokir tidak diterima wajib diisi" in operator.text()
    for step in POKIR_STEPS:
        staff.get_by_label("Tahap").select_option(label=step)
        staff.fill("#catatan-tahap", f"Tahap: {step}.")
        staff.get_by_role("button", name="Simpan tahap pokir").click()
        staff.wait_for_load_state("networkidle")
        assert "Tahap pokir tersimpan" in operator.text(), operator.text()[:800]
    assert staff.get_by_role("button", name="Simpan tahap pokir").count() == 0, "the Renja ends it"
    check(operator, "pokir")

    # The citizen sees the answer and the pokir state among their items, and each step.
    warga.goto(f"/{DEMO}/saya")
    assert nomor in warga.text()
    page.get_by_role("link", name=re.compile("Jalan, jembatan dan sarana umum")).first.click()
    text = warga.text()
    assert "Jalan RT 3 diusulkan diaspal tahun depan." in text and "Masuk Renja OPD" in text
    check(warga, "aspirasi-pokir")
    page.get_by_role("link", name="Lihat tahapan pokir").click()
    text = warga.text()
    assert "Abdul Haris" in text and "Diusulkan dalam reses Dapil 4." in text
    assert all(step in text for step in POKIR_STEPS)
    check(warga, "pokir")
    # Each step also reached the citizen's notifications (akun hears the pokir events).
    for _ in range(40):
        warga.goto("/notifikasi")
        if "masuk Rencana Kerja OPD" in warga.text():
            break
        time.sleep(0.5)
    assert f"Aspirasi {nomor}: masuk Rencana Kerja OPD" in warga.text(), warga.text()[:800]
    assert f"Aspirasi {nomor}: Selesai dijawab" in warga.text()

    # The public: Komisi III's answered aspirations, and the pokir steps by number, without the sender.
    publik.goto(f"/{DEMO}/aspirasi/dprd")
    publik.page.get_by_role("link", name="Aspirasi yang dijawab Komisi III").click()
    text = publik.text()
    assert nomor in text and "Jalan RT 3 diusulkan diaspal tahun depan." in text and "Masuk Renja OPD" in text
    assert resident["nama"] not in text
    check(publik, "dijawab")
    publik.goto(f"/{DEMO}/aspirasi/pokir/{nomor}")
    text = publik.text()
    assert all(step in text for step in POKIR_STEPS)
    assert resident["nama"] not in text and "Operator" not in text and "Dapil 4" not in text
    check(publik, "pokir-publik")
