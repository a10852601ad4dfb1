"""Road damage reported in the browser through Traefik: a new citizen reports a pothole with a photo; a
second report of it nearby is offered to the operator as a possible duplicate and merged; the first is
disposed to the wrong OPD, re-routed ("bukan kewenangan OPD") keeping its history, followed up and
answered; the citizen reopens it, it is answered again, rated and accepted; the public tracks it by
number without the reporter."""

from __future__ import annotations

import io
import re
import time

import httpx
from PIL import Image

from .browser_helpers import DEMO, Halaman, new_resident, sign_up_and_prove

PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang (PUPR)"
DISHUB = "Dinas Perhubungan (Dishub)"


def check(person: Halaman, name: str) -> None:
    person.shot(name)
    assert person.axe_serious() == [], name


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (320, 240), (120, 110, 100))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (2.0, 25.0, 48.0), 3: "E", 4: (115.0, 15.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=80)
    return out.getvalue()


def report(
    person: Halaman,
    *,
    isi: str,
    lat: str,
    lon: str,
    alamat: str,
    photo: bytes | None = None,
    hidden_from_opd: bool = False,
) -> str:
    """Fill the report form from the region's home; returns the report's number."""
    page = person.page
    person.goto(f"/{DEMO}")
    page.get_by_role("link", name="Laporkan kerusakan").click()
    page.get_by_label("Jenis kerusakan").select_option("jalan_rusak")
    # The category's own question (Open311's attribute), answered on the same form.
    page.get_by_label("Bentuk kerusakan").select_option("lubang")
    page.fill("#uraian", isi)
    page.fill("#alamat", alamat)
    page.fill("#lat", lat)
    page.fill("#lon", lon)
    if hidden_from_opd:
        page.get_by_label("Rahasiakan nama saya juga dari OPD").check()
    if photo is not None:
        page.set_input_files(
            "#berkas", files=[{"name": "lubang.jpg", "mimeType": "image/jpeg", "buffer": photo}]
        )
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_load_state("networkidle")
    assert "Laporan terkirim" in person.text(), person.text()[:1000]
    found = re.search(r"Laporan kerusakan (PU-[A-Z0-9]{4}-[A-Z0-9]{4})", person.text())
    assert found, person.text()[:500]
    return found.group(1)


def act(
    person: Halaman, button: str, *, note: tuple[str, str] | None = None, opd: tuple[str, str] | None = None
) -> None:
    page = person.page
    if opd is not None:
        page.locator(opd[0]).select_option(label=opd[1])
    if note is not None:
        page.fill(note[0], note[1])
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")
    assert "Tindakan tersimpan" in person.text(), person.text()[:1500]


