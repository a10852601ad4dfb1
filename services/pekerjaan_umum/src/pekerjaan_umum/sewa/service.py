"""Heavy-equipment rental as regions run it: a booking is asked for (DIAJUKAN), approved (DISETUJUI),
the retribusi paid into the Kas Daerah (DIBAYAR), the machine handed over (DIPAKAI) and returned
(DIKEMBALIKAN); or rejected or cancelled with a reason. The fee is the days times the region's daily
tariff for the kind of machine, fixed when the booking is made.

A booking whose days overlap a booking that holds the machine is still accepted, as DIAJUKAN in the
machine's queue; it can be approved once the holder is rejected or cancelled. That no two holders ever
share a day is the database's to say (the exclusion constraint in sewa.models): a check here gives the
clear message, the constraint holds under concurrent approvals."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from puja_kit.repository import CursorParams, RepositoryBase
from puja_kit.rls import set_tenant
from puja_kit.tenancy import Tenant, is_staff
from puja_kit.workflow.sla import today_in
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pekerjaan_umum.models import Laporan
from pekerjaan_umum.sewa.models import EXCLUSION, MENAHAN, Alat, Pemesanan, PemesananRiwayat, Tarif
from pekerjaan_umum.sewa.schemas import (
    JENIS_ALAT,
    STATUS,
    STATUS_ALAT,
    AksiIn,
    AlatIn,
    AlatRead,
    AlatUbah,
    HariKalender,
    KalenderRead,
    PemesananIn,
    PemesananRead,
    PemesananRingkas,
    RiwayatRead,
    TarifIn,
    TarifRead,
)

MAKS_HARI = 60
AKTIF = ("DIAJUKAN", *MENAHAN)


@dataclass(frozen=True)
class Langkah:
    dari: tuple[str, ...]
    ke: str
    pemohon: bool = False  # the applicant may take it too (else staff only)
    alasan: bool = False  # a reason is required


LANGKAH = {
    "setujui": Langkah(("DIAJUKAN",), "DISETUJUI"),
    "tolak": Langkah(("DIAJUKAN", "DISETUJUI"), "DITOLAK", alasan=True),
    "bayar": Langkah(("DISETUJUI",), "DIBAYAR"),
    "serahkan": Langkah(("DIBAYAR",), "DIPAKAI"),
    "kembalikan": Langkah(("DIPAKAI",), "DIKEMBALIKAN"),
    "batalkan": Langkah(("DIAJUKAN", "DISETUJUI", "DIBAYAR"), "DIBATALKAN", pemohon=True, alasan=True),
}


class JadwalBentrok(Conflict):
    code = "jadwal_bentrok"
    title = "Jadwal alat bentrok"


BENTROK = (
    "Alat ini sudah dipakai pemesanan lain yang disetujui pada sebagian tanggal itu. Pengajuan ini tetap "
    "dalam antrean dan dapat disetujui bila pemesanan tersebut ditolak atau dibatalkan."
)


class AlatRepository(RepositoryBase[Alat]):
    model = Alat
    not_found = "Alat tidak ditemukan di daerah ini"


class PemesananRepository(RepositoryBase[Pemesanan]):
    model = Pemesanan
    not_found = "Pemesanan tidak ditemukan"


def _invalid(field: str, message: str, detail: str) -> InvalidInput:
    return InvalidInput(detail, errors=[{"field": field, "code": "tidak_sesuai", "message": message}])


# --- machines and tariffs -----------------------------------------------------------------------------


async def _tarif(session: AsyncSession, tenant: Tenant) -> dict[str, Tarif]:
    rows = await session.scalars(select(Tarif).where(col(Tarif.tenant_id) == tenant.kode))
    return {t.jenis: t for t in rows}


def _alat(obj: Alat, tarif: dict[str, Tarif]) -> AlatRead:
    t = tarif.get(obj.jenis)
    return AlatRead(
        id=obj.id,
        nama=obj.nama,
        jenis=obj.jenis,
        jenis_label=JENIS_ALAT.get(obj.jenis, obj.jenis),
        nomor=obj.nomor,
        status=obj.status,
        status_label=STATUS_ALAT.get(obj.status, obj.status),
        tarif_harian=t.tarif_harian if t else None,
        diperbarui_at=obj.updated_at,
    )


async def list_alat(session: AsyncSession, *, tenant: Tenant) -> list[AlatRead]:
    repo = AlatRepository(session, tenant.kode)
    await repo.scope()
    rows = await session.scalars(repo.base_statement().order_by(col(Alat.nama), col(Alat.id)))
    tarif = await _tarif(session, tenant)
    return [_alat(r, tarif) for r in rows]


async def create_alat(session: AsyncSession, *, tenant: Tenant, data: AlatIn) -> AlatRead:
    await set_tenant(session, tenant.kode)
    obj = Alat(tenant_id=tenant.kode, **data.model_dump())
    session.add(obj)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("Nomor polisi/seri ini sudah tercatat di daerah ini.") from exc
    return _alat(obj, await _tarif(session, tenant))


async def update_alat(session: AsyncSession, *, tenant: Tenant, alat_id: UUID, data: AlatUbah) -> AlatRead:
    repo = AlatRepository(session, tenant.kode)
    await repo.scope()
    obj = await repo.get_or_404(alat_id)
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(obj, name, value)
    obj.updated_at = utcnow()
    await session.flush()
    return _alat(obj, await _tarif(session, tenant))


def _tarif_read(t: Tarif) -> TarifRead:
    return TarifRead(
        jenis=t.jenis,
        jenis_label=JENIS_ALAT.get(t.jenis, t.jenis),
        tarif_harian=t.tarif_harian,
        dasar_hukum=t.dasar_hukum,
        diperbarui_at=t.updated_at,
    )


async def list_tarif(session: AsyncSession, *, tenant: Tenant) -> list[TarifRead]:
    await set_tenant(session, tenant.kode)
    return [_tarif_read(t) for _, t in sorted((await _tarif(session, tenant)).items())]


async def set_tarif(session: AsyncSession, *, tenant: Tenant, jenis: str, data: TarifIn) -> TarifRead:
    """The region's daily tariff for a kind (a new one applies to bookings made from now on)."""
    await set_tenant(session, tenant.kode)
    obj = await session.get(Tarif, (tenant.kode, jenis), with_for_update=True)
    if obj is None:
        obj = Tarif(tenant_id=tenant.kode, jenis=jenis, **data.model_dump())
        session.add(obj)
    else:
        obj.tarif_harian, obj.dasar_hukum, obj.updated_at = data.tarif_harian, data.dasar_hukum, utcnow()
    await session.flush()
    return _tarif_read(obj)


