"""The report (aduan) lifecycle of SP4N-LAPOR!, once for every report layanan: receiving a report,
its transitions with the SLA clock per region and category, re-routing when it is not an OPD's or not
the region's, the answer, the reporter's acceptance, rating and reopening, the auto-close 10 working
days after an answer, merging duplicates found nearby, bulk actions, and per-OPD performance.

A service keeps its domain (categories, its own fields, who is an OPD operator) and calls these with
its tables (`puja_kit.workflow.aduan_models`). What a viewer may see of a report, and photos without
their location, are in `puja_kit.workflow.aduan_view`.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Float, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from puja_kit.auth import Principal
from puja_kit.db import transaction, utcnow
from puja_kit.errors import DomainError, Forbidden, InvalidInput, NotFound
from puja_kit.events.catalog import AduanStatusChanged
from puja_kit.outbox import add_event
from puja_kit.tasks import cancel_tasks
from puja_kit.tenancy import Tenant
from puja_kit.workflow.aduan_models import AduanBase, AduanRiwayatBase
from puja_kit.workflow.machine import ADUAN, Transition, TransitionNotAllowed
from puja_kit.workflow.service import actors_for, role_of
from puja_kit.workflow.sla import ZONES, add_working_days, local_date, working_days_between
from puja_kit.workflow.tracking import tracking_number

logger = logging.getLogger("puja_kit.workflow.aduan")

A = TypeVar("A", bound=AduanBase)
R = TypeVar("R", bound=AduanRiwayatBase)

# Statuses in which a report is still the region's open business (offered as a possible duplicate).
OPEN_STATUSES = frozenset({"DITERIMA", "TERVERIFIKASI", "DIDISPOSISI", "DITINDAKLANJUTI", "SELESAI"})
NEEDS_OPD = frozenset({"disposisi", "alihkan"})


@dataclass(frozen=True)
class SlaAduan:
    """Working days to verify a report, and for the OPD to follow it up (SP4N-LAPOR!: 3 and 5)."""

    verifikasi: int = 3
    tindak_lanjut: int = 5


@dataclass(frozen=True)
class AturanAduan:
    """A region's rules for its reports, which the service builds from its own settings: SLA days per
    category (`sla`, else `sla_bawaan`), the working days after an answer before a report closes by
    itself, and the working days after closing in which the reporter may still reopen it."""

    sla: Mapping[str, SlaAduan] = field(default_factory=dict)
    sla_bawaan: SlaAduan = SlaAduan()
    tutup_otomatis_hari: int = 10
    buka_kembali_hari: int = 10

    def sla_for(self, kategori: str) -> SlaAduan:
        return self.sla.get(kategori, self.sla_bawaan)


class DiLuarJendela(DomainError):
    status_code = 409
    code = "batas_buka_kembali_lewat"
    title = "Laporan tidak dapat dibuka kembali"


class SudahDinilai(DomainError):
    status_code = 409
    code = "sudah_dinilai"
    title = "Jawaban ini sudah dinilai"


def actors_of(principal: Principal, obj: AduanBase, tenant: Tenant) -> set[str]:
    """The reporter acts as "pemohon" (the workflow's citizen actor); staff by their grant."""
    return actors_for(principal, tenant, obj.pelapor_id)


def _missing(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"field": field_name, "code": "missing", "message": "wajib diisi"}])


def _after_working_days(moment: datetime, days: int, zona_waktu: str) -> datetime:
    """The same local time of day, `days` working days after `moment` (in the region's zone)."""
    zone = ZONES.get(zona_waktu, ZONES["WIB"])
    local = moment.astimezone(zone)
    day = add_working_days(local.date(), days)
    return datetime.combine(day, time(local.hour, local.minute, local.second), tzinfo=zone)


async def followers(session: AsyncSession, model: type[AduanBase], obj: AduanBase) -> list[UUID]:
    """The reporters of the reports merged into `obj` (they follow it), without its own reporter."""
    rows = await session.scalars(
        select(col(model.pelapor_id)).where(
            col(model.tenant_id) == obj.tenant_id, col(model.mengikuti_id) == obj.id
        )
    )
    return sorted(set(rows.all()) - {obj.pelapor_id})


