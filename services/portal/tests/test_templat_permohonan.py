"""The inbox and application pages of perizinan and kependudukan share one template of macros
(templates/_permohonan.html); each page keeps only what is its own."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from portal.tampilan import TEMPLATES

FOLDER = Path(TEMPLATES.env.loader.searchpath[0])  # type: ignore[union-attr]
PAGES = [
    f"{layanan}/{page}.html"
    for layanan in ("perizinan", "kependudukan")
    for page in ("kotak_masuk", "permohonan")
]
# Markup that lives only in the shared template.
SHARED = (
    "Batas waktu terdekat lebih dulu",
    "Untuk yang dipilih",
    "Kelola templat jawaban",
    "Belum ada dokumen.",
    "Unggah dokumen",
    "<h2>Riwayat</h2>",
    "Kembali ke daftar",
)
DAERAH = SimpleNamespace(slug="kab-uji", zona_waktu="WITA", nama="Kabupaten Uji", kode="63.08")
STATES = {"DRAF": "Draf", "DIAJUKAN": "Diajukan", "DIPROSES": "Sedang diproses"}


def render(name: str, **context: Any) -> str:
    """The page's own content (its `isi` block), without the layout around it."""
    template = TEMPLATES.env.get_template(name)
    ctx = {"daerah": DAERAH, "pengunjung": SimpleNamespace(csrf="CSRF-UJI"), **context}
    return "".join(template.blocks["isi"](template.new_context(ctx)))


@pytest.mark.parametrize("name", PAGES)
def test_each_page_takes_the_shared_parts_from_the_macros(name: str) -> None:
    source = (FOLDER / name).read_text(encoding="utf-8")
    assert '{% import "_permohonan.html" as permohonan with context' in source
    assert [text for text in SHARED if text in source] == []
    shared = (FOLDER / "_permohonan.html").read_text(encoding="utf-8")
    assert all(text in shared for text in SHARED)


def inbox(name: str, **context: Any) -> str:
    item = {
        "id": "a1",
        "nomor": "P-001",
        "status": "DIAJUKAN",
        "status_label": "Menunggu",
        "terlambat": True,
        "sla_jatuh_tempo": "2026-12-10",
        "nama_usaha": "Toko Amanah",
        "pemohon_nama": "Siti",
        "jenis_izin": {"nama": "Izin Usaha Mikro"},
        "jenis": "PINDAH",
        "subjek_nik": "6308051708900001",
    }
    hasil = {"items": [item], "next_cursor": "k/1"}
    bulk = {"proses": "Proses"}
    return render(name, hasil=hasil, states=STATES, bulk=bulk, pesan=None, **context)


def test_the_inboxes_keep_their_own_columns_filters_and_links() -> None:
    izin = inbox("perizinan/kotak_masuk.html", status="DIAJUKAN")
    assert 'action="/kab-uji/perizinan/kotak-masuk"' in izin
    assert '<th scope="col">Usaha / pemohon</th>' in izin and '<td data-label="Usaha">Toko Amanah' in izin
    assert '<a href="/kab-uji/perizinan/permohonan/a1">P-001</a>' in izin
    assert ">Menunggu</span>" in izin  # the API's label
    assert '<input type="hidden" name="csrf" value="CSRF-UJI">' in izin
    assert "kotak-masuk?status=DIAJUKAN&amp;cursor=k/1" in izin
    assert "saring-jenis" not in izin

    duduk = inbox(
        "kependudukan/kotak_masuk.html", status="", jenis="PINDAH", semua_jenis={"PINDAH": "Pindah datang"}
    )
    assert 'action="/kab-uji/kependudukan/kotak-masuk"' in duduk
    assert '<select id="saring-jenis" name="jenis">' in duduk
    assert '<td data-label="Layanan">Pindah datang<br>' in duduk
    assert ">Diajukan</span>" in duduk  # the page's own state names
    assert "kotak-masuk?status=&amp;jenis=PINDAH&amp;cursor=k/1" in duduk
    assert "Loket verifikasi NIK" in duduk


def application(name: str, **context: Any) -> str:
    p = {
        "id": "p1",
        "nomor": "P-001",
        "status": "DIPROSES",
        "status_label": "Diproses",
        "terlambat": False,
        "riwayat": [],
        "dokumen": [],
        "dokumen_kurang": [],
        "sla_jatuh_tempo": None,
        "biaya": 0,
        "izin": None,
        "subjek_nik": "6308051708900001",
        "data": {},
        "diajukan_at": None,
    }
    aksi = [
        SimpleNamespace(
            jalur=jalur, label=jalur.title(), bahaya=jalur == "tolak", catatan_wajib=jalur == "tolak"
        )
        for jalur in ("terbitkan", "setujui", "tolak")
    ]
    return render(
        name,
        p=p,
        aksi=aksi,
        petugas=True,
        unggah=False,
        templat=["Dokumen kurang jelas"],
        masalah=None,
        **context,
    )


def test_the_application_pages_keep_their_own_action_fields() -> None:
    izin = application("perizinan/permohonan.html", jenis_dokumen=[])
    assert 'action="/kab-uji/perizinan/permohonan/p1/aksi/terbitkan"' in izin
    assert 'name="idempotency_key" value="p1-terbit"' in izin
    assert 'href="/kab-uji/templat/perizinan"' in izin and 'id="catatan-tolak"' in izin
    assert "nomor_dokumen" not in izin
    assert '<a href="/kab-uji/perizinan/kotak-masuk">Kembali ke daftar</a>' in izin

    duduk = application(
        "kependudukan/permohonan.html",
        label="Pindah datang",
        dokumen=[],
        kurang=[],
        jenis_dokumen=["Surat pindah"],
        perbaikan=None,
        nama_wilayah=None,
    )
    assert 'action="/kab-uji/kependudukan/permohonan/p1/aksi/setujui"' in duduk
    assert '<input id="nomor_dokumen" name="nomor_dokumen"' in duduk
    assert 'href="/kab-uji/templat/kependudukan"' in duduk and "idempotency_key" not in duduk
    assert "<li>Belum diajukan.</li>" in duduk
    assert duduk.count('<input type="hidden" name="csrf" value="CSRF-UJI">') == 3
