"""Kependudukan in the browser through Traefik: a citizen's move request and an operator's population import.

A fresh citizen signs up, proves the NIK with family-card data, asks to move (PINDAH) to a new address in
the region with the scans the region asks for; the operator finds it in the inbox (nearest due date
first), asks for a correction with a saved template; the citizen re-uploads and resubmits; the operator
approves with the SIAK document number; the citizen sees the approved status, the timeline and the new
address on their family card. The operator searches residents and imports a CSV with one bad row, and
the self-refreshing progress page finishes with that row rejected and its reason.
"""

from __future__ import annotations

import csv
import io
import time

import httpx

from .browser_helpers import DEMO, Halaman, new_resident, sign_up_and_prove

PDF = b"%PDF-1.4\n% pindaian dokumen uji\n"


def _import_csv() -> tuple[str, str]:
    """One good row (a NIK no test used) and one with a family card number that is too short."""
    serial = int(time.time() * 1000) % 10_000
    good = f"6308051503{85}{serial:04d}"
    fields = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "alamat", "rt", "rw"]
    rows = [
        [
            good,
            f"630805020{serial:07d}",
            "Ahmad Impor",
            "Amuntai",
            "1985-03-15",
            "L",
            "Jl. Impor No. 2",
            "002",
            "001",
        ],
        [
            f"6308051604{85}{serial:04d}",
            "12345",
            "Baris Keliru",
            "Amuntai",
            "1985-04-16",
            "L",
            "Jl. Impor",
            "",
            "",
        ],
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*fields, "kode_wilayah"])
    for row in rows:
        writer.writerow([*row, "63.08.05.1001"])
    return out.getvalue(), good


