"""The permit as a PDF (fpdf2), with a QR code (segno) that opens the public check."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date

import segno

from perizinan.schemas import TINGKAT_RISIKO_LABEL


@dataclass(frozen=True)
class IzinDokumen:
    daerah: str
    opd: str | None
    jenis_izin: str
    nomor_izin: str
    nama_usaha: str
    alamat_usaha: str
    pemegang: str
    nib: str | None
    kbli: str
    tingkat_risiko: str
    tanggal_terbit: date
    berlaku_sampai: date | None
    kode_verifikasi: str
    url_verifikasi: str
    dicabut: bool


_PUNCTUATION = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."})


def _text(value: str) -> str:
    """The PDF core fonts speak Latin-1: fold what they cannot show (curly quotes, accents) to ASCII."""
    value = value.translate(_PUNCTUATION)
    try:
        value.encode("latin-1")
        return value
    except UnicodeEncodeError:
        return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode() or "?"


# babel is not among this service's dependencies; twelve month names do not need it.
_BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def _tanggal(value: date) -> str:
    return f"{value.day} {_BULAN[value.month - 1]} {value.year}"


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def render(izin: IzinDokumen) -> bytes:
    from fpdf import FPDF  # a second to import: loaded when the first permit is printed

    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"{izin.jenis_izin} {izin.nomor_izin}"))
    pdf.set_author(_text(izin.daerah))
    pdf.set_creator("Puja Indah")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(width, 8, _text(f"PEMERINTAH {izin.daerah.upper()}"), align="C", new_x="LMARGIN", new_y="NEXT")
    if izin.opd:
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(width, 7, _text(izin.opd.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(8)

    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, _text(izin.jenis_izin.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(width, 7, _text(f"Nomor: {izin.nomor_izin}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    if izin.dicabut:
        pdf.set_text_color(200, 0, 0)
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(width, 9, "IZIN INI TELAH DICABUT", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(3)

    rows = [
        ("Nama usaha", izin.nama_usaha),
        ("Alamat usaha", izin.alamat_usaha),
        ("Pemegang izin", izin.pemegang),
        ("NIB", izin.nib or "-"),
        ("KBLI", izin.kbli),
        ("Tingkat risiko", TINGKAT_RISIKO_LABEL.get(izin.tingkat_risiko, izin.tingkat_risiko)),
        ("Tanggal terbit", _tanggal(izin.tanggal_terbit)),
        (
            "Berlaku sampai",
            _tanggal(izin.berlaku_sampai) if izin.berlaku_sampai else "Selama usaha masih berjalan",
        ),
    ]
    label_width = 45
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(label_width, 7, _text(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(width - label_width, 7, _text(f": {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)

    qr_size = 40
    top = pdf.get_y()
    pdf.image(_qr_png(izin.url_verifikasi), x=pdf.l_margin, y=top, w=qr_size, h=qr_size)
    pdf.set_xy(pdf.l_margin + qr_size + 5, top + 4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _text(f"Kode verifikasi: {izin.kode_verifikasi}"), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        width - qr_size - 5,
        5,
        _text(
            "Pindai kode QR atau buka alamat berikut untuk memeriksa keaslian dan masa berlaku izin ini: "
            f"{izin.url_verifikasi}"
        ),
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_y(top + qr_size + 6)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        width,
        4,
        "Dokumen ini diterbitkan secara elektronik melalui Puja Indah dan sah tanpa tanda tangan basah.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
