"""Pekerjaan umum's inventory, projects and heavy-equipment rental in the browser, through Traefik.

The public reads the inventory with the km of road per condition, an asset's condition history and a
project's progress. Two citizens sign up and prove their NIK; the first books a machine for three days
and sees the fee, the second books overlapping days and is queued; the region's admin approves the
first from the inbox (the second waits first in the queue), records the retribusi paid, hands the
machine over and takes it back; the calendar shows the held days; the first citizen sees each state.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from portal.tampilan import rupiah

from .browser_helpers import DEMO, Halaman, new_resident, token

TARIF = 1_750_000
BASE = f"/{DEMO}/pekerjaan_umum"


def today_wita() -> datetime:
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Makassar"))


def sign_up_and_prove(warga: Halaman, operator: Halaman, resident: dict[str, str], password: str) -> None:
    """A new account for the resident, and the NIK proved with a counter code the operator types."""
    page = warga.page
    warga.goto("/daftar")
    page.fill("#nik", resident["nik"])
    page.fill("#nama", resident["nama"])
    page.fill("#phone", resident["telepon"])
    page.fill("#password", password)
    page.fill("#password2", password)
    page.click("main button[type=submit]")
    assert page.locator("text=Keluar").count() == 1
    warga.goto(f"/{DEMO}/kependudukan/verifikasi-nik")
    page.get_by_role("button", name="Dapatkan kode loket").click()
    code = page.locator(".kode-besar").inner_text().strip()
    operator.goto(f"/{DEMO}/kependudukan/loket")
    operator.page.fill("#nik", resident["nik"])
    operator.page.fill("#kode", code)
    operator.page.get_by_role("button", name="Verifikasi").click()
    assert "NIK warga terverifikasi" in operator.text()
    page.get_by_role("link", name="Sudah, periksa lagi").click()
    assert "sudah terbukti" in warga.text()


def book(warga: Halaman, alat_nama: str, mulai: str, selesai: str) -> None:
    page = warga.page
    warga.goto(f"{BASE}/alat")
    page.get_by_role("link", name=alat_nama).click()
    page.fill("#mulai", mulai)
    page.fill("#selesai", selesai)
    page.fill("#keperluan", "Normalisasi saluran desa sebelum musim hujan.")
    page.fill("#lokasi", "Desa Sungai Malang, Amuntai Tengah")
    page.get_by_role("button", name="Ajukan pemesanan").click()
    assert "Pemesanan diajukan" in warga.text(), warga.text()[:1500]


def test_public_inventory_and_a_machine_booked_queued_paid_used_and_returned(tab, api: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    # Setup where the browser has no page: the admin adds a machine of its own for this test.
    admin_api = token(api, "demo-admin")
    base_api = f"/api/pekerjaan-umum/v1/{DEMO}"
    assert (
        api.put(
            f"{base_api}/tarif-alat/excavator", json={"tarif_harian": TARIF}, headers=admin_api
        ).status_code
        == 200
    )
    alat_nama = f"Ekskavator Uji {uuid.uuid4().hex[:6].upper()}"
    created = api.post(
        f"{base_api}/alat",
        json={"nama": alat_nama, "jenis": "excavator", "nomor": f"UJI-{uuid.uuid4().hex[:8]}"},
        headers=admin_api,
    )
    assert created.status_code == 201, created.text
    alat_id = created.json()["id"]

    # The public: the inventory with the km per condition, an asset's history, projects.
    public: Halaman = tab("publik")
    public.goto(f"{BASE}/aset")
    text = public.text()
    assert "Kondisi jalan daerah" in text and "Panjang jalan tercatat" in text and "Rusak berat" in text
    assert public.axe_serious() == []
    public.shot("inventaris")
    public.page.get_by_role("link", name=re.compile("Ruas 001")).click()
    text = public.text()
    assert "Riwayat kondisi" in text and "Selesai pelapisan ulang" in text
    assert public.axe_serious() == []
    public.shot("aset")
    public.goto(f"{BASE}/proyek")
    public.page.get_by_role("link", name="Rehabilitasi Ruas Banjang - Telaga Silaba").click()
    text = public.text()
    assert "Laporan kemajuan" in text and "38%" in text and rupiah(3_275_000_000) in text
    assert public.axe_serious() == []
    public.shot("proyek")

    # Two citizens with proved NIKs.
    operator: Halaman = tab("operator")
    operator.login("demo-operator")
    pertama: Halaman = tab("warga1")
    kedua: Halaman = tab("warga2")
    sign_up_and_prove(
        pertama, operator, new_resident(api, nama="Rahmawati", nama_ibu="Salmah"), "rahasia-rahma-1"
    )
    sign_up_and_prove(
        kedua, operator, new_resident(api, nama="Halimah", nama_ibu="Jamilah"), "rahasia-halimah-1"
    )

    # The first books three days and sees the fee; the second books overlapping days and is queued.
    start = today_wita().date() + timedelta(days=20)
    days = [(start + timedelta(days=n)).isoformat() for n in range(4)]
    book(pertama, alat_nama, days[0], days[2])
    text = pertama.text()
    assert "Diajukan" in text and "3 hari" in text and rupiah(3 * TARIF) in text
    booking_url = pertama.page.url.split("?")[0]
    assert pertama.axe_serious() == []
    pertama.shot("pemesanan-diajukan")
    book(kedua, alat_nama, days[1], days[3])
    assert "Antrean ke-2" in kedua.text()
    kedua_url = kedua.page.url.split("?")[0]
    kedua.shot("pemesanan-antre")

    # The admin's inbox shows both, the second with its place in the queue; the first is approved.
    staff: Halaman = tab("petugas")
    staff.login("demo-admin")
    staff.goto(f"{BASE}/sewa")
    text = staff.text()
    assert "Rahmawati" in text and "Halimah" in text and "antrean ke-2" in text
    assert staff.axe_serious() == []
    staff.shot("kotak-masuk-sewa")
    staff.page.goto(booking_url)
    staff.page.get_by_role("button", name="Setujui pemesanan").click()
    assert "Tindakan tersimpan" in staff.text()
    pertama.page.goto(booking_url)
    assert "Disetujui, menunggu pembayaran" in pertama.text() and "Bayar retribusi" in pertama.text()
    kedua.page.goto(kedua_url)
    assert "Antrean ke-1" in kedua.text()

    # Approving the queued one is refused while the first holds its days.
    staff.page.goto(kedua_url)
    staff.page.get_by_role("button", name="Setujui pemesanan").click()
    assert "Jadwal alat bentrok" in staff.text()

    # Payment recorded, handed over: each state seen by the first citizen.
    staff.page.goto(booking_url)
    staff.page.fill("#referensi-bayar", "STS-2026-00042")
    staff.page.get_by_role("button", name="Catat pembayaran retribusi").click()
    pertama.page.goto(booking_url)
    assert "Retribusi dibayar" in pertama.text() and "STS-2026-00042" in pertama.text()
    staff.page.get_by_role("button", name="Serahkan alat").click()
    pertama.page.goto(booking_url)
    assert "Alat diserahkan, sedang dipakai" in pertama.text()

    # The calendar shows the three held days, and the queued booking's day after them.
    public.goto(f"{BASE}/alat/{alat_id}?bulan={days[0][:7]}")
    cells = {d: public.page.locator(f"td[data-tanggal='{d}']") for d in days if d[:7] == days[0][:7]}
    for d, cell in cells.items():
        assert ("terisi" in cell.inner_text()) == (d in days[:3]), (d, cell.inner_text())
    if days[3] in cells:
        assert "antre 1" in cells[days[3]].inner_text()
    assert public.axe_serious() == []
    public.shot("kalender-alat")

    staff.page.fill("#catatan-kembalikan", "Kondisi baik, bahan bakar penuh")
    staff.page.get_by_role("button", name="Catat alat dikembalikan").click()
    assert "Alat dikembalikan" in staff.text()
    assert staff.axe_serious() == []
    staff.shot("pemesanan-dikembalikan")

    # The first citizen: the whole history, and the booking among "my bookings".
    pertama.page.goto(booking_url)
    text = pertama.text()
    for label in ("Diajukan", "Disetujui", "Dibayar", "Dipakai", "Dikembalikan"):
        assert label in text, label
    pertama.shot("pemesanan-riwayat")
    pertama.goto(f"{BASE}/sewa/saya")
    assert alat_nama in pertama.text() and "Alat dikembalikan" in pertama.text()
    assert pertama.axe_serious() == []
    pertama.shot("pemesanan-saya")