async def _record(
    session: AsyncSession,
    obj: AduanBase,
    riwayat_model: type[R],
    *,
    layanan: str,
    dari: str | None,
    aksi: str,
    label: str,
    actor_id: UUID | None,
    actor_role: str,
    note: str | None,
    now: datetime,
    opd_dari: tuple[UUID | None, str | None] = (None, None),
    event: bool = True,
) -> R:
    """The history row of one step, and (for a change of status) its event to the outbox."""
    session.add(obj)
    row = riwayat_model(
        tenant_id=obj.tenant_id,
        aduan_id=obj.id,
        dari=dari,
        ke=obj.status,
        aksi=aksi,
        label=label,
        actor_id=actor_id,
        actor_role=actor_role,
        catatan=note,
        opd_dari_id=opd_dari[0],
        opd_dari_nama=opd_dari[1],
        opd_ke_id=obj.opd_id,
        opd_ke_nama=obj.opd_nama,
        waktu=now,
    )
    session.add(row)
    if event:
        await add_event(
            session,
            f"puja.{layanan}.aduan.status_changed",
            AduanStatusChanged(
                aduan_id=obj.id,
                nomor=obj.nomor,
                dari=dari,
                ke=obj.status,
                aksi=aksi,
                pelapor_id=obj.pelapor_id,
                pengikut_ids=await followers(session, type(obj), obj),
                opd_id=obj.opd_id,
                sla_jatuh_tempo=obj.sla_jatuh_tempo,
            ),
            tenant=obj.tenant_id,
            subject=str(obj.id),
        )
    return row


async def receive_aduan(
    session: AsyncSession,
    obj: A,
    riwayat_model: type[AduanRiwayatBase],
    *,
    tenant: Tenant,
    aturan: AturanAduan,
    prefix: str,
    now: datetime | None = None,
) -> A:
    """A new report: DITERIMA with a tracking number unique in the region, the verification clock
    started (the category's days), its first history row and event. `obj` carries the service's
    fields; the reporter is `obj.pelapor_id`."""
    now = now or utcnow()
    obj.status = ADUAN.initial
    obj.diterima_at = now
    obj.sla_tahap = "verifikasi"
    obj.sla_jatuh_tempo = add_working_days(
        local_date(now, tenant.zona_waktu), aturan.sla_for(obj.kategori).verifikasi
    )
    for _ in range(5):
        obj.nomor = tracking_number(prefix)
        try:
            async with session.begin_nested():
                session.add(obj)
                await session.flush()
            break
        except IntegrityError:
            continue
    else:
        raise RuntimeError("nomor pelacakan tidak dapat dibuat")
    await _record(
        session,
        obj,
        riwayat_model,
        layanan=tenant.layanan,
        dari=None,
        aksi="terima",
        label="Laporan diterima",
        actor_id=obj.pelapor_id,
        actor_role="pemohon",
        note=None,
        now=now,
    )
    return obj


def _check(
    transition: Transition,
    obj: AduanBase,
    *,
    principal: Principal | None,
    tenant: Tenant,
    aturan: AturanAduan,
    note: str | None,
    opd: tuple[UUID, str] | None,
    dialihkan_ke: str | None,
    now: datetime,
) -> set[str]:
    """Every reason to refuse, before anything changes (bulk actions rely on it)."""
    if obj.status not in transition.sources:
        raise TransitionNotAllowed(
            f"Tindakan '{transition.label}' tidak bisa dilakukan saat status "
            f"'{ADUAN.states.get(obj.status, obj.status)}'."
        )
    actors = actors_of(principal, obj, tenant) if principal is not None else {"sistem"}
    if principal is not None and not transition.actors & actors:
        raise Forbidden("Anda tidak berwenang melakukan tindakan ini pada laporan ini.")
    if transition.note_required and not (note and note.strip()):
        raise _missing("catatan", "Catatan wajib diisi untuk tindakan ini.")
    if transition.name in NEEDS_OPD:
        if opd is None:
            raise _missing("opd_id", "Pilih OPD yang menangani laporan ini.")
        if transition.name == "alihkan" and opd[0] == obj.opd_id:
            raise InvalidInput(
                "Laporan sudah ada di OPD itu; pilih OPD lain.",
                errors=[{"field": "opd_id", "code": "opd_sama", "message": "OPD yang sama"}],
            )
    if transition.name == "bukan_kewenangan" and not (dialihkan_ke and dialihkan_ke.strip()):
        raise _missing("dialihkan_ke", "Sebutkan instansi yang berwenang (provinsi, kementerian, lembaga).")
    if transition.name == "gabungkan" and obj.mengikuti_id is None:
        raise TransitionNotAllowed("Laporan hanya digabung melalui penggabungan dengan laporan lain.")
    if transition.name == "buka_kembali" and obj.status == "DITUTUP" and obj.ditutup_at is not None:
        waited = working_days_between(
            local_date(obj.ditutup_at, tenant.zona_waktu), local_date(now, tenant.zona_waktu)
        )
        if waited > aturan.buka_kembali_hari:
            raise DiLuarJendela(
                f"Laporan hanya dapat dibuka kembali dalam {aturan.buka_kembali_hari} hari kerja "
                "setelah ditutup."
            )
    return actors


