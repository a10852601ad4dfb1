"""Aspirasi DPRD's tables: the region's DPRD (factions, commissions, members), the agenda of its public
hearings (reses, RDP), citizens' aspirations on the kit's report lifecycle (disposed to a commission) and
the pokir proposals made of them."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from puja_kit.db import IdModel, TenantModel, TimestampedModel, service_registry, utcnow
from puja_kit.workflow.aduan_models import (
    AduanRiwayatBase,
    AturanKategoriBase,
    LaporanBase,
    LaporanFotoBase,
    laporan_indexes,
)
from sqlalchemy import CheckConstraint, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# Positions in a faction or commission, in the order lists show them.
JABATAN = {"KETUA": "Ketua", "WAKIL_KETUA": "Wakil Ketua", "SEKRETARIS": "Sekretaris", "ANGGOTA": "Anggota"}
JENIS_AGENDA = {"RESES": "Reses", "RDP": "Rapat dengar pendapat"}
# An agenda item's states: TERJADWAL -> SELESAI | DIBATALKAN.
STATUS_AGENDA = {"TERJADWAL": "Terjadwal", "SELESAI": "Selesai", "DIBATALKAN": "Dibatalkan"}
# A pokir proposal's states, in order; TIDAK_DITERIMA (with a reason) may end it at any open step.
POKIR = {
    "DIUSULKAN": "Diusulkan anggota DPRD sebagai pokir",
    "DIVERIFIKASI_SETWAN": "Diverifikasi Sekretariat DPRD",
    "DIVALIDASI_OPD": "Divalidasi Bappeda/OPD",
    "DIBAHAS_TAPD": "Dibahas TAPD",
    "MASUK_RENJA": "Masuk Renja OPD",
    "TIDAK_DITERIMA": "Tidak diterima",
}
POKIR_URUTAN = ("DIUSULKAN", "DIVERIFIKASI_SETWAN", "DIVALIDASI_OPD", "DIBAHAS_TAPD", "MASUK_RENJA")
POKIR_AKHIR = frozenset({"MASUK_RENJA", "TIDAK_DITERIMA"})
# The longest an agenda item may last: the upcoming list starts its index scan this long before now.
AGENDA_MAKS_HARI = 7


class Base(SQLModel, registry=service_registry()):
    """This service's tables, in a registry of their own."""