# --- bookings -----------------------------------------------------------------------------------------


def _overlaps(a: Pemesanan, mulai: date, selesai: date) -> bool:
    return a.mulai <= selesai and mulai <= a.selesai


def _antrean(obj: Pemesanan, others: Iterable[Pemesanan]) -> int | None:
    """A waiting booking's place among the bookings of its machine: 1 + the earlier waiting ones that
    share a day with it, when its days are held by another or an earlier one waits for them."""
    if obj.status != "DIAJUKAN":
        return None
    earlier, held = 0, False
    for other in others:
        if other.id == obj.id or other.alat_id != obj.alat_id or not _overlaps(other, obj.mulai, obj.selesai):
            continue
        if other.status in MENAHAN:
            held = True
        elif other.status == "DIAJUKAN" and other.id < obj.id:
            earlier += 1
    return earlier + 1 if held or earlier else None


async def _active_near(session: AsyncSession, tenant: Tenant, rows: Sequence[Pemesanan]) -> list[Pemesanan]:
    """The active bookings of the machines of `rows` around their days (one query for a page)."""
    waiting = [r for r in rows if r.status == "DIAJUKAN"]
    if not waiting:
        return []
    found = await session.scalars(
        select(Pemesanan).where(
            col(Pemesanan.tenant_id) == tenant.kode,
            col(Pemesanan.alat_id).in_({r.alat_id for r in waiting}),
            col(Pemesanan.status).in_(AKTIF),
            col(Pemesanan.mulai) <= max(r.selesai for r in waiting),
            col(Pemesanan.selesai) >= min(r.mulai for r in waiting),
        )
    )
    return list(found)