async def apply_aduan(
    session: AsyncSession,
    obj: AduanBase,
    riwayat_model: type[R],
    *,
    action: str,
    principal: Principal | None,
    tenant: Tenant,
    aturan: AturanAduan,
    note: str | None = None,
    opd: tuple[UUID, str] | None = None,
    dialihkan_ke: str | None = None,
    now: datetime | None = None,
) -> R:
    """Move a report through `action` of the ADUAN workflow; `principal=None` is the system.

    `opd` (id, name) for "disposisi" and "alihkan" (the OPD of the region the service resolved);
    `dialihkan_ke` for "bukan_kewenangan" (the authority outside the region). The history row keeps
    the OPD before and after, so a re-routed report keeps its whole path."""
    now = now or utcnow()
    transition = ADUAN.transition(action)
    actors = _check(
        transition,
        obj,
        principal=principal,
        tenant=tenant,
        aturan=aturan,
        note=note,
        opd=opd,
        dialihkan_ke=dialihkan_ke,
        now=now,
    )
    today = local_date(now, tenant.zona_waktu)
    previous, opd_before = obj.status, (obj.opd_id, obj.opd_nama)

    if action == "tindak_lanjut":
        obj.tepat_waktu = obj.sla_jatuh_tempo is None or today <= obj.sla_jatuh_tempo
    if transition.sla == "stop":
        obj.sla_jatuh_tempo = None
        obj.sla_tahap = None
    elif transition.sla == "restart":
        obj.sla_jatuh_tempo = add_working_days(today, aturan.sla_for(obj.kategori).tindak_lanjut)
        obj.sla_tahap = "tindak_lanjut"
        obj.tepat_waktu = None
    if opd is not None and action in NEEDS_OPD:
        obj.opd_id, obj.opd_nama = opd
        obj.dialihkan_ke = None
    if action == "bukan_kewenangan":
        obj.dialihkan_ke = (dialihkan_ke or "").strip()
    if action == "jawab":
        obj.dijawab_at = now
        obj.jawaban_ke += 1
        obj.tutup_otomatis_at = _after_working_days(now, aturan.tutup_otomatis_hari, tenant.zona_waktu)
    if transition.target == "DITUTUP":
        obj.ditutup_at = now
    if transition.target != "SELESAI":
        obj.tutup_otomatis_at = None
    if action == "buka_kembali":
        obj.ditutup_at = None

    obj.status = transition.target
    return await _record(
        session,
        obj,
        riwayat_model,
        layanan=tenant.layanan,
        dari=previous,
        aksi=transition.name,
        label=transition.label,
        actor_id=principal.id if principal is not None else None,
        actor_role=role_of(actors),
        note=note,
        now=now,
        opd_dari=opd_before,
    )


