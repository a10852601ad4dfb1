"""The catalog of event types and their versioned payload models. It grows with the services.

Payloads carry the least personal data that does the job: ids, the NIK where matching needs it, the
changed fields; never document scans.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

# Layanan whose applications run on the kit's Permohonan workflow.
PERMOHONAN_LAYANAN = ("kependudukan", "perizinan")
# Layanan whose reports run on the kit's Aduan workflow (issue 10).
ADUAN_LAYANAN = ("aspirasi", "trantibumlinmas", "pekerjaan_umum")


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class LayananSettings(BaseModel):
    """A region's settings for one layanan."""

    model_config = ConfigDict(extra="forbid")

    sla_hari: int = 5
    biaya: int = 0
    dokumen_wajib: list[str] = []
    opd_id: UUID | None = None
    opd_nama: str | None = None


class TenantRef(Payload):
    """A region as the registry holds it at `versi`, which grows with every change to the region, its
    layanan settings or its OPDs (in the transaction of the change). A copy applies an event only if its
    `versi` is not older than the one it holds, so a late or redelivered event never undoes a newer one.
    Events written before versions existed carry 0 and are ordered by their time, as they were."""

    kode: str
    slug: str
    nama: str
    zona_waktu: str
    versi: int = 0


class TenantLayananChange(TenantRef):
    """A change of one layanan, with the region's own state at the same version (a snapshot: the newest
    event alone says whether the region is on). `daerah_aktif` is None in events written before it."""

    layanan: str
    daerah_aktif: bool | None = None


class TenantLayananEnabled(TenantLayananChange):
    settings: LayananSettings


class TenantLayananDisabled(TenantLayananChange):
    pass


class TenantUpdated(TenantRef):
    aktif: bool
    # The layanan the region has enabled, whether the region is on or off.
    layanan: list[str]


class SesiRevoked(Payload):
    sid: UUID
    akun_id: UUID
    expires_at: datetime


class Alamat(BaseModel):
    """An address down to the desa/kelurahan, by its kode wilayah (10 digits, "63.08.01.2001")."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    alamat: str
    rt: str | None = None
    rw: str | None = None
    kode_wilayah: str
    nama_wilayah: str | None = None


class PendudukSnapshot(BaseModel):
    """The record as it stands after the change: what a service copying citizens keeps."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    nama: str
    no_kk: str
    alamat: Alamat
    status: str  # HIDUP | MENINGGAL | PINDAH
    tanggal_meninggal: date | None = None


class PendudukChange(Payload):
    """A change to a citizen's record. `versi` grows by one per change of that person: consumers
    apply a change only if it is newer than the copy they hold. Each change also carries the whole
    record after it (`snapshot`), so a consumer that skips an older change (it arrived after a newer
    one) loses nothing."""

    nik: str
    versi: int
    snapshot: PendudukSnapshot | None = None


class PendudukUpdated(PendudukChange):
    nama: str | None = None
    alamat: Alamat | None = None
    no_kk: str | None = None
    changed: list[str]


class PendudukDied(PendudukChange):
    tanggal_meninggal: date


class PendudukMoved(PendudukChange):
    tujuan_kode_wilayah: str
    keluar_daerah: bool
    alamat: Alamat | None = None


class PendudukBorn(PendudukChange):
    nama: str
    tanggal_lahir: date
    jenis_kelamin: str
    no_kk: str
    alamat: Alamat


class NikVerified(Payload):
    """A citizen account proved that its NIK is the holder's own (records matched, or at the counter)."""

    akun_id: UUID
    nik: str
    metode: str  # MANDIRI (No. KK and mother's name matched) | LOKET (KTP checked by an operator)


class NikReleased(Payload):
    """At the counter, a NIK's holder (KTP checked) showed that the account holding their NIK, never
    proved, is not theirs: the NIK is taken off that account so that they can register it."""

    nik: str
    alasan: str


class IzinIssued(Payload):
    izin_id: UUID
    nomor_izin: str
    jenis_izin: str
    kbli: str | None
    pemegang_nik: str
    nama_usaha: str | None
    berlaku_sampai: date | None


class IzinRevoked(Payload):
    izin_id: UUID
    nomor_izin: str
    alasan: str


class PermohonanStatusChanged(Payload):
    """For citizen notifications: no personal data beyond the applicant's account id."""

    permohonan_id: UUID
    nomor: str
    dari: str | None
    ke: str
    aksi: str
    pemohon_id: UUID
    sla_jatuh_tempo: date | None


class AduanStatusChanged(Payload):
    """For reporter notifications: the reporter's account id and those of the reports merged into this
    one (`pengikut_ids`: their reporters follow it); never the reporter's name or the report's text."""

    aduan_id: UUID
    nomor: str
    dari: str | None
    ke: str
    aksi: str
    pelapor_id: UUID
    pengikut_ids: list[UUID] = []
    opd_id: UUID | None = None
    sla_jatuh_tempo: date | None = None


class PokirStatusChanged(Payload):
    """An aspiration taken up as a DPRD pokir proposal moved a step (aspirasi): for the reporter and the
    followers of the aspiration; never their names or the aspiration's text."""

    aspirasi_id: UUID
    nomor: str
    dari: str | None
    ke: str
    pelapor_id: UUID
    pengikut_ids: list[UUID] = []


@dataclass(frozen=True)
class EventSpec:
    type: str
    version: int
    # builtins.type: inside this class `type` names the field above.
    model: builtins.type[Payload]


CATALOG: dict[str, EventSpec] = {
    spec.type: spec
    for spec in (
        EventSpec("puja.tenant_registry.tenant.layanan_enabled", 1, TenantLayananEnabled),
        EventSpec("puja.tenant_registry.tenant.layanan_disabled", 1, TenantLayananDisabled),
        EventSpec("puja.tenant_registry.tenant.updated", 1, TenantUpdated),
        EventSpec("puja.akun.sesi.revoked", 1, SesiRevoked),
        EventSpec("puja.kependudukan.penduduk.updated", 1, PendudukUpdated),
        EventSpec("puja.kependudukan.penduduk.died", 1, PendudukDied),
        EventSpec("puja.kependudukan.penduduk.moved", 1, PendudukMoved),
        EventSpec("puja.kependudukan.penduduk.born", 1, PendudukBorn),
        EventSpec("puja.kependudukan.nik.verified", 1, NikVerified),
        EventSpec("puja.kependudukan.nik.released", 1, NikReleased),
        EventSpec("puja.perizinan.izin.issued", 1, IzinIssued),
        EventSpec("puja.perizinan.izin.revoked", 1, IzinRevoked),
        *(
            EventSpec(f"puja.{layanan}.permohonan.status_changed", 1, PermohonanStatusChanged)
            for layanan in PERMOHONAN_LAYANAN
        ),
        *(
            EventSpec(f"puja.{layanan}.aduan.status_changed", 1, AduanStatusChanged)
            for layanan in ADUAN_LAYANAN
        ),
        EventSpec("puja.aspirasi.pokir.status_changed", 1, PokirStatusChanged),
    )
}


def payload_model(event_type: str) -> type[Payload]:
    try:
        return CATALOG[event_type].model
    except KeyError as exc:
        raise KeyError(f"jenis event belum ada di katalog: {event_type}") from exc