async def _ringkas_all(
    session: AsyncSession, tenant: Tenant, rows: Sequence[Pemesanan]
) -> list[PemesananRingkas]:
    near = await _active_near(session, tenant, rows)
    alat = (
        {
            a.id: a
            for a in await session.scalars(
                select(Alat).where(
                    col(Alat.tenant_id) == tenant.kode, col(Alat.id).in_({r.alat_id for r in rows})
                )
            )
        }
        if rows
        else {}
    )
    return [_ringkas(r, alat[r.alat_id], _antrean(r, near)) for r in rows]


def _ringkas(obj: Pemesanan, alat: Alat, antrean: int | None) -> PemesananRingkas:
    return PemesananRingkas(
        id=obj.id,
        alat_id=obj.alat_id,
        alat_nama=alat.nama,
        alat_jenis_label=JENIS_ALAT.get(alat.jenis, alat.jenis),
        pemohon_nama=obj.pemohon_nama,
        opd_nama=obj.opd_nama,
        mulai=obj.mulai,
        selesai=obj.selesai,
        hari=obj.hari,
        tarif_harian=obj.tarif_harian,
        biaya=obj.biaya,
        keperluan=obj.keperluan,
        lokasi=obj.lokasi,
        laporan_id=obj.laporan_id,
        status=obj.status,
        status_label=STATUS.get(obj.status, obj.status),
        referensi_bayar=obj.referensi_bayar,
        alasan=obj.alasan,
        antrean=antrean,
        diajukan_at=obj.diajukan_at,
    )


async def _detail(session: AsyncSession, tenant: Tenant, obj: Pemesanan) -> PemesananRead:
    (ringkas,) = await _ringkas_all(session, tenant, [obj])
    riwayat = await session.scalars(
        select(PemesananRiwayat)
        .where(col(PemesananRiwayat.tenant_id) == tenant.kode, col(PemesananRiwayat.pemesanan_id) == obj.id)
        .order_by(col(PemesananRiwayat.waktu), col(PemesananRiwayat.id))
    )
    return PemesananRead(**ringkas.model_dump(), riwayat=[RiwayatRead.model_validate(r) for r in riwayat])


def _riwayat(
    obj: Pemesanan, principal: Principal, tenant: Tenant, *, dari: str | None, aksi: str, catatan: str | None
) -> PemesananRiwayat:
    return PemesananRiwayat(
        tenant_id=tenant.kode,
        pemesanan_id=obj.id,
        dari=dari,
        ke=obj.status,
        aksi=aksi,
        actor_id=principal.id,
        actor_role="petugas" if is_staff(principal, tenant) else "warga",
        catatan=catatan,
    )


