"""Pages from Jinja2 templates, with Indonesian dates (in the region's zone) and rupiah from babel."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
LOCALE = "id_ID"
ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def _parse(value: Any) -> datetime | date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime | date):
        return value
    text = str(value)
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None


def tanggal(value: Any, zona: str = "WIB", *, jam: bool = True) -> str:
    """`3 Desember 2026, 14.05 WITA` in the region's own zone, or `3 Desember 2026` for a date."""
    moment = _parse(value)
    if moment is None:
        return "-"
    if isinstance(moment, datetime):
        if not jam:
            return format_date(
                moment.astimezone(ZoneInfo(ZONES.get(zona, "Asia/Jakarta"))), "d MMMM y", locale=LOCALE
            )
        local = format_datetime(
            moment, "d MMMM y, HH.mm", tzinfo=ZoneInfo(ZONES.get(zona, "Asia/Jakarta")), locale=LOCALE
        )
        return f"{local} {zona}"
    return format_date(moment, "d MMMM y", locale=LOCALE)


def rupiah(value: Any) -> str:
    """`Rp150.000` as people write it; `Gratis` for nothing to pay."""
    amount = int(value or 0)
    if amount == 0:
        return "Gratis"
    return format_currency(amount, "IDR", format="¤#,##0", currency_digits=False, locale=LOCALE)


def angka(value: Any) -> str:
    return format_decimal(int(value or 0), locale=LOCALE)


def desimal(value: Any) -> str:
    """A measure as Indonesians write it: a decimal comma, at most two decimals (`9,4`, `37,25`, `12`)."""
    return format_decimal(float(value or 0), format="#,##0.##", locale=LOCALE)


def ukuran(value: Any) -> str:
    """A file's size as people read it: `820 bita`, `14 KB`, `2,4 MB`."""
    size = int(value or 0)
    if size < 1024:
        return f"{size} bita"
    if size < 1024 * 1024:
        return f"{format_decimal(round(size / 1024), locale=LOCALE)} KB"
    return f"{format_decimal(round(size / 1024 / 1024, 1), locale=LOCALE)} MB"


STATUS_LABEL = {
    "DRAF": "Draf",
    "DIAJUKAN": "Diajukan",
    "DIVERIFIKASI": "Diverifikasi",
    "PERLU_PERBAIKAN": "Perlu perbaikan",
    "DIPROSES": "Diproses",
    "DITERBITKAN": "Diterbitkan",
    "DISETUJUI": "Disetujui",
    "SELESAI": "Selesai",
    "DITOLAK": "Ditolak",
    "DIBATALKAN": "Dibatalkan",
    "MENUNGGU": "Menunggu",
    "DIPANGGIL": "Dipanggil",
    "DILAYANI": "Dilayani",
    "TIDAK_HADIR": "Tidak hadir",
    "BATAL": "Batal",
}


def status_label(value: Any) -> str:
    text = str(value or "")
    return STATUS_LABEL.get(text, text.replace("_", " ").capitalize())


TEMPLATES.env.filters.update(
    tanggal=tanggal, rupiah=rupiah, angka=angka, desimal=desimal, ukuran=ukuran, status=status_label
)


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` with the visitor (`pengunjung`) and the given context."""
    visitor = getattr(request.state, "pengunjung", None)
    return TEMPLATES.TemplateResponse(
        request, template, {"pengunjung": visitor, **context}, status_code=status_code
    )
