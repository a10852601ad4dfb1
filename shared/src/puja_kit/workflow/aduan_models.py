"""Columns every report (aduan) table shares, its history rows, and the indexes its lists read.

A service's table: `class Aduan(AduanBase, Base, table=True)` with `__tablename__`, its own domain
fields and `__table_args__ = (UniqueConstraint("tenant_id", "nomor"), *aduan_indexes("aduan"))`;
its history `class AduanRiwayat(AduanRiwayatBase, Base, table=True)` with the foreign key on `aduan_id`.
Both are TenantModel tables, so row-level security applies to them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import Select
from sqlmodel import Field, col

from puja_kit.db import IdModel, TenantModel, TimestampedModel, timestamp_column, utcnow
from puja_kit.workflow.models import Urutan


class AduanBase(IdModel, TenantModel, TimestampedModel):
    """Mixin: a report. Its status only moves through `puja_kit.workflow.aduan.apply_aduan`."""

    nomor: str = Field(index=True, max_length=20)
    status: str = Field(index=True, max_length=30)
    kategori: str = Field(max_length=60)
    isi: str = Field(sa_type=Text)
    pelapor_id: UUID = Field(index=True)
    lat: float | None = None
    lon: float | None = None
    # The reporter chose to share where they were: the location is public, photos keep their GPS.
    lokasi_dibagikan: bool = False
    # Hidden from the public (the default), and also from the OPD: only the verifiers see who reported.
    anonim_publik: bool = True
    anonim_opd: bool = False
    # The OPD of the region the report is disposed to; `dialihkan_ke` names an authority outside the
    # region (a province, a ministry) when the report is not the region's to handle.
    opd_id: UUID | None = Field(default=None, index=True)
    opd_nama: str | None = Field(default=None, max_length=200)
    dialihkan_ke: str | None = Field(default=None, max_length=200)
    # The running SLA clock (verification, then the OPD's follow-up); None while no one's clock runs.
    sla_jatuh_tempo: date | None = None
    sla_tahap: str | None = Field(default=None, max_length=20)
    # Whether the OPD followed up within its SLA (set when it does; per-OPD performance reads it).
    tepat_waktu: bool | None = None
    diterima_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    dijawab_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # When an answered report closes by itself if its reporter does not respond.
    tutup_otomatis_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    ditutup_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # How many times the report was answered; the rating belongs to answer `dinilai_jawaban_ke`.
    jawaban_ke: int = 0
    rating: int | None = None
    dinilai_jawaban_ke: int | None = None
    # A duplicate merged into another report: its reporter follows that one's updates.
    mengikuti_id: UUID | None = Field(default=None, index=True)


class LaporanBase(AduanBase):
    """Mixin: a citizen's report as the report layanan take it (`puja_kit.workflow.laporan`): the
    kit's report, where the reporter says it is, the answers to its category's questions, and whether
    the region put it on its public map and list."""

    # What the reporter wrote to find the place again ("depan SDN 2 Sungai Malang"); optional.
    alamat: str | None = Field(default=None, max_length=300)
    # The reporter's name as their account holds it: shown only where `aduan_view` allows.
    pelapor_nama: str | None = Field(default=None, max_length=200)
    # The category's own questions and their answers (Open311's attributes): {"kedalaman": "20"}.
    atribut: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    # The region chose to show this report on its public map and list (without the reporter).
    diterbitkan: bool = False


class LaporanFotoBase(IdModel, TenantModel):
    """Mixin: a report's photo, stored without its GPS metadata unless the reporter shared the location;
    the service adds `laporan_id` with its foreign key."""

    storage_key: str = Field(max_length=300)
    content_type: str = Field(max_length=60)
    ukuran: int
    sha256: str = Field(max_length=64)
    diunggah_at: datetime = timestamp_column()


class AturanKategoriBase(IdModel, TenantModel, TimestampedModel):
    """Mixin: a region's own SLA for one report category (working days to verify, for the OPD to follow
    up) and the working days after closing in which a reporter may still reopen; the service's table
    adds `UniqueConstraint("tenant_id", "kategori")`."""

    kategori: str = Field(max_length=60)
    sla_verifikasi: int = 3
    sla_tindak_lanjut: int = 5
    buka_kembali_hari: int = 10


def aduan_indexes(table: str) -> tuple[Index, ...]:
    """For a report table's `__table_args__`: the staff inbox (`aduan_in_order`), an OPD's inbox, the
    newest-first list, the nearby-duplicates box (`possible_duplicates`) and the auto-close sweep."""
    running = text("sla_jatuh_tempo IS NOT NULL")
    return (
        Index(
            f"ix_{table}_daerah_sla_berjalan", "tenant_id", "sla_jatuh_tempo", "id", postgresql_where=running
        ),
        Index(f"ix_{table}_daerah_status_sla", "tenant_id", "status", "sla_jatuh_tempo", "id"),
        Index(
            f"ix_{table}_daerah_opd_sla",
            "tenant_id",
            "opd_id",
            "sla_jatuh_tempo",
            "id",
            postgresql_where=running,
        ),
        Index(f"ix_{table}_daerah_id", "tenant_id", "id"),
        Index(f"ix_{table}_daerah_lokasi", "tenant_id", "kategori", "lat", "lon"),
        Index(
            f"ix_{table}_tutup_otomatis",
            "tutup_otomatis_at",
            postgresql_where=text("status = 'SELESAI'"),
        ),
    )


def laporan_indexes(table: str) -> tuple[Index, ...]:
    """`aduan_indexes` and the region's public list of the reports it published, newest first."""
    return (
        *aduan_indexes(table),
        Index(f"ix_{table}_daerah_terbit", "tenant_id", "id", postgresql_where=text("diterbitkan")),
    )


def aduan_in_order(
    stmt: Select[Any],
    model: type[AduanBase],
    urut: Urutan,
    *,
    status: str | None = None,
    opd_id: UUID | None = None,
) -> Select[Any]:
    """A staff list of reports in `urut`, as a keyset statement (puja_kit.repository); `opd_id` for an
    OPD's own inbox. "sla": the nearest due date first, only reports whose clock runs (no clock, no one's
    work); "terbaru": the newest first by id. Both are index-backed by `aduan_indexes`."""
    if status:
        stmt = stmt.where(col(model.status) == status)
    if opd_id is not None:
        stmt = stmt.where(col(model.opd_id) == opd_id)
    if urut == "sla":
        stmt = stmt.where(col(model.sla_jatuh_tempo).is_not(None))
        return stmt.order_by(col(model.sla_jatuh_tempo), col(model.id))
    return stmt.order_by(col(model.id).desc())


class AduanRiwayatBase(IdModel, TenantModel):
    """Mixin: one row per step of a report (transitions, ratings, merges), with the OPD it was with
    before and after, so a re-routed report keeps its whole history; the service adds the foreign key."""

    aduan_id: UUID = Field(index=True)
    dari: str | None = Field(default=None, max_length=30)
    ke: str = Field(max_length=30)
    aksi: str = Field(max_length=40)
    label: str = Field(max_length=160)
    actor_id: UUID | None = None
    actor_role: str = Field(max_length=20)
    catatan: str | None = Field(default=None, sa_type=Text)
    opd_dari_id: UUID | None = None
    opd_dari_nama: str | None = Field(default=None, max_length=200)
    opd_ke_id: UUID | None = None
    opd_ke_nama: str | None = Field(default=None, max_length=200)
    waktu: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
