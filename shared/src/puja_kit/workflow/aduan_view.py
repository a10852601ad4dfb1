"""What each viewer may see of a report, and photos without their location.

Anonymity (SP4N-LAPOR!): a report is hidden from the public unless the reporter chose otherwise
(`anonim_publik`, on by default), and may be hidden from the OPD that handles it too (`anonim_opd`):
then only the verifiers see who reported. The reporter's account id, NIK and contacts are never in
the public view, whatever the flags. The location is public only when the reporter shared it
(`lokasi_dibagikan`); staff always see it, they have to go there.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from puja_kit.workflow.aduan_models import AduanBase, AduanRiwayatBase
from puja_kit.workflow.machine import ADUAN
from puja_kit.workflow.schemas import TimelineEntry

# publik: anyone (tracking page, public map); pelapor: the reporter; opd: an operator of the OPD the
# report is disposed to; verifikator: the region's verifiers (the layanan's operators, admin daerah).
Penampil = Literal["publik", "pelapor", "opd", "verifikator"]

GPS_IFD = 0x8825


class Pelapor(BaseModel):
    """Who reported, as far as a viewer may know: `id` only for staff allowed to see the reporter."""

    id: UUID | None
    nama: str | None


class AduanView(BaseModel):
    nomor: str
    kategori: str
    status: str
    status_label: str
    isi: str
    lat: float | None
    lon: float | None
    opd_nama: str | None
    dialihkan_ke: str | None
    sla_jatuh_tempo: date | None
    diterima_at: datetime
    dijawab_at: datetime | None
    ditutup_at: datetime | None
    rating: int | None
    digabung: bool
    # None: the reporter is hidden from this viewer.
    pelapor: Pelapor | None
    timeline: list[TimelineEntry] = []


def reporter_visible(obj: AduanBase, viewer: Penampil) -> bool:
    """Whether `viewer` may know who reported `obj`."""
    if viewer in ("verifikator", "pelapor"):
        return True
    if viewer == "opd":
        return not obj.anonim_opd
    return not (obj.anonim_publik or obj.anonim_opd)


def aduan_view(
    obj: AduanBase,
    viewer: Penampil,
    *,
    pelapor_nama: str | None = None,
    riwayat: Sequence[AduanRiwayatBase] = (),
) -> AduanView:
    """The report as `viewer` sees it. `pelapor_nama` is the reporter's name the service holds; the
    public may see that name (never the account id) when the reporter is not anonymous to it."""
    shown = reporter_visible(obj, viewer)
    staff = viewer in ("opd", "verifikator")
    location = staff or viewer == "pelapor" or obj.lokasi_dibagikan
    pelapor = None
    if shown:
        pelapor = Pelapor(id=obj.pelapor_id if viewer != "publik" else None, nama=pelapor_nama)
    return AduanView(
        nomor=obj.nomor,
        kategori=obj.kategori,
        status=obj.status,
        status_label=ADUAN.states.get(obj.status, obj.status),
        isi=obj.isi,
        lat=obj.lat if location else None,
        lon=obj.lon if location else None,
        opd_nama=obj.opd_nama,
        dialihkan_ke=obj.dialihkan_ke,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        diterima_at=obj.diterima_at,
        dijawab_at=obj.dijawab_at,
        ditutup_at=obj.ditutup_at,
        rating=obj.rating,
        digabung=obj.mengikuti_id is not None,
        pelapor=pelapor,
        # Statuses and times only: notes may name people.
        timeline=[TimelineEntry(status=h.ke, label=h.label, waktu=h.waktu) for h in riwayat],
    )


def strip_location(data: bytes, *, keep_location: bool) -> bytes:
    """A photo's bytes without its GPS metadata (EXIF GPS IFD, and XMP, which may repeat it), unless
    the reporter chose to share the location. A JPEG keeps its quantisation (`quality="keep"`), so it
    is not visibly recompressed; PNG and others are written again in their own format. Bytes that are
    not an image Pillow reads are returned unchanged (the upload check refuses them before)."""
    if keep_location:
        return data
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError):
        return data
    exif = image.getexif()
    had_gps = GPS_IFD in exif
    xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if not had_gps and not xmp:
        return data
    exif.pop(GPS_IFD, None)
    out = io.BytesIO()
    fmt = image.format or "JPEG"
    options: dict[str, object] = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        options["quality"] = "keep"
        icc = image.info.get("icc_profile")
        if icc:
            options["icc_profile"] = icc
    image.save(out, format=fmt, **options)
    return out.getvalue()