class Fraksi(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A faction of the region's DPRD (one party or a union of parties)."""

    __tablename__ = "fraksi"
    __table_args__ = (UniqueConstraint("tenant_id", "nama"), UniqueConstraint("tenant_id", "singkatan"))

    nama: str = Field(max_length=200)
    singkatan: str = Field(max_length=30)
    aktif: bool = True


class Komisi(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A commission ("Komisi I") with its field of work and the OPDs and fields it oversees (as text)."""

    __tablename__ = "komisi"
    __table_args__ = (UniqueConstraint("tenant_id", "nama"),)

    nama: str = Field(max_length=100)
    bidang: str = Field(max_length=200)
    mitra: str | None = Field(default=None, max_length=2000)
    aktif: bool = True


class Anggota(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A member of the DPRD for one term: faction, commission, electoral district, position."""

    __tablename__ = "anggota"
    __table_args__ = (
        CheckConstraint("jabatan IN ('KETUA', 'WAKIL_KETUA', 'SEKRETARIS', 'ANGGOTA')", name="jabatan"),
        CheckConstraint("periode_mulai < periode_selesai", name="periode"),
    )

    nama: str = Field(max_length=200)
    fraksi_id: UUID = Field(foreign_key="fraksi.id", index=True)
    komisi_id: UUID | None = Field(default=None, foreign_key="komisi.id", index=True)
    dapil: str = Field(max_length=100)
    jabatan: str = Field(default="ANGGOTA", max_length=20)
    periode_mulai: date
    periode_selesai: date
    aktif: bool = True


class Agenda(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """A public hearing: a member's reses in their district or a commission's RDP, with place and time."""

    __tablename__ = "agenda"
    __table_args__ = (
        CheckConstraint("jenis IN ('RESES', 'RDP')", name="jenis"),
        CheckConstraint("status IN ('TERJADWAL', 'SELESAI', 'DIBATALKAN')", name="status"),
        CheckConstraint("mulai < selesai", name="waktu"),
        # The public list in time order, upcoming or past, read in index order at any depth.
        Index("ix_agenda_daerah_mulai", "tenant_id", "mulai", "id"),
    )

    jenis: str = Field(max_length=10)
    judul: str = Field(max_length=200)
    komisi_id: UUID | None = Field(default=None, foreign_key="komisi.id", index=True)
    kode_wilayah: str | None = Field(default=None, max_length=13)
    nama_wilayah: str | None = Field(default=None, max_length=200)
    edisi_kode: str | None = Field(default=None, max_length=60)
    tempat: str = Field(max_length=300)
    mulai: datetime = Field(sa_type=DateTime(timezone=True))
    selesai: datetime = Field(sa_type=DateTime(timezone=True))
    keterangan: str | None = Field(default=None, max_length=2000)
    status: str = Field(default="TERJADWAL", max_length=20)
    catatan_status: str | None = Field(default=None, max_length=500)


class AgendaAnggota(TenantModel, Base, table=True):
    """A member taking part in an agenda item."""

    __tablename__ = "agenda_anggota"

    agenda_id: UUID = Field(foreign_key="agenda.id", primary_key=True)
    anggota_id: UUID = Field(foreign_key="anggota.id", primary_key=True, index=True)


class Aspirasi(LaporanBase, Base, table=True):
    """A citizen's aspiration to the DPRD. Its status only moves through the kit's report lifecycle;
    `opd_id`/`opd_nama` name the commission it is disposed to (aspirasi's disposition target)."""

    __tablename__ = "aspirasi"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nomor"),
        *laporan_indexes("aspirasi"),
        # The public list of answered aspirations per commission, latest answer first.
        Index(
            "ix_aspirasi_daerah_komisi_dijawab",
            "tenant_id",
            "opd_id",
            "dijawab_at",
            "id",
            postgresql_where=text(
                "status IN ('SELESAI', 'DITUTUP') AND dijawab_at IS NOT NULL AND diterbitkan"
            ),
        ),
    )

    # The state of the pokir proposal made of it (`pokir.status`, kept here for the report's page).
    pokir_status: str | None = Field(default=None, max_length=30)


class AspirasiRiwayat(AduanRiwayatBase, Base, table=True):
    __tablename__ = "aspirasi_riwayat"

    aduan_id: UUID = Field(foreign_key="aspirasi.id", index=True)


class AspirasiFoto(LaporanFotoBase, Base, table=True):
    __tablename__ = "aspirasi_foto"

    laporan_id: UUID = Field(foreign_key="aspirasi.id", index=True)


class AspirasiAturan(AturanKategoriBase, Base, table=True):
    """The region's own SLA days per aspiration category (else the layanan's settings)."""

    __tablename__ = "aspirasi_aturan"
    __table_args__ = (UniqueConstraint("tenant_id", "kategori"),)


class Pokir(IdModel, TenantModel, TimestampedModel, Base, table=True):
    """An aspiration a commission took up for the budget: a member's pokir proposal, followed through
    Setwan, Bappeda/OPD and TAPD into the OPD's Renja (SIPD) or not. One per aspiration."""

    __tablename__ = "pokir"
    __table_args__ = (
        UniqueConstraint("aspirasi_id"),
        CheckConstraint(
            "status IN ('DIUSULKAN', 'DIVERIFIKASI_SETWAN', 'DIVALIDASI_OPD', 'DIBAHAS_TAPD', 'MASUK_RENJA', "
            "'TIDAK_DITERIMA')",
            name="status",
        ),
    )

    aspirasi_id: UUID = Field(foreign_key="aspirasi.id")
    komisi_id: UUID = Field(foreign_key="komisi.id", index=True)
    anggota_id: UUID = Field(foreign_key="anggota.id", index=True)
    status: str = Field(default="DIUSULKAN", max_length=30)
    alasan: str | None = Field(default=None, max_length=1000)


class PokirRiwayat(IdModel, TenantModel, Base, table=True):
    """One step of a pokir proposal: when, who (a staff member of the secretariat), and the note."""

    __tablename__ = "pokir_riwayat"

    pokir_id: UUID = Field(foreign_key="pokir.id", index=True)
    dari: str | None = Field(default=None, max_length=30)
    ke: str = Field(max_length=30)
    catatan: str | None = Field(default=None, sa_type=Text)
    actor_id: UUID | None = None
    actor_nama: str | None = Field(default=None, max_length=200)
    waktu: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