async def rate(
    session: AsyncSession,
    obj: AduanBase,
    riwayat_model: type[R],
    *,
    principal: Principal,
    tenant: Tenant,
    nilai: int,
    now: datetime | None = None,
) -> R:
    """The reporter rates the latest answer 1-5, once per answer (a reopened and re-answered report
    may be rated again). A history row, no event."""
    if principal.id != obj.pelapor_id:
        raise Forbidden("Hanya pelapor yang dapat menilai jawaban laporan ini.")
    if obj.status not in ("SELESAI", "DITUTUP") or obj.jawaban_ke == 0:
        raise TransitionNotAllowed("Laporan ini belum dijawab.")
    if not 1 <= nilai <= 5:
        raise InvalidInput(
            "Nilai harus 1 sampai 5.",
            errors=[{"field": "nilai", "code": "di_luar_rentang", "message": "1 sampai 5"}],
        )
    if obj.dinilai_jawaban_ke == obj.jawaban_ke:
        raise SudahDinilai("Jawaban ini sudah Anda nilai.")
    obj.rating = nilai
    obj.dinilai_jawaban_ke = obj.jawaban_ke
    return await _record(
        session,
        obj,
        riwayat_model,
        layanan=tenant.layanan,
        dari=obj.status,
        aksi="nilai",
        label=f"Pelapor menilai jawaban ({nilai}/5)",
        actor_id=principal.id,
        actor_role="pemohon",
        note=None,
        now=now or utcnow(),
        opd_dari=(obj.opd_id, obj.opd_nama),
        event=False,
    )


# --- auto-close ----------------------------------------------------------------------------------------