def test_road_damage_is_reported_merged_rerouted_answered_reopened_rated_and_closed(
    tab, api: httpx.Client
) -> None:  # type: ignore[no-untyped-def]
    resident = new_resident(api, nama="Nur Aisyah", nama_ibu="Jamilah")
    warga: Halaman = tab("warga")
    tetangga: Halaman = tab("tetangga")
    operator: Halaman = tab("operator")
    publik: Halaman = tab("publik")
    page, staff = warga.page, operator.page
    # A place of its own for this run, so reports of earlier runs are not its neighbours.
    lat = -2.40 - (int(time.time()) % 997) / 10_000

    # A new citizen signs up and proves the NIK with the family card's data.
    sign_up_and_prove(warga, resident, "rahasia-aisyah-1")

    # The region's home says when each layanan's data last changed, pekerjaan umum's too (its API
    # prefix is not its name).
    publik.goto(f"/{DEMO}")
    card = publik.page.locator("main li.kartu", has=publik.page.get_by_role("heading", name="Pekerjaan Umum"))
    assert "Data diperbarui" in card.inner_text(), card.inner_text()

    # The report form, then the report with its photo.
    warga.goto(f"/{DEMO}/pekerjaan_umum/lapor")
    check(warga, "lapor")
    nomor = report(
        warga,
        isi="Jalan berlubang besar dan dalam, motor sering jatuh saat malam.",
        lat=f"{lat:.5f}",
        lon="115.25000",
        alamat="Jl. Negara, depan SDN 2 Sungai Malang",
        photo=photo_with_gps(),
    )
    text = warga.text()
    assert "Diterima" in text and "Foto 1" in text and "Laporan diterima" in text
    check(warga, "laporan-diterima")

    # A neighbour reports the same pothole some 15 m away.
    tetangga.login("demo-warga")
    kedua = report(
        tetangga,
        isi="Ada lubang di jalan depan sekolah, berbahaya untuk anak-anak.",
        lat=f"{lat - 0.0001:.5f}",
        lon="115.25010",
        alamat="Depan SDN 2 Sungai Malang",
    )

    # The operator's inbox, nearest due date first; the second report offers the first as a duplicate.
    operator.login("demo-operator")
    operator.goto(f"/{DEMO}")
    staff.get_by_role("link", name="Kotak masuk laporan kerusakan").click()
    assert nomor in operator.text() and kedua in operator.text()
    check(operator, "kotak-masuk")
    staff.get_by_role("link", name=kedua).click()
    duplicates = staff.locator("section", has=staff.get_by_role("heading", name="Mungkin laporan yang sama"))
    assert nomor in duplicates.inner_text()
    check(operator, "laporan-duplikat")
    duplicates.get_by_role("button", name=f"Gabungkan ke {nomor}").click()
    staff.wait_for_load_state("networkidle")
    assert "Laporan digabung" in operator.text() and "Diarsipkan" in operator.text()

    # The first report: verified, disposed to the wrong OPD, re-routed with a reason, answered.
    operator.goto(f"/{DEMO}/pekerjaan_umum/kotak-masuk")
    staff.get_by_role("link", name=nomor).click()
    assert resident["nama"] in operator.text(), "the verifier sees who reported"
    assert staff.get_by_role("link", name="Foto 1").count() == 1
    act(operator, "Verifikasi laporan")
    act(operator, "Disposisikan ke OPD", opd=("#opd-disposisi", DISHUB))
    act(
        operator,
        "Bukan kewenangan OPD: alihkan",
        opd=("#opd-alihkan", PUPR),
        note=("#catatan-alihkan", "Ruas jalan kabupaten, kewenangan Dinas PUPR."),
    )
    text = operator.text()
    assert "dari Dinas Perhubungan ke Dinas Pekerjaan Umum dan Penataan Ruang" in text
    assert "Bukan kewenangan OPD, dialihkan ke OPD lain" in text
    act(
        operator, "Catat tindak lanjut OPD", note=("#catatan-tindak-lanjut", "Tim UPT jalan turun ke lokasi.")
    )
    act(operator, "Kirim jawaban OPD", note=("#catatan-jawab", "Lubang sudah ditambal dengan aspal."))
    check(operator, "laporan-dijawab")

    # The citizen sees the answer among their items, reopens it: the hole is back.
    warga.goto(f"/{DEMO}/saya")
    assert nomor in warga.text() and "Selesai dijawab" in warga.text()
    page.get_by_role("link", name=re.compile("Jalan rusak")).first.click()
    assert "Lubang sudah ditambal dengan aspal." in warga.text()
    check(warga, "laporan-dijawab")
    page.fill("#catatan-buka-kembali", "Tambalan terkelupas lagi setelah hujan deras.")
    page.get_by_role("button", name="Buka kembali laporan").click()
    page.wait_for_load_state("networkidle")
    assert "Didisposisikan ke OPD" in warga.text()

    # Answered again by the same OPD.
    operator.goto(f"/{DEMO}/pekerjaan_umum/kotak-masuk")
    staff.get_by_role("link", name=nomor).click()
    assert "Dibuka kembali pelapor" in operator.text()
    act(operator, "Catat tindak lanjut OPD", note=("#catatan-tindak-lanjut", "Ditambal ulang dengan hotmix."))
    act(operator, "Kirim jawaban OPD", note=("#catatan-jawab", "Sudah diaspal ulang dengan hotmix."))

    # The citizen rates the answer and accepts it: the report is closed.
    page.reload()
    assert "Sudah diaspal ulang dengan hotmix." in warga.text()
    page.get_by_label("Nilai jawaban").select_option("4")
    page.get_by_role("button", name="Kirim penilaian").click()
    page.wait_for_load_state("networkidle")
    assert "penilaian Anda tersimpan" in warga.text() and "4 dari 5" in warga.text()
    assert page.get_by_role("button", name="Kirim penilaian").count() == 0, "one rating per answer"
    page.get_by_role("button", name="Terima jawaban dan tutup laporan").click()
    page.wait_for_load_state("networkidle")
    assert "Ditutup" in warga.text()
    check(warga, "laporan-ditutup")

    # Anyone tracks it by number: statuses and times, not who reported it nor the notes.
    publik.goto(f"/{DEMO}/pekerjaan_umum/lacak")
    publik.page.fill("#nomor", nomor)
    publik.page.get_by_role("button", name="Lacak").click()
    publik.page.wait_for_load_state("networkidle")
    text = publik.text()
    assert "Ditutup" in text and "Dibuka kembali pelapor" in text
    assert resident["nama"] not in text and "hotmix" not in text
    check(publik, "lacak")
    # The region's one tracking box finds it too, by the number's prefix.
    publik.goto(f"/{DEMO}/lacak?nomor={nomor}")
    text = publik.text()
    assert nomor in text and "Ditutup" in text and "Jalan rusak" in text and resident["nama"] not in text

    # The operator puts the report on the region's public list: shown without the reporter.
    operator.goto(f"/{DEMO}/pekerjaan_umum/kotak-masuk?urut=terbaru")
    staff.get_by_role("link", name=nomor).click()
    assert "Bentuk kerusakan" in operator.text() and "Berlubang" in operator.text()
    staff.get_by_role("button", name="Tampilkan di daftar publik").click()
    staff.wait_for_load_state("networkidle")
    assert "Ditampilkan di daftar publik" in operator.text()
    publik.goto(f"/{DEMO}/pekerjaan_umum/publik")
    text = publik.text()
    assert nomor in text and "Jalan berlubang" in text and resident["nama"] not in text
    check(publik, "laporan-publik")

    # The region's admin sees the OPDs' performance: PUPR answered, rated 4.
    operator.goto(f"/{DEMO}/pekerjaan_umum/kinerja")
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in operator.text() and "4.0 dari 5" in operator.text()
    check(operator, "kinerja-opd")