async def create_pemesanan(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    data: PemesananIn,
    now: datetime | None = None,
) -> PemesananRead:
    """A booking by a citizen whose NIK is proved in the region, or by the staff for an OPD."""
    staff = is_staff(principal, tenant)
    if staff:
        if not data.opd_nama:
            raise _invalid("opd_nama", "wajib diisi", "Petugas memesan atas nama OPD: sebutkan OPD-nya.")
    else:
        principal.ensure_own_nik(tenant.kode)
        if data.opd_nama:
            raise _invalid("opd_nama", "hanya untuk petugas", "Pemesanan atas nama OPD hanya oleh petugas.")
    if data.selesai < data.mulai:
        raise _invalid(
            "selesai", "sebelum tanggal mulai", "Tanggal selesai tidak boleh sebelum tanggal mulai."
        )
    if data.mulai < today_in(tenant.zona_waktu, now):
        raise _invalid("mulai", "sudah lewat", "Tanggal mulai tidak boleh di masa lalu.")
    hari = (data.selesai - data.mulai).days + 1
    if hari > MAKS_HARI:
        raise _invalid(
            "selesai", f"paling lama {MAKS_HARI} hari", f"Satu pemesanan paling lama {MAKS_HARI} hari."
        )
    await set_tenant(session, tenant.kode)
    alat = await AlatRepository(session, tenant.kode).get(data.alat_id)
    if alat is None:
        raise _invalid("alat_id", "tidak dikenal", "Alat tidak ditemukan di daerah ini.")
    if alat.status != "TERSEDIA":
        raise Conflict("Alat ini sedang dalam perawatan dan belum dapat dipesan.")
    tarif = (await _tarif(session, tenant)).get(alat.jenis)
    if tarif is None:
        raise Conflict(
            f"Tarif sewa {JENIS_ALAT.get(alat.jenis, alat.jenis).lower()} belum ditetapkan daerah."
        )
    if data.laporan_id is not None:
        laporan = await session.scalar(
            select(col(Laporan.id)).where(
                col(Laporan.tenant_id) == tenant.kode, col(Laporan.id) == data.laporan_id
            )
        )
        if laporan is None:
            raise _invalid("laporan_id", "tidak dikenal", "Laporan kerusakan tidak ditemukan di daerah ini.")
    obj = Pemesanan(
        tenant_id=tenant.kode,
        alat_id=alat.id,
        pemohon_id=principal.id,
        pemohon_nama=principal.nama,
        opd_nama=data.opd_nama,
        mulai=data.mulai,
        selesai=data.selesai,
        hari=hari,
        tarif_harian=tarif.tarif_harian,
        biaya=hari * tarif.tarif_harian,
        keperluan=data.keperluan,
        lokasi=data.lokasi,
        laporan_id=data.laporan_id,
        status="DIAJUKAN",
        diajukan_at=now or utcnow(),
    )
    session.add(obj)
    await session.flush()
    session.add(_riwayat(obj, principal, tenant, dari=None, aksi="ajukan", catatan=None))
    await session.flush()
    return await _detail(session, tenant, obj)


async def _load(
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    pemesanan_id: UUID,
    *,
    for_update: bool = False,
) -> Pemesanan:
    await set_tenant(session, tenant.kode)
    stmt = PemesananRepository(session, tenant.kode).base_statement().where(col(Pemesanan.id) == pemesanan_id)
    obj = (await session.scalars(stmt.with_for_update() if for_update else stmt)).first()
    if obj is None or not (obj.pemohon_id == principal.id or is_staff(principal, tenant)):
        raise NotFound(PemesananRepository.not_found)
    return obj


async def pemesanan_detail(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, pemesanan_id: UUID
) -> PemesananRead:
    return await _detail(session, tenant, await _load(session, principal, tenant, pemesanan_id))