async def close_expired(
    session: AsyncSession,
    model: type[AduanBase],
    riwayat_model: type[AduanRiwayatBase],
    *,
    layanan: str,
    now: datetime | None = None,
    limit: int = 500,
) -> list[str]:
    """Close the answered reports whose reporter did not respond in time (`tutup_otomatis_at`), as the
    system; returns their numbers. Sees what the session's transaction may see: one region
    (`transaction(sm, tenant=kode)`) or all (`all_regions=True`, the periodic task). Rows another
    replica is closing are skipped (SKIP LOCKED), not waited for."""
    now = now or utcnow()
    due = (
        await session.scalars(
            select(model)
            .where(col(model.status) == "SELESAI", col(model.tutup_otomatis_at) <= now)
            .order_by(col(model.tutup_otomatis_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    transition = ADUAN.transition("tutup_otomatis")
    for obj in due:
        previous = obj.status
        obj.status = transition.target
        obj.ditutup_at = now
        obj.tutup_otomatis_at = None
        await _record(
            session,
            obj,
            riwayat_model,
            layanan=layanan,
            dari=previous,
            aksi=transition.name,
            label=transition.label,
            actor_id=None,
            actor_role="sistem",
            note=None,
            now=now,
            opd_dari=(obj.opd_id, obj.opd_nama),
        )
    return [obj.nomor for obj in due]


async def run_close_expired(
    sessionmaker: async_sessionmaker[AsyncSession],
    model: type[AduanBase],
    riwayat_model: type[AduanRiwayatBase],
    *,
    layanan: str,
    interval_seconds: float = 900.0,
    limit: int = 500,
) -> None:
    """The periodic task: every `interval_seconds`, close what is due in every region (housekeeping,
    `all_regions=True`), a batch of `limit` per transaction until none is left."""
    while True:
        try:
            while True:
                async with transaction(sessionmaker, all_regions=True) as session:
                    closed = await close_expired(session, model, riwayat_model, layanan=layanan, limit=limit)
                if closed:
                    logger.info("%d laporan %s ditutup otomatis", len(closed), layanan)
                if len(closed) < limit:
                    break
        except Exception:
            logger.exception("penutupan otomatis laporan %s gagal; dicoba lagi nanti", layanan)
        await asyncio.sleep(interval_seconds)


Hook = Callable[[Any], Awaitable[None]]


def auto_close_hooks(
    model: type[AduanBase],
    riwayat_model: type[AduanRiwayatBase],
    *,
    layanan: str,
    interval_seconds: float = 900.0,
) -> tuple[Hook, Hook]:
    """`on_startup` and `on_shutdown` hooks for `create_service_app`: the auto-close task runs where
    the app runs its background work (`settings.run_background`)."""
    key = "aduan_tutup_otomatis"

    async def start(app: Any) -> None:
        if not app.state.settings.run_background:
            return
        task = asyncio.create_task(
            run_close_expired(
                app.state.sessionmaker,
                model,
                riwayat_model,
                layanan=layanan,
                interval_seconds=interval_seconds,
            ),
            name=f"{layanan}-{key}",
        )
        setattr(app.state, key, task)

    async def stop(app: Any) -> None:
        task = getattr(app.state, key, None)
        if task is not None:
            await cancel_tasks([task])

    return start, stop


# --- duplicates and merging ------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = 111_320.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Duplikat:
    aduan: Any
    jarak_m: float


async def possible_duplicates(
    session: AsyncSession,
    model: type[A],
    *,
    tenant_id: str,
    kategori: str,
    lat: float,
    lon: float,
    radius_m: float = 50.0,
    exclude_id: UUID | None = None,
    limit: int = 10,
) -> list[Duplikat]:
    """Open reports of the same category within `radius_m` metres, the nearest first: a bounding box
    on (tenant_id, kategori, lat, lon) (index `ix_<table>_daerah_lokasi`), then the exact distance.
    A report that already follows another is not offered (its first report is)."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    dlon = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6))
    stmt = select(model).where(
        col(model.tenant_id) == tenant_id,
        col(model.kategori) == kategori,
        col(model.lat).between(lat - dlat, lat + dlat),
        col(model.lon).between(lon - dlon, lon + dlon),
        col(model.status).in_(sorted(OPEN_STATUSES)),
        col(model.mengikuti_id).is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(col(model.id) != exclude_id)
    found = []
    for obj in (await session.scalars(stmt)).all():
        if obj.lat is None or obj.lon is None:
            continue
        distance = haversine_m(lat, lon, obj.lat, obj.lon)
        if distance <= radius_m:
            found.append(Duplikat(obj, round(distance, 1)))
    found.sort(key=lambda d: (d.jarak_m, d.aduan.id))
    return found[:limit]


async def merge(
    session: AsyncSession,
    model: type[A],
    riwayat_model: type[R],
    *,
    duplikat: A,
    induk: A,
    principal: Principal,
    tenant: Tenant,
    aturan: AturanAduan,
    now: datetime | None = None,
) -> R:
    """The verifier merges `duplikat` into `induk`: the duplicate is archived as merged and follows the
    first report (`mengikuti_id`), so its reporter hears of every later step of the first (the event's
    `pengikut_ids`). A report that itself follows another is followed through to that one."""
    now = now or utcnow()
    if induk.mengikuti_id is not None:
        root = await session.get(model, induk.mengikuti_id)
        if root is None:
            raise NotFound("Laporan induk tidak ditemukan.")
        induk = root
    if duplikat.id == induk.id or duplikat.tenant_id != induk.tenant_id:
        raise TransitionNotAllowed("Laporan tidak dapat digabung dengan dirinya sendiri.")
    if induk.status not in OPEN_STATUSES:
        raise TransitionNotAllowed("Laporan induk sudah tidak terbuka; tidak dapat digabung ke sana.")
    previous_follow = duplikat.mengikuti_id
    duplikat.mengikuti_id = induk.id
    try:
        row = await apply_aduan(
            session,
            duplikat,
            riwayat_model,
            action="gabungkan",
            principal=principal,
            tenant=tenant,
            aturan=aturan,
            note=f"Digabung dengan laporan {induk.nomor}",
            now=now,
        )
    except DomainError:
        duplikat.mengikuti_id = previous_follow
        raise
    # Those who followed the duplicate now follow the first report too.
    for follower in (
        await session.scalars(
            select(model).where(
                col(model.tenant_id) == induk.tenant_id, col(model.mengikuti_id) == duplikat.id
            )
        )
    ).all():
        follower.mengikuti_id = induk.id
        session.add(follower)
    return row


# --- bulk actions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Penolakan:
    aduan_id: UUID
    code: str
    pesan: str


@dataclass
class HasilMassal:
    """What a bulk action did: the reports moved, and those refused with the reason (the same stable
    code and message a single action would answer)."""

    berhasil: list[UUID] = field(default_factory=list)
    ditolak: list[Penolakan] = field(default_factory=list)


BULK_ACTIONS = frozenset({"verifikasi", "arsipkan", "disposisi"})


async def bulk_apply(
    session: AsyncSession,
    model: type[A],
    riwayat_model: type[AduanRiwayatBase],
    *,
    ids: Sequence[UUID],
    action: str,
    principal: Principal,
    tenant: Tenant,
    aturan: AturanAduan,
    note: str | None = None,
    opd: tuple[UUID, str] | None = None,
    now: datetime | None = None,
) -> HasilMassal:
    """Verify, archive or dispose several reports at once: each is checked against the workflow as a
    single action would be, and each refusal is reported instead of failing the others. Rows are
    locked in id order, so two bulk actions over overlapping reports do not deadlock."""
    if action not in BULK_ACTIONS:
        raise InvalidInput(
            "Tindakan massal hanya untuk verifikasi, arsipkan atau disposisi.",
            errors=[{"field": "aksi", "code": "tidak_dikenal", "message": "tindakan tidak tersedia"}],
        )
    now = now or utcnow()
    wanted = list(dict.fromkeys(ids))
    rows = {
        obj.id: obj
        for obj in (
            await session.scalars(
                select(model)
                .where(col(model.tenant_id) == tenant.kode, col(model.id).in_(wanted))
                .order_by(col(model.id))
                .with_for_update()
            )
        ).all()
    }
    result = HasilMassal()
    for aduan_id in wanted:
        obj = rows.get(aduan_id)
        if obj is None:
            result.ditolak.append(Penolakan(aduan_id, NotFound.code, "Laporan tidak ditemukan."))
            continue
        try:
            await apply_aduan(
                session,
                obj,
                riwayat_model,
                action=action,
                principal=principal,
                tenant=tenant,
                aturan=aturan,
                note=note,
                opd=opd,
                now=now,
            )
        except DomainError as exc:
            result.ditolak.append(Penolakan(aduan_id, exc.code, exc.detail or exc.title))
            continue
        result.berhasil.append(aduan_id)
    return result


# --- performance per OPD -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KinerjaOpd:
    """An OPD's reports in the region: how many it received, followed up, followed up on time (and the
    share), answered, and the average rating of its answers (None when none was rated)."""

    opd_id: UUID
    opd_nama: str | None
    jumlah: int
    ditindaklanjuti: int
    tepat_waktu: int
    persen_tepat_waktu: float | None
    dijawab: int
    dinilai: int
    rata_rata_nilai: float | None


async def kinerja_opd(
    session: AsyncSession,
    model: type[AduanBase],
    *,
    tenant_id: str,
    sejak: datetime | None = None,
    sampai: datetime | None = None,
) -> list[KinerjaOpd]:
    """Ratings and SLA performance per OPD, for the region's admin; reports received in [sejak, sampai)."""
    stmt = (
        select(
            col(model.opd_id),
            func.max(col(model.opd_nama)),
            func.count(),
            func.count(col(model.tepat_waktu)),
            func.count().filter(col(model.tepat_waktu).is_(True)),
            func.count().filter(col(model.jawaban_ke) > 0),
            func.count(col(model.rating)),
            func.avg(cast(col(model.rating), Float)),
        )
        .where(col(model.tenant_id) == tenant_id, col(model.opd_id).is_not(None))
        .group_by(col(model.opd_id))
    )
    if sejak is not None:
        stmt = stmt.where(col(model.diterima_at) >= sejak)
    if sampai is not None:
        stmt = stmt.where(col(model.diterima_at) < sampai)
    out = []
    for opd_id, nama, jumlah, ditindak, tepat, dijawab, dinilai, rata in (await session.execute(stmt)).all():
        out.append(
            KinerjaOpd(
                opd_id=opd_id,
                opd_nama=nama,
                jumlah=jumlah,
                ditindaklanjuti=ditindak,
                tepat_waktu=tepat,
                persen_tepat_waktu=round(100 * tepat / ditindak, 1) if ditindak else None,
                dijawab=dijawab,
                dinilai=dinilai,
                rata_rata_nilai=round(float(rata), 2) if rata is not None else None,
            )
        )
    out.sort(key=lambda k: (k.opd_nama or "", str(k.opd_id)))
    return out


def is_overdue(obj: AduanBase, zona_waktu: str, now: datetime | None = None) -> bool:
    """Whether the running clock (verification or follow-up) has passed its due date."""
    if obj.sla_jatuh_tempo is None:
        return False
    return local_date(now or utcnow(), zona_waktu) > obj.sla_jatuh_tempo


__all__ = [
    "AturanAduan",
    "DiLuarJendela",
    "Duplikat",
    "HasilMassal",
    "KinerjaOpd",
    "Penolakan",
    "SlaAduan",
    "SudahDinilai",
    "actors_of",
    "apply_aduan",
    "auto_close_hooks",
    "bulk_apply",
    "close_expired",
    "followers",
    "haversine_m",
    "is_overdue",
    "kinerja_opd",
    "merge",
    "possible_duplicates",
    "rate",
    "receive_aduan",
    "run_close_expired",
]
