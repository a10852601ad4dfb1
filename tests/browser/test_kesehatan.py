"""A queue number at a puskesmas, in the browser through Traefik: the operator adds a poli with today's
schedule, a new citizen finds it in the directory, books, sees their place; the operator calls and
serves them, and marks a second booking absent by keyboard alone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page

from .browser_helpers import DEMO, Halaman, new_resident, sign_up_and_prove

FASILITAS = "Puskesmas Amuntai Selatan"
POLI = "Poli Lansia"
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def focused_text(page: Page) -> str:
    text: str = page.evaluate("() => (document.activeElement && document.activeElement.textContent) || ''")
    return " ".join(text.split())


def tab_to(page: Page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused control reads `name` (a person moving through the page by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page) == name:
            return
    raise AssertionError(f"{name!r} tidak terjangkau dengan Tab")


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def check(person: Halaman, name: str) -> None:
    person.shot(name)
    assert person.axe_serious() == [], name


def test_citizen_books_a_queue_number_operator_calls_serves_and_marks_absent(tab, api: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    resident = new_resident(api, nama="Rahmawati", nama_ibu="Salmah")
    operator: Halaman = tab("operator")
    warga: Halaman = tab("warga")
    publik: Halaman = tab("publik")
    page, staff = warga.page, operator.page
    today = datetime.now(ZoneInfo("Asia/Makassar")).date()

    # The operator adds a poli with a schedule on today's weekday (so the journey runs on any day).
    operator.login("demo-operator")
    operator.goto(f"/{DEMO}")
    staff.get_by_role("link", name="Antrian hari ini").click()
    assert "Poli Umum" in operator.text()
    staff.get_by_role("link", name=f"Poli dan jadwal {FASILITAS}").click()
    staff.fill("#poli-nama", POLI)
    staff.fill("#poli-kode", "L")
    staff.get_by_role("button", name="Tambah poli").click()
    assert "Poli ditambahkan" in operator.text()
    section = staff.locator("section", has=staff.get_by_role("heading", name=POLI, exact=True))
    section.get_by_text(f"Tambah jadwal {POLI}").click()
    section.get_by_label("Hari", exact=True).select_option(str(today.weekday()))
    section.get_by_label("Tenaga kesehatan").fill("dr. Siti Rahmah")
    section.get_by_label("Kuota antrian daring per hari").fill("20")
    section.get_by_role("button", name=f"Simpan jadwal {POLI}").click()
    assert "Jadwal praktik ditambahkan" in operator.text()
    assert HARI[today.weekday()] in section.inner_text()

    # A new citizen signs up and proves the NIK with the family card's data.
    sign_up_and_prove(warga, resident, "rahasia-rahma-1")

    # The directory: facilities with their poli, weekly schedules and today's queues.
    warga.goto(f"/{DEMO}")
    page.get_by_role("link", name="Fasilitas kesehatan dan antrian").click()
    text = warga.text()
    assert FASILITAS in text and "Klinik Pratama Amuntai Sehat" in text
    assert "Poli Gigi Senin–Kamis, Sabtu 08.00–12.00; Jumat 08.00–11.00" in text, "a poli's week in short"
    page.fill("#q", "Amuntai Selatan")
    page.get_by_role("button", name="Cari").click()
    text = warga.text()
    assert FASILITAS in text and "Puskesmas Babirik" not in text
    assert f"{POLI} {HARI[today.weekday()]} 08.00–12.00" in text
    assert "belum ada yang dipanggil · 0 menunggu" in text
    check(warga, "direktori")

    # The facility's page: each poli's schedule and, for a citizen, the days it can be booked.
    page.get_by_role("link", name=FASILITAS, exact=True).click()
    assert "drg. Muhammad Rizani" in warga.text()
    booking = page.locator("section", has=page.get_by_role("heading", name=POLI, exact=True))
    chosen = booking.get_by_label(f"Hari berobat di {POLI}")
    assert "(hari ini)" in chosen.locator("option:checked").inner_text()
    check(warga, "ambil-antrian")
    booking.get_by_role("button", name=f"Ambil nomor antrian {POLI}").click()

    # My bookings: the number, nobody ahead, nobody called yet.
    assert "Nomor antrian Anda sudah diambil" in warga.text()
    nomor = page.locator(".kode-besar").first.inner_text().strip()
    assert re.fullmatch(r"L-\d{3}", nomor), nomor
    text = warga.text()
    assert "Tidak ada, Anda berikutnya" in text and "Belum ada yang dipanggil" in text
    check(warga, "antrian-saya")
    warga.goto(f"/{DEMO}/saya")
    assert nomor in warga.text() and "Menunggu giliran" in warga.text()

    # The operator opens the poli's queue and calls the citizen's number.
    operator.goto(f"/{DEMO}/kesehatan/antrian-hari-ini")
    staff.get_by_role("link", name=f"{POLI} {FASILITAS}").click()
    queue_url = staff.url.removeprefix(operator.base_url)
    text = operator.text()
    assert nomor in text and resident["nama"] in text and resident["nik"] not in text
    check(operator, "antrian-poli")
    staff.get_by_role("button", name=f"Panggil {nomor}").click()
    assert "Pasien dipanggil" in operator.text()

    # The citizen's page shows being called; anyone sees the number called, not the person.
    warga.goto(f"/{DEMO}/kesehatan/antrian-saya")
    assert "Nomor Anda sedang dipanggil" in warga.text()
    warga.shot("dipanggil")
    publik.goto(f"/{DEMO}/kesehatan?q=Amuntai+Selatan")
    text = publik.text()
    assert f"dipanggil {nomor}" in text and resident["nama"] not in text

    # Served: the booking moves to the citizen's history.
    staff.get_by_role("button", name=f"Layani {nomor}").click()
    assert "Pasien ditandai sudah dilayani" in operator.text()
    page.reload()
    assert f"{nomor} · {POLI}" in warga.text() and "Sudah dilayani" in warga.text()

    # Another booking today (a follow-up visit), and one next week that the citizen cancels.
    page.goto(warga.base_url + f"/{DEMO}/kesehatan")
    page.get_by_role("link", name=FASILITAS, exact=True).click()
    booking.get_by_role("button", name=f"Ambil nomor antrian {POLI}").click()
    kedua = page.locator(".kode-besar").first.inner_text().strip()
    assert kedua != nomor
    page.goto(warga.base_url + f"/{DEMO}")
    page.get_by_role("link", name="Fasilitas kesehatan dan antrian").click()
    page.get_by_role("link", name=FASILITAS, exact=True).click()
    booking.get_by_label(f"Hari berobat di {POLI}").select_option(index=1)
    booking.get_by_role("button", name=f"Ambil nomor antrian {POLI}").click()
    assert page.locator(".kode-besar").count() == 2
    assert page.locator("li.kartu", has_text="(hari ini)").count() == 1
    later = page.locator("li.kartu").filter(has_not_text="(hari ini)")
    later_number = later.locator(".kode-besar").inner_text().strip()
    later.get_by_role("button", name=f"Batalkan antrian {later_number}").click()
    assert "Antrian dibatalkan" in warga.text()
    assert page.locator(".kode-besar").count() == 1

    # By keyboard alone, the operator calls the second number and marks it absent.
    operator.goto(queue_url)
    tab_to(staff, f"Panggil {kedua}")
    press_enter_and_wait(staff)
    assert "Pasien dipanggil" in operator.text()
    tab_to(staff, f"Tidak hadir {kedua}")
    press_enter_and_wait(staff)
    assert "Pasien ditandai tidak hadir" in operator.text()
    row = staff.locator("li.kartu", has=staff.get_by_role("heading", name=re.compile(kedua)))
    assert "Tidak hadir" in row.inner_text()
    warga.goto(f"/{DEMO}/kesehatan/antrian-saya")
    assert f"{kedua} · {POLI}" in warga.text() and "Tidak hadir" in warga.text()

    # The operator removes the schedule again; the bookings made stay.
    operator.goto(f"/{DEMO}/kesehatan/antrian-hari-ini")
    staff.get_by_role("link", name=f"Poli dan jadwal {FASILITAS}").click()
    schedule = staff.locator("section", has=staff.get_by_role("heading", name=POLI, exact=True))
    schedule.get_by_text("Jadwal per hari dan hapus jadwal").click()
    schedule.get_by_role("button", name=f"Hapus jadwal {POLI} {HARI[today.weekday()]} 08.00").click()
    assert "Jadwal praktik dihapus" in operator.text()
    assert "Belum ada jadwal praktik" in schedule.inner_text()
