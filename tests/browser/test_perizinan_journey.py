"""A citizen's permit, from finding its type to checking the issued permit, in the browser through Traefik.

The citizen finds a permit type, signs up, proves the NIK with a counter code that an operator types at
the counter page, applies with a document, the operator asks for a correction, the citizen corrects it,
the operator issues the permit, and the citizen downloads its PDF and checks it at the public check page.
"""

from __future__ import annotations

import re

import httpx

from .browser_helpers import DEMO, Halaman, new_resident

PDF = b"%PDF-1.4\n% pindaian dokumen uji\n"


def test_citizen_applies_operator_corrects_and_issues_citizen_checks_the_permit(
    tab, api: httpx.Client, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    resident = new_resident(api, nama="Nur Aisyah", nama_ibu="Mariam")
    warga: Halaman = tab("warga")
    operator: Halaman = tab("operator")
    page = warga.page

    # Anyone: the region, its permit types with requirements, fee and SLA.
    warga.goto("/")
    page.get_by_role("link", name="Kabupaten Hulu Sungai Utara").click()
    page.get_by_role("link", name="Jenis izin dan persyaratannya").click()
    assert "Izin Usaha Perdagangan Eceran" in warga.text()
    assert "Dokumen yang diminta" in warga.text()
    warga.shot("jenis-izin")

    # Sign up; the portal signs the new account in.
    page.get_by_role("link", name="Daftar").first.click()
    page.fill("#nik", resident["nik"])
    page.fill("#nama", resident["nama"])
    page.fill("#phone", resident["telepon"])
    page.fill("#password", "rahasia-aisyah-1")
    page.fill("#password2", "rahasia-aisyah-1")
    page.click("main button[type=submit]")
    assert page.locator("text=Keluar").count() == 1

    # Prove the NIK at the counter: the citizen's code, typed by the operator on the counter page.
    warga.goto(f"/{DEMO}/kependudukan/verifikasi-nik")
    page.get_by_role("button", name="Dapatkan kode loket").click()
    code = page.locator(".kode-besar").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{4,20}", code), code
    warga.shot("kode-loket")
    operator.login("demo-operator")
    operator.goto(f"/{DEMO}/kependudukan/loket")
    operator.page.fill("#nik", resident["nik"])
    operator.page.fill("#kode", code)
    operator.page.get_by_role("button", name="Verifikasi").click()
    assert "NIK warga terverifikasi" in operator.text()
    page.get_by_role("link", name="Sudah, periksa lagi").click()
    assert "sudah terbukti" in warga.text()

    # Apply with a document.
    warga.goto(f"/{DEMO}/perizinan")
    page.get_by_role("link", name="Ajukan Izin Usaha Perdagangan Eceran (toko kelontong)").click()
    page.fill("#nama_usaha", "Toko Aisyah")
    page.fill("#alamat_usaha", "Jl. Uji Peramban No. 1, RT 001/RW 001")
    page.select_option("#kode_wilayah", "63.08.05.1001")
    page.get_by_role("button", name="Buat permohonan").click()
    assert "Draf permohonan dibuat" in warga.text()
    application_url = page.url.split("?")[0]
    document = tmp_path / "ktp.pdf"
    document.write_bytes(PDF)
    for jenis in ("KTP", "NIB", "Foto tempat usaha"):
        page.select_option("#jenis", jenis)
        page.set_input_files("#berkas", str(document))
        page.get_by_role("button", name="Unggah").click()
        assert "Dokumen terunggah" in warga.text()
    page.get_by_role("button", name="Permohonan diajukan").click()
    assert "Diajukan" in warga.text()
    nomor = page.locator("h1").inner_text().removeprefix("Permohonan ").strip()
    warga.shot("permohonan-diajukan")

    # The operator saves an answer of the region's own, then finds the application in the inbox,
    # verifies it and asks for a correction with that saved answer.
    saved = "Foto tempat usaha harus memperlihatkan papan nama dari depan."
    operator.goto(f"/{DEMO}/templat/perizinan")
    operator.page.fill("#templat-baru", saved)
    operator.page.get_by_role("button", name="Simpan templat").click()
    assert "Templat disimpan" in operator.text() and saved in operator.text()
    operator.goto(f"/{DEMO}/perizinan/kotak-masuk")
    operator.shot("kotak-masuk")
    operator.page.get_by_role("link", name=nomor).click()
    operator.page.get_by_role("button", name="Mulai verifikasi").click()
    operator.page.select_option("#templat-minta-perbaikan", label=saved)
    operator.page.get_by_role("button", name="Petugas meminta perbaikan").click()
    assert "Perlu perbaikan" in operator.text()

    # The citizen sees the request for correction and answers it.
    page.goto(application_url)
    assert "Perlu perbaikan" in warga.text()
    assert saved in warga.text(), "the saved answer reached the citizen"
    page.select_option("#jenis", "KTP")
    page.set_input_files("#berkas", str(document))
    page.get_by_role("button", name="Unggah").click()
    page.get_by_role("button", name="Perbaikan dikirim").click()
    assert "Diajukan" in warga.text()

    # The operator verifies again, processes and issues the permit.
    operator.page.reload()
    for button in ("Mulai verifikasi", "Berkas lengkap, proses", "Terbitkan izin"):
        operator.page.get_by_role("button", name=button).click()
    assert "Izin terbit" in operator.text()

    # The citizen downloads the PDF and checks the permit at the public check page.
    page.goto(application_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh izin (PDF)").click()
    pdf = download.value.path()
    assert pdf is not None and pdf.read_bytes()[:5] == b"%PDF-"
    warga.shot("izin-terbit")
    public = tab("publik")
    check_link = page.get_by_role("link", name="Periksa keaslian").get_attribute("href")
    assert check_link is not None
    public.goto(check_link)
    text = public.text()
    assert "Berlaku" in text and "Toko Aisyah" in text
    assert resident["nik"] not in text, "the public check shows no NIK"
    public.shot("periksa-izin")

    # Tracking by number shows the timeline and no personal data.
    public.goto(f"/{DEMO}/lacak?nomor={nomor}")
    text = public.text()
    assert "Selesai" in text and "Perbaikan dikirim" in text
    assert resident["nama"] not in text and resident["nik"] not in text
