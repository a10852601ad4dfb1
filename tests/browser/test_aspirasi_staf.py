"""The DPRD secretariat's own pages in the browser: it adds a commission and a member, edits the member
(a wrong term is refused beside its field, what was typed kept), schedules a reses (a place outside the
region is refused the same way) and records that it was cancelled, with its reason; the public pages
show the changes; a citizen sees none of the forms."""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .browser_helpers import DEMO, Halaman


def check(person: Halaman, name: str) -> None:
    person.shot(name)
    assert person.axe_serious() == [], name


def submit(person: Halaman, button: str) -> str:
    person.page.get_by_role("button", name=button).click()
    person.page.wait_for_load_state("networkidle")
    return person.text()


def test_the_secretariat_keeps_the_dprd_and_its_agenda_and_a_citizen_sees_no_forms(tab) -> None:  # type: ignore[no-untyped-def]
    tanda = "".join(random.choices(string.ascii_uppercase, k=4))
    komisi, anggota = f"Komisi Khusus {tanda}", f"Drs. Bahrul Ilmi {tanda}"
    setwan: Halaman = tab("aspirasi-staf-setwan")
    publik: Halaman = tab("aspirasi-staf-publik")
    warga: Halaman = tab("aspirasi-staf-warga")
    page = setwan.page

    # The secretariat finds its page from the public DPRD page and adds a commission.
    setwan.login("demo-operator")
    setwan.goto(f"/{DEMO}/aspirasi/dprd")
    page.get_by_role("link", name="Kelola komisi, fraksi dan anggota").click()
    assert "Kelola DPRD" in setwan.text() and "Fraksi Golongan Karya" in setwan.text()
    check(setwan, "kelola")
    page.fill("#komisi-nama", komisi)
    page.fill("#komisi-bidang", "Pariwisata dan kebudayaan")
    page.fill("#komisi-mitra", "Dinas Pariwisata, Dinas Kebudayaan")
    text = submit(setwan, "Tambah komisi")
    assert "Komisi ditambahkan." in text and komisi in text, text[:1500]

    # A member of that commission.
    page.fill("#anggota-nama", anggota)
    page.locator("#anggota-fraksi_id").select_option(label="Fraksi PKB")
    page.locator("#anggota-komisi_id").select_option(label=komisi)
    page.fill("#anggota-dapil", "Dapil 3 (Babirik, Sungai Pandan)")
    page.fill("#anggota-periode_mulai", "2024-09-01")
    page.fill("#anggota-periode_selesai", "2029-09-01")
    text = submit(setwan, "Tambah anggota")
    assert "Anggota DPRD ditambahkan." in text and anggota in text, text[:1500]

    # Editing the member: a term that ends before it starts is refused beside its field, input kept.
    page.get_by_role("link", name=f"Ubah {anggota}", exact=True).click()
    assert page.locator("#anggota-nama").input_value() == anggota
    page.locator("#anggota-jabatan").select_option("KETUA")
    page.fill("#anggota-periode_selesai", "2020-01-01")
    text = submit(setwan, "Simpan perubahan")
    assert page.locator("#anggota-periode_selesai-galat").inner_text() == (
        "periode_selesai harus setelah periode_mulai"
    ), text[:1500]
    assert page.locator("#anggota-periode_selesai").get_attribute("aria-describedby") == (
        "anggota-periode_selesai-galat"
    )
    assert page.locator("#anggota-periode_selesai").input_value() == "2020-01-01"
    assert page.locator("#anggota-jabatan").input_value() == "KETUA"
    check(setwan, "anggota-galat")
    page.fill("#anggota-periode_selesai", "2029-09-01")
    page.fill("#anggota-dapil", "Dapil 4 (Amuntai Utara, Haur Gading)")
    text = submit(setwan, "Simpan perubahan")
    assert "Perubahan tersimpan." in text, text[:1500]
    assert f"F-PKB · {komisi} · Ketua · Dapil 4 (Amuntai Utara, Haur Gading)" in text

    # The public DPRD page shows the new commission with its chair.
    publik.goto(f"/{DEMO}/aspirasi/dprd")
    text = publik.text()
    assert komisi in text and "Pariwisata dan kebudayaan" in text and anggota in text
    assert publik.page.get_by_role("link", name="Kelola komisi, fraksi dan anggota").count() == 0

    # A reses: a place outside the region is refused beside its field, everything typed is kept.
    zona = ZoneInfo("Asia/Makassar")
    hari = (datetime.now(zona) + timedelta(days=2)).date().isoformat()
    judul = f"Reses {tanda}: Desa Banyu Hirang"
    setwan.goto(f"/{DEMO}/aspirasi/agenda")
    page.get_by_role("link", name="Tambah agenda").click()
    page.locator("#agenda-jenis").select_option("RESES")
    page.fill("#agenda-judul", judul)
    page.get_by_label(f"{anggota} (F-PKB)").check()
    page.fill("#agenda-tempat", "Balai Desa Banyu Hirang")
    page.fill("#agenda-kode_wilayah", "64.01.01")
    page.fill("#agenda-mulai", f"{hari}T09:00")
    page.fill("#agenda-selesai", f"{hari}T12:00")
    page.fill("#agenda-keterangan", "Menyerap aspirasi warga tentang wisata susur sungai.")
    submit(setwan, "Tambah agenda")
    assert page.locator("#agenda-kode_wilayah-galat").count() == 1, setwan.text()[:1500]
    assert page.locator("#agenda-judul").input_value() == judul
    assert page.get_by_label(f"{anggota} (F-PKB)").is_checked()
    assert page.locator("#agenda-mulai").input_value() == f"{hari}T09:00"
    check(setwan, "agenda-galat")
    page.fill("#agenda-kode_wilayah", "63.08.05")
    text = submit(setwan, "Tambah agenda")
    assert "Agenda ditambahkan." in text and judul in text, text[:1500]
    kartu = page.locator("li.kartu", has_text=judul)
    assert "09.00 WITA" in kartu.inner_text() and f"{anggota} (F-PKB)" in kartu.inner_text()
    check(setwan, "agenda")

    # Cancelling needs its reason: refused beside the note of this item, then recorded.
    kartu.get_by_text("Catat hasil agenda").click()
    kartu.get_by_label("Hasil agenda").select_option("DIBATALKAN")
    kartu.get_by_role("button", name=f"Simpan status {judul}").click()
    page.wait_for_load_state("networkidle")
    kartu = page.locator("li.kartu", has_text=judul)
    assert "alasan pembatalan wajib diisi" in kartu.inner_text(), setwan.text()[:1500]
    assert kartu.get_by_label("Hasil agenda").input_value() == "DIBATALKAN"
    kartu.get_by_label("Catatan").fill("Bertepatan dengan banjir; dijadwalkan ulang.")
    kartu.get_by_role("button", name=f"Simpan status {judul}").click()
    page.wait_for_load_state("networkidle")
    assert "Status agenda tersimpan." in setwan.text()
    kartu = page.locator("li.kartu", has_text=judul)
    assert "Dibatalkan" in kartu.inner_text()
    assert "Catatan: Bertepatan dengan banjir; dijadwalkan ulang." in kartu.inner_text()
    assert kartu.get_by_role("button").count() == 0, "a cancelled item has no status form"

    # The public agenda shows it cancelled, without any form.
    publik.goto(f"/{DEMO}/aspirasi/agenda")
    text = publik.text()
    assert judul in text and "Catatan: Bertepatan dengan banjir" in text
    assert publik.page.locator("main form").count() == 0
    check(publik, "agenda")

    # A citizen, signed in, sees no management link or form, and the staff page is refused.
    warga.login("demo-warga")
    warga.goto(f"/{DEMO}/aspirasi/dprd")
    assert warga.page.get_by_role("link", name="Kelola komisi, fraksi dan anggota").count() == 0
    warga.goto(f"/{DEMO}/aspirasi/agenda")
    assert judul in warga.text() and "Tambah agenda" not in warga.text()
    assert warga.page.locator("main form").count() == 0
    warga.goto(f"/{DEMO}/aspirasi/dprd/kelola")
    assert "Khusus Sekretariat DPRD" in warga.text()
    assert warga.page.locator("main form").count() == 0
    check(warga, "kelola-ditolak")

    # Finally the member leaves mid-term: switched off, gone from the public page, kept for the staff.
    setwan.goto(f"/{DEMO}/aspirasi/dprd/kelola")
    page.get_by_role("link", name=f"Ubah {anggota}", exact=True).click()
    text = submit(setwan, f"Nonaktifkan {anggota}")
    assert "Dinonaktifkan" in text and anggota in text
    assert "Nonaktif" in page.locator("li.kartu", has_text=anggota).inner_text()
    publik.goto(f"/{DEMO}/aspirasi/dprd")
    assert anggota not in publik.text() and komisi in publik.text()
