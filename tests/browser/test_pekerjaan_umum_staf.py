"""Pekerjaan umum's records kept by the region's staff in the browser, through Traefik.

The layanan's operator adds a road to the inventory (first without the kecamatan it runs through: the
service's message beside the field, what was typed kept), edits it and links a damage report to it;
adds a project on that road, starts it and records its progress, sees the refusal when a lower
percentage comes without the correction note, then records it as a correction. The region's admin adds a machine, renames it and
sets the daily tariff of its kind; a new citizen's booking of it is charged that tariff. The citizen
sees none of the staff's forms.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from portal.tampilan import rupiah

from .browser_helpers import DEMO, Halaman, new_resident, sign_up_and_prove

BASE = f"/{DEMO}/pekerjaan_umum"


def today_wita() -> datetime:
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Makassar"))


def check(person: Halaman, name: str) -> None:
    assert person.axe_serious() == [], name
    person.shot(name)


def test_staff_keep_assets_projects_machines_and_tariffs(tab, api: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    run = uuid.uuid4().hex[:6].upper()
    operator: Halaman = tab("operator")
    operator.login("demo-operator")
    page = operator.page

    # A road: first without its kecamatan, refused beside the field with what was typed kept.
    operator.goto(f"{BASE}/aset")
    assert "Tambah aset" in operator.text()
    page.select_option("#baru-jenis", "ruas_jalan")
    page.fill("#baru-nama", f"Jalan Uji {run}")
    page.fill("#baru-nomor-ruas", f"U{run}")
    page.fill("#baru-panjang", "3,5")
    page.select_option("#baru-tipe", label="Aspal")
    page.get_by_role("button", name="Simpan aset").click()
    form = page.locator("form", has=page.get_by_role("button", name="Simpan aset"))
    assert "wajib diisi" in form.inner_text(), operator.text()[:1500]
    assert "Sebutkan kecamatan" in operator.text()
    assert page.input_value("#baru-nama") == f"Jalan Uji {run}" and page.input_value("#baru-panjang") == "3,5"
    check(operator, "aset-baru-galat")
    form.get_by_label("Amuntai Tengah").check()
    page.get_by_role("button", name="Simpan aset").click()
    text = operator.text()
    assert "Aset tercatat di inventaris" in text and f"Ruas U{run} · Jalan Uji {run}" in text, text[:1500]
    assert "Belum disurvei" in text
    aset_url = page.url.split("?")[0]

    # Edited: a new name and length.
    page.fill("#ubah-nama", f"Jalan Uji {run} Baru")
    page.fill("#ubah-panjang", "4.25")
    page.get_by_role("button", name="Simpan perubahan").click()
    text = operator.text()
    assert "Data aset tersimpan" in text and f"Jalan Uji {run} Baru" in text and "4,25 km" in text, text[
        :1500
    ]
    assert page.input_value("#ubah-panjang") == "4.25"
    check(operator, "aset-diubah")

    # A damage report (of the demo's) linked to the road.
    chosen = page.locator("#laporan-id option").first.inner_text()
    nomor = chosen.split(" · ")[0]
    page.get_by_role("button", name="Kaitkan laporan").click()
    linked = page.locator("ul", has_text=nomor).first.inner_text()
    assert "Laporan kerusakan dikaitkan" in operator.text() and nomor in linked, operator.text()[:1500]

    # A project on that road: added, started, its progress recorded.
    start = today_wita().date() - timedelta(days=10)
    operator.goto(f"{BASE}/proyek")
    page.fill("#baru-nama", f"Peningkatan Jalan Uji {run}")
    page.fill("#baru-anggaran", "1.250.000.000")
    page.fill("#baru-kontraktor", "CV Uji Peramban")
    page.fill("#baru-mulai", start.isoformat())
    page.fill("#baru-selesai", (start + timedelta(days=120)).isoformat())
    page.select_option("#baru-aset", label=f"Ruas U{run} · Jalan Uji {run} Baru (Ruas jalan)")
    check(operator, "proyek-baru")
    page.get_by_role("button", name="Simpan proyek").click()
    text = operator.text()
    assert "Proyek tercatat" in text and "Rencana" in text and rupiah(1_250_000_000) in text, text[:1500]
    assert f"Jalan Uji {run} Baru" in text
    proyek_url = page.url.split("?")[0]
    assert "Catat kemajuan" not in text
    page.select_option("#status-baru", "BERJALAN")
    page.get_by_role("button", name="Simpan status").click()
    assert "Status proyek tersimpan" in operator.text() and "Berjalan" in operator.text()
    page.fill("#progres-fisik", "40")
    page.fill("#progres-keuangan", "30")
    page.get_by_role("button", name="Simpan laporan kemajuan").click()
    text = operator.text()
    assert "Laporan kemajuan tercatat" in text and "Fisik 40% · keuangan 30%" in text, text[:1500]

    # Lower without the correction note: refused, shown beside the box, the figures kept; then as a
    # correction with its note.
    page.fill("#progres-fisik", "35")
    page.fill("#progres-keuangan", "30")
    page.get_by_role("button", name="Simpan laporan kemajuan").click()
    text = operator.text()
    assert "Persentase lebih rendah dari laporan sebelumnya" in text and "persentase turun" in text, text[
        :1500
    ]
    assert page.input_value("#progres-fisik") == "35"
    check(operator, "progres-turun-galat")
    page.get_by_label("Koreksi ke bawah laporan sebelumnya").check()
    page.fill("#progres-catatan", "Pengukuran ulang: timbunan belum dipadatkan.")
    page.get_by_role("button", name="Simpan laporan kemajuan").click()
    text = operator.text()
    assert "Laporan kemajuan tercatat" in text and "Fisik 35%" in text, text[:1500]
    assert "Koreksi: Pengukuran ulang" in text
    check(operator, "proyek-progres")

    # The region's admin: a machine added and renamed, and its kind's daily tariff set.
    tarif = 900_000 + int(run, 16) % 1000 * 1000
    admin: Halaman = tab("admin")
    admin.login("demo-admin")
    apage = admin.page
    admin.goto(f"{BASE}/alat")
    apage.fill("#baru-nama", f"Tandem Roller {run}")
    apage.select_option("#baru-jenis", "tandem_roller")
    apage.fill("#baru-nomor", f"UJI-{run}")
    apage.get_by_role("button", name="Simpan alat").click()
    assert "Alat berat tercatat" in admin.text(), admin.text()[:1500]
    found = re.search(r"#alat-([0-9a-f-]{36})$", apage.url)
    assert found, apage.url
    alat_id = found.group(1)
    card = apage.locator(f"#alat-{alat_id}")
    card.get_by_text(f"Ubah Tandem Roller {run}").click()
    card.get_by_label("Nama alat").fill(f"Tandem Roller {run} Dinas")
    card.get_by_role("button", name="Simpan perubahan").click()
    assert "Data alat tersimpan" in admin.text()
    assert apage.get_by_role("link", name=f"Tandem Roller {run} Dinas").count() == 1
    apage.select_option("#tarif-jenis", "tandem_roller")
    apage.fill("#tarif-harian", "abc")
    apage.get_by_role("button", name="Simpan tarif").click()
    assert apage.locator("#tarif-harian").input_value() == "abc"
    assert apage.locator("form", has=apage.locator("#tarif-harian")).locator(".galat").count() == 1
    apage.fill("#tarif-harian", f"{tarif:,}".replace(",", "."))
    apage.fill("#tarif-dasar", "Perda Kab. HSU tentang Retribusi Daerah")
    apage.get_by_role("button", name="Simpan tarif").click()
    text = admin.text()
    assert "Tarif sewa tersimpan" in text and f"Tandem roller: {rupiah(tarif)}" in text, text[:2000]
    check(admin, "alat-petugas")

    # A new citizen sees none of the staff's forms, and a booking of the machine costs that tariff.
    warga: Halaman = tab("warga")
    sign_up_and_prove(warga, new_resident(api, nama="Siti Aminah", nama_ibu="Rukayah"), "rahasia-aminah-1")
    wpage = warga.page
    warga.goto(f"{BASE}/aset")
    assert "Tambah aset" not in warga.text() and wpage.locator("main form[method=post]").count() == 0
    wpage.goto(aset_url)
    assert "Ubah data aset" not in warga.text() and "Catat hasil survei" not in warga.text()
    wpage.goto(proyek_url)
    assert "Catat kemajuan" not in warga.text() and "Ubah status proyek" not in warga.text()
    assert "Koreksi: Pengukuran ulang" in warga.text()
    warga.goto(f"{BASE}/proyek")
    assert "Tambah proyek" not in warga.text()
    warga.goto(f"{BASE}/alat")
    text = warga.text()
    assert "Tambah alat berat" not in text and "Tetapkan tarif" not in text and "Ubah " not in text
    check(warga, "alat-warga")
    wpage.get_by_role("link", name=f"Tandem Roller {run} Dinas").click()
    day = today_wita().date() + timedelta(days=30)
    wpage.fill("#mulai", day.isoformat())
    wpage.fill("#selesai", (day + timedelta(days=1)).isoformat())
    wpage.fill("#keperluan", "Pemadatan jalan lingkungan desa.")
    wpage.fill("#lokasi", "Desa Palampitan, Amuntai Tengah")
    wpage.get_by_role("button", name="Ajukan pemesanan").click()
    text = warga.text()
    assert "Pemesanan diajukan" in text and "2 hari" in text and rupiah(2 * tarif) in text, text[:1500]
