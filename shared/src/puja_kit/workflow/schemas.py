from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from puja_kit.text import Teks


class TimelineEntry(BaseModel):
    status: str
    label: str
    waktu: datetime


class TrackingView(BaseModel):
    """The public tracking page (e-Tracking): status and timeline, no personal data."""

    nomor: str
    layanan: str
    status: str
    status_label: str
    diajukan_at: datetime | None
    sla_jatuh_tempo: date | None
    terlambat: bool
    timeline: list[TimelineEntry]


class RiwayatRead(BaseModel):
    """History as the applicant and the operators see it (with notes and actor roles), read from a row."""

    model_config = ConfigDict(from_attributes=True)

    dari: str | None
    ke: str
    aksi: str
    label: str
    actor_role: str
    catatan: str | None
    waktu: datetime


class DokumenRead(BaseModel):
    """An uploaded document as the applicant and the staff see it; a replaced one has `diganti_at`."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    jenis: str
    nama_berkas: str | None
    content_type: str
    ukuran: int
    diunggah_at: datetime
    diganti_at: datetime | None


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catatan: Annotated[str, Teks(max_length=2000)] | None = None