def test_citizen_moves_with_a_correction_and_operator_imports_with_a_rejected_row(
    tab, api: httpx.Client, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    resident = new_resident(api, nama="Halimah Pindah", nama_ibu="Jamilah")
    warga: Halaman = tab("kdk-warga")
    operator: Halaman = tab("kdk-operator")
    page = warga.page

    # Sign up and prove the NIK with the family card's data (Cara 1).
    sign_up_and_prove(warga, resident, "rahasia-halimah-1", start=f"/{DEMO}")

    # The family card as the region records it.
    warga.goto(f"/{DEMO}")
    page.get_by_role("link", name="Kartu Keluarga saya").click()
    assert resident["no_kk"] in warga.text() and "Jl. Uji Peramban No. 1" in warga.text()
    assert warga.axe_serious() == []
    warga.shot("kk-sebelum")

    # Ask to move within the region: the kinds of request, then the form with the desa picker.
    warga.goto(f"/{DEMO}")
    page.get_by_role("link", name="Ajukan layanan kependudukan").click()
    assert "KTP, KK" in warga.text()
    assert warga.axe_serious() == []
    warga.shot("pilih-layanan")
    page.get_by_role("link", name="Pindah alamat").click()
    page.fill("#alamat", "Jl. Basuki Rahmat No. 3")
    page.fill("#rt", "003")
    page.fill("#rw", "001")
    page.select_option("#kode_wilayah", "63.08.04.2001")
    assert page.locator("input[name=idempotency_key]").get_attribute("value")
    assert warga.axe_serious() == []
    warga.shot("ajukan-pindah")
    page.get_by_role("button", name="Buat permohonan").click()
    assert "Draf permohonan dibuat" in warga.text()
    assert "Belum diunggah: KTP, KK" in warga.text()
    application_url = page.url.split("?")[0]
    document = tmp_path / "pindaian.pdf"
    document.write_bytes(PDF)
    for jenis in ("KTP", "KK"):
        page.select_option("#jenis", jenis)
        page.set_input_files("#berkas", str(document))
        page.get_by_role("button", name="Unggah").click()
        assert "Dokumen terunggah" in warga.text()
    page.get_by_role("button", name="Ajukan permohonan").click()
    text = warga.text()
    assert "Diajukan" in text and "Panyiuran, Kecamatan Amuntai Selatan" in text
    assert "Batas waktu" in text and "mulai berjalan" not in text
    nomor = page.locator("h1").inner_text().removeprefix("Permohonan ").strip()
    assert warga.axe_serious() == []
    warga.shot("permohonan-diajukan")

    # It is on the citizen's own list.
    warga.goto(f"/{DEMO}/saya")
    assert nomor in warga.text() and "Kependudukan" in warga.text()

    # The operator's inbox, nearest due date first; the request, its documents; ask for a correction.
    operator.login("demo-operator")
    operator.goto(f"/{DEMO}")
    operator.page.get_by_role("link", name="Kotak masuk kependudukan").click()
    assert nomor in operator.text() and "Halimah Pindah" in operator.text()
    assert operator.axe_serious() == []
    operator.shot("kotak-masuk")
    operator.page.get_by_role("link", name=nomor).click()
    assert operator.page.get_by_role("link", name="KTP", exact=True).count() == 1
    assert operator.page.get_by_role("link", name="KK", exact=True).count() == 1
    assert operator.axe_serious() == []
    operator.shot("permohonan-petugas")
    operator.page.get_by_role("button", name="Mulai verifikasi").click()
    operator.page.select_option("select[name=templat]", index=1)
    operator.page.get_by_role("button", name="Minta perbaikan").click()
    assert "Perlu perbaikan" in operator.text()

    # The citizen reads the note, re-uploads the KTP and resubmits.
    warga.goto(f"/{DEMO}/saya")
    assert "Perlu perbaikan" in warga.text()
    page.get_by_role("link", name="Pindah alamat").click()
    text = warga.text()
    assert "Petugas meminta perbaikan" in text and "Pindaian KTP belum terbaca jelas" in text
    assert warga.axe_serious() == []
    warga.shot("perlu-perbaikan")
    page.select_option("#jenis", "KTP")
    page.set_input_files("#berkas", str(document))
    page.get_by_role("button", name="Unggah").click()
    page.get_by_role("button", name="Kirim perbaikan").click()
    assert "Diajukan" in warga.text()

    # The operator approves with the document number from SIAK.
    operator.page.reload()
    operator.page.fill("#nomor_dokumen", "SKPWNI/6308/2026/0042")
    operator.page.get_by_role("button", name="Setujui").click()
    assert "Permohonan disetujui" in operator.text()

    # The citizen sees the approval, the timeline and the new address on the family card.
    page.goto(application_url)
    text = warga.text()
    assert "Selesai" in text and "SKPWNI/6308/2026/0042" in text
    timeline = page.locator("ol.linimasa").inner_text()
    for step in (
        "Permohonan diajukan",
        "Petugas meminta perbaikan",
        "Perbaikan dikirim",
        "Permohonan selesai",
    ):
        assert step in timeline, timeline
    assert page.get_by_role("button").filter(has_text="Batalkan").count() == 0
    assert warga.axe_serious() == []
    warga.shot("permohonan-selesai")
    warga.goto(f"/{DEMO}/kependudukan/kk")
    assert "Jl. Basuki Rahmat No. 3" in warga.text()

    # The resident search finds her by name, at her new address.
    operator.goto(f"/{DEMO}/kependudukan/penduduk")
    operator.page.fill("#q", "Halimah Pindah")
    operator.page.get_by_role("button", name="Cari").click()
    text = operator.text()
    assert resident["nik"] in text and "Jl. Basuki Rahmat No. 3" in text
    assert operator.axe_serious() == []
    operator.shot("cari-penduduk")

    # Import a CSV with one bad row; the progress page refreshes itself until the import finishes.
    content, good_nik = _import_csv()
    upload = tmp_path / "penduduk.csv"
    upload.write_text(content)
    operator.goto(f"/{DEMO}/kependudukan/impor")
    assert operator.axe_serious() == []
    operator.shot("impor")
    operator.page.set_input_files("#berkas", str(upload))
    operator.page.get_by_role("button", name="Mulai impor").click()
    assert operator.page.locator("progress").count() == 1
    operator.page.get_by_role("heading", name="Baris yang ditolak").wait_for(timeout=30_000)
    operator.page.wait_for_load_state("networkidle")
    text = operator.text()
    assert "Selesai" in text
    figures = dict(
        zip(
            operator.page.locator("dl dt").all_inner_texts(),
            operator.page.locator("dl dd").all_inner_texts(),
            strict=True,
        )
    )
    assert figures["Berhasil"] == "1" and figures["Ditolak"] == "1", figures
    assert figures["Diproses"].startswith("2"), figures
    progress = operator.page.locator("progress")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "2"
    rows = operator.page.locator("table tbody tr").all_inner_texts()
    assert len(rows) == 1 and "No. KK harus 16 angka" in rows[0] and rows[0].startswith("3"), rows
    assert operator.axe_serious() == []
    operator.shot("impor-selesai")
    operator.goto(f"/{DEMO}/kependudukan/penduduk?q={good_nik}")
    assert "Ahmad Impor" in operator.text()