def test_an_opd_operator_answers_its_reports_without_seeing_a_hidden_reporter(tab, api: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    """The region's admin makes an operator for PUPR; a citizen reports asking to stay hidden from the
    OPD; the verifier disposes it to PUPR; PUPR's operator finds it, sees no reporter, and can only
    follow it up and answer."""
    stamp = int(time.time())
    admin: Halaman = tab("admin")
    admin.login("demo-admin")
    admin.goto(f"/{DEMO}/admin/staf")
    page = admin.page
    username = f"pupr.uji{stamp}"
    page.fill("#nama", "Andi PUPR")
    page.fill("#username", username)
    page.fill("#password", "sandi-pupr-uji")
    page.get_by_label("Pekerjaan Umum").check()
    page.get_by_label("Operator OPD").select_option(label="Dinas Pekerjaan Umum dan Penataan Ruang")
    page.get_by_role("button", name="Buat akun").click()
    row = page.locator("tr", has_text=username)
    assert "Operator OPD: Dinas Pekerjaan Umum dan Penataan Ruang" in row.inner_text()
    check(admin, "staf-opd")

    warga: Halaman = tab("warga")
    warga.login("demo-warga")
    lat = -2.30 - (stamp % 997) / 10_000
    nomor = report(
        warga,
        isi="Jembatan kayu di RT 4 lantainya patah.",
        lat=f"{lat:.5f}",
        lon="115.20000",
        alamat="RT 4",
        hidden_from_opd=True,
    )

    verifier: Halaman = tab("verifikator")
    verifier.login("demo-operator")
    verifier.goto(f"/{DEMO}/pekerjaan_umum/kotak-masuk?urut=terbaru")
    verifier.page.get_by_role("link", name=nomor).click()
    assert "Warga Demo" in verifier.text(), "the verifier sees who reported"
    act(verifier, "Verifikasi laporan")
    act(verifier, "Disposisikan ke OPD", opd=("#opd-disposisi", PUPR))

    opd: Halaman = tab("opd")
    opd.login(username, "sandi-pupr-uji")
    opd.goto(f"/{DEMO}/pekerjaan_umum/kotak-masuk")
    assert nomor in opd.text()
    assert opd.page.get_by_role("button", name="Jalankan").count() == 0, "bulk work is the verifiers'"
    opd.page.get_by_role("link", name=nomor).click()
    text = opd.text()
    assert "dirahasiakan dari OPD" in text and "Warga Demo" not in text
    for button in ("Verifikasi laporan", "Bukan kewenangan OPD: alihkan", "Tampilkan di daftar publik"):
        assert opd.page.get_by_role("button", name=button).count() == 0, button
    act(opd, "Catat tindak lanjut OPD", note=("#catatan-tindak-lanjut", "Tim bidang jembatan ke lokasi."))
    act(opd, "Kirim jawaban OPD", note=("#catatan-jawab", "Lantai jembatan sudah diganti papan ulin."))
    assert "Selesai dijawab" in opd.text()
    check(opd, "laporan-opd")