async def act(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    pemesanan_id: UUID,
    aksi: str,
    body: AksiIn,
) -> PemesananRead:
    langkah = LANGKAH[aksi]
    obj = await _load(session, principal, tenant, pemesanan_id, for_update=True)
    staff = is_staff(principal, tenant)
    if not staff and not (langkah.pemohon and obj.pemohon_id == principal.id):
        raise Forbidden("Hanya petugas pekerjaan umum yang dapat melakukan ini.")
    if not staff and obj.status not in ("DIAJUKAN", "DISETUJUI"):
        raise Conflict("Pemesanan yang sudah dibayar hanya dapat dibatalkan oleh petugas.")
    if obj.status not in langkah.dari:
        raise Conflict(f"Pemesanan berstatus {STATUS[obj.status]} tidak dapat di{aksi}.")
    if langkah.alasan and not body.catatan:
        raise _invalid("catatan", "wajib diisi", "Tuliskan alasannya.")
    if aksi == "bayar" and not body.referensi_bayar:
        raise _invalid("referensi_bayar", "wajib diisi", "Catat nomor bukti setor retribusi ke Kas Daerah.")
    if aksi == "setujui":
        alat = await AlatRepository(session, tenant.kode).get(obj.alat_id)
        if alat is None or alat.status != "TERSEDIA":
            raise Conflict("Alat ini sedang dalam perawatan; pemesanan belum dapat disetujui.")
        holder = await session.scalar(
            select(col(Pemesanan.id)).where(
                col(Pemesanan.tenant_id) == tenant.kode,
                col(Pemesanan.alat_id) == obj.alat_id,
                col(Pemesanan.id) != obj.id,
                col(Pemesanan.status).in_(MENAHAN),
                col(Pemesanan.mulai) <= obj.selesai,
                col(Pemesanan.selesai) >= obj.mulai,
            )
        )
        if holder is not None:
            raise JadwalBentrok(BENTROK)
    dari = obj.status
    obj.status = langkah.ke
    if aksi == "bayar":
        obj.referensi_bayar = body.referensi_bayar
    if langkah.alasan:
        obj.alasan = body.catatan
    obj.updated_at = utcnow()
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        if constraint == EXCLUSION:
            raise JadwalBentrok(BENTROK) from exc
        raise
    session.add(
        _riwayat(obj, principal, tenant, dari=dari, aksi=aksi, catatan=body.catatan or body.referensi_bayar)
    )
    await session.flush()
    return await _detail(session, tenant, obj)


async def list_for_staff(
    session: AsyncSession, *, tenant: Tenant, page: CursorParams, status: str | None, alat_id: UUID | None
) -> tuple[list[PemesananRingkas], str | None]:
    repo = PemesananRepository(session, tenant.kode)
    await repo.scope()
    stmt = repo.base_statement()
    if status:
        stmt = stmt.where(col(Pemesanan.status) == status)
    if alat_id:
        stmt = stmt.where(col(Pemesanan.alat_id) == alat_id)
    rows, cursor = await repo.keyset(stmt.order_by(col(Pemesanan.id).desc()), page)
    return await _ringkas_all(session, tenant, rows), cursor


async def list_mine(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, page: CursorParams
) -> tuple[list[PemesananRingkas], str | None]:
    repo = PemesananRepository(session, tenant.kode)
    await repo.scope()
    stmt = repo.base_statement().where(col(Pemesanan.pemohon_id) == principal.id)
    rows, cursor = await repo.keyset(stmt.order_by(col(Pemesanan.id).desc()), page)
    return await _ringkas_all(session, tenant, rows), cursor


async def kalender(
    session: AsyncSession, *, tenant: Tenant, alat_id: UUID, bulan: str | None
) -> KalenderRead:
    """A machine's month: each day whether a booking holds it (and in which state) and how many wait."""
    repo = AlatRepository(session, tenant.kode)
    await repo.scope()
    alat = await repo.get_or_404(alat_id)
    if bulan:
        tahun, nomor = (int(x) for x in bulan.split("-"))
    else:
        today = today_in(tenant.zona_waktu)
        tahun, nomor = today.year, today.month
    awal = date(tahun, nomor, 1)
    akhir = date(tahun, nomor, calendar.monthrange(tahun, nomor)[1])
    rows = list(
        await session.scalars(
            select(Pemesanan).where(
                col(Pemesanan.tenant_id) == tenant.kode,
                col(Pemesanan.alat_id) == alat.id,
                col(Pemesanan.status).in_(AKTIF),
                col(Pemesanan.mulai) <= akhir,
                col(Pemesanan.selesai) >= awal,
            )
        )
    )
    hari = []
    day = awal
    while day <= akhir:
        here = [r for r in rows if r.mulai <= day <= r.selesai]
        holder = next((r.status for r in here if r.status in MENAHAN), None)
        hari.append(
            HariKalender(tanggal=day, status=holder, antrean=sum(r.status == "DIAJUKAN" for r in here))
        )
        day += timedelta(days=1)
    return KalenderRead(
        alat=_alat(alat, await _tarif(session, tenant)), bulan=f"{tahun:04d}-{nomor:02d}", hari=hari
    )
