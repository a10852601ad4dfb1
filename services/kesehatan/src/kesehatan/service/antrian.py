"""Queue bookings: a citizen books and cancels, the operators call and serve, a death cancels."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, InvalidInput, NotFound
from puja_kit.penduduk import warga, warga_many
from puja_kit.privasi import mask_nik
from puja_kit.rls import set_tenant
from puja_kit.tenancy import Tenant
from puja_kit.workflow.sla import today_in
from sqlalchemy.ext.asyncio import AsyncSession

from kesehatan.models import DIBATALKAN, DILAYANI, DIPANGGIL, TERDAFTAR, TIDAK_HADIR, Antrian, Fasilitas, Poli
from kesehatan.repository import (
    AntrianHariRepository,
    AntrianRepository,
    FasilitasRepository,
    JadwalRepository,
    PoliRepository,
)
from kesehatan.schemas import NAMA_HARI, AntrianCreate, AntrianPasienRead, AntrianRead, AntrianRingkas

# A citizen books from today up to this many days ahead (in the region's time zone).
BATAS_HARI_PEMESANAN = 14
ALASAN_MENINGGAL = "pemohon meninggal dunia"
ALASAN_PEMOHON = "dibatalkan oleh pemohon"

STATUS_LABEL = {
    TERDAFTAR: "terdaftar",
    DIPANGGIL: "sudah dipanggil",
    DILAYANI: "sudah dilayani",
    TIDAK_HADIR: "tidak hadir",
    DIBATALKAN: "dibatalkan",
}
# Operator actions on a booking: allowed from, moves to, what the refusal calls it.
AKSI_OPERATOR: dict[str, tuple[frozenset[str], str, str]] = {
    "panggil": (frozenset({TERDAFTAR}), DIPANGGIL, "dipanggil"),
    "layani": (frozenset({DIPANGGIL}), DILAYANI, "ditandai sudah dilayani"),
    "tidak_hadir": (frozenset({DIPANGGIL}), TIDAK_HADIR, "ditandai tidak hadir"),
}


class StatusTidakSesuai(Conflict):
    code = "status_tidak_sesuai"
    title = "Tindakan ini tidak dapat dilakukan pada status sekarang"


class AntrianGanda(Conflict):
    code = "antrian_ganda"
    title = "Anda sudah memiliki antrian di poli ini pada hari itu"


class KuotaPenuh(Conflict):
    code = "kuota_penuh"
    title = "Kuota antrian sudah penuh"


class TanggalTidakValid(InvalidInput):
    code = "tanggal_tidak_valid"
    title = "Tanggal berobat tidak dapat dipilih"


class TidakAdaJadwal(InvalidInput):
    code = "tidak_ada_jadwal"
    title = "Tidak ada jadwal praktik pada hari itu"


class PasienMeninggal(InvalidInput):
    code = "pasien_meninggal"
    title = "Pemohon tercatat telah meninggal dunia"


def _antrian_read(row: Antrian, fasilitas: Fasilitas | None, poli: Poli | None) -> AntrianRead:
    kode = poli.kode if poli is not None else "A"
    return AntrianRead(
        id=row.id,
        fasilitas_id=row.fasilitas_id,
        fasilitas_nama=fasilitas.nama if fasilitas is not None else "",
        poli_id=row.poli_id,
        poli_nama=poli.nama if poli is not None else "",
        tanggal=row.tanggal,
        nomor=row.nomor,
        nomor_antrian=f"{kode}-{row.nomor:03d}",
        status=row.status,
        alasan_batal=row.alasan_batal,
        dibuat=row.created_at,
        diperbarui=row.updated_at,
    )


async def _antrian_reads(session: AsyncSession, tenant_id: str, rows: list[Antrian]) -> list[AntrianRead]:
    fasilitas = await FasilitasRepository(session, tenant_id).many(list({r.fasilitas_id for r in rows}))
    poli = await PoliRepository(session, tenant_id).many(list({r.poli_id for r in rows}))
    return [_antrian_read(r, fasilitas.get(r.fasilitas_id), poli.get(r.poli_id)) for r in rows]


async def book(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    data: AntrianCreate,
    now: datetime | None = None,
) -> AntrianRead:
    """A queue number for a poli on a day: numbers run 1, 2, 3 ... per poli per day, without gaps."""
    # Bookings are made and seen by NIK: only for the NIK's proven holder.
    nik = principal.ensure_own_nik(tenant.kode)
    await set_tenant(session, tenant.kode)
    today = today_in(tenant.zona_waktu, now)
    last_day = today + timedelta(days=BATAS_HARI_PEMESANAN)
    if not today <= data.tanggal <= last_day:
        detail = (
            "Tanggal berobat sudah lewat; pilih hari ini atau sesudahnya."
            if data.tanggal < today
            else f"Antrian hanya dapat dipesan paling lambat {BATAS_HARI_PEMESANAN} hari ke depan."
        )
        raise TanggalTidakValid(
            detail, errors=[{"field": "tanggal", "code": "di_luar_rentang", "message": detail}]
        )
    poli = await PoliRepository(session, tenant.kode).get_or_404(data.poli_id)
    fasilitas = await FasilitasRepository(session, tenant.kode).get_or_404(poli.fasilitas_id)
    if not fasilitas.aktif:
        raise InvalidInput(f"{fasilitas.nama} sedang tidak menerima antrian daring.")
    copy = await warga(session, tenant.kode, nik)
    if copy is not None and copy.status == "MENINGGAL":
        raise PasienMeninggal("Menurut data kependudukan, pemilik NIK ini telah meninggal dunia.")
    hari = data.tanggal.weekday()
    jadwal = await JadwalRepository(session, tenant.kode).on_day(poli.id, hari)
    if not jadwal:
        detail = f"{poli.nama} {fasilitas.nama} tidak memiliki jadwal praktik pada hari {NAMA_HARI[hari]}."
        raise TidakAdaJadwal(
            detail, errors=[{"field": "tanggal", "code": "tidak_ada_jadwal", "message": detail}]
        )

    # From here on, bookings for this poli and day wait for each other.
    counter = await AntrianHariRepository(session, tenant.kode).lock(poli.id, data.tanggal)
    repo = AntrianRepository(session, tenant.kode)
    existing = await repo.active_of(poli.id, data.tanggal, nik)
    if existing is not None:
        raise AntrianGanda(
            f"Anda sudah memiliki antrian nomor {poli.kode}-{existing.nomor:03d} di {poli.nama} "
            f"pada {data.tanggal:%d-%m-%Y}."
        )
    kuota = sum(j.kuota for j in jadwal)
    if await repo.count_taken(poli.id, data.tanggal) >= kuota:
        raise KuotaPenuh(
            f"Kuota {kuota} antrian {poli.nama} pada {data.tanggal:%d-%m-%Y} sudah penuh; pilih hari lain."
        )
    counter.terakhir += 1
    session.add(counter)
    antrian = repo.add(
        Antrian(
            tenant_id=tenant.kode,
            poli_id=poli.id,
            fasilitas_id=fasilitas.id,
            tanggal=data.tanggal,
            nomor=counter.terakhir,
            pasien_id=principal.id,
            pasien_nik=nik,
            pasien_nama=principal.nama,
        )
    )
    await session.flush()
    return _antrian_read(antrian, fasilitas, poli)


async def my_bookings(session: AsyncSession, principal: Principal, *, tenant: Tenant) -> list[AntrianRead]:
    principal.ensure_own_nik(tenant.kode)
    await set_tenant(session, tenant.kode)
    repo = AntrianRepository(session, tenant.kode)
    rows = await repo.of_pasien(principal.id)
    reads = await _antrian_reads(session, tenant.kode, rows)
    # A citizen holds few waiting bookings (one per poli per day), so one count each is cheap.
    for row, read in zip(rows, reads, strict=True):
        if row.status == TERDAFTAR:
            read.di_depan = await repo.waiting_before(row)
    return reads


async def cancel(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, antrian_id: UUID
) -> AntrianRead:
    """The citizen cancels their own booking before it is called; someone else's is not found."""
    principal.ensure_own_nik(tenant.kode)
    await set_tenant(session, tenant.kode)
    antrian = await AntrianRepository(session, tenant.kode).own(antrian_id, principal.id)
    if antrian is None:
        raise NotFound("Antrian tidak ditemukan.")
    if antrian.status != TERDAFTAR:
        raise StatusTidakSesuai(f"Antrian yang {STATUS_LABEL[antrian.status]} tidak dapat dibatalkan lagi.")
    antrian.status = DIBATALKAN
    antrian.alasan_batal = ALASAN_PEMOHON
    antrian.updated_at = utcnow()
    session.add(antrian)
    await session.flush()
    return (await _antrian_reads(session, tenant.kode, [antrian]))[0]


async def queue_status(
    session: AsyncSession, *, tenant: Tenant, poli_id: UUID, tanggal: date | None
) -> AntrianRingkas:
    """The public summary of a poli's day: who is being called, how many wait, places left."""
    await set_tenant(session, tenant.kode)
    poli = await PoliRepository(session, tenant.kode).get_or_404(poli_id)
    fasilitas = await FasilitasRepository(session, tenant.kode).get_or_404(poli.fasilitas_id)
    day = tanggal or today_in(tenant.zona_waktu)
    rows = await AntrianRepository(session, tenant.kode).of_day(poli.id, day)
    called = [r for r in rows if r.status == DIPANGGIL]
    current = max(called, key=lambda r: r.updated_at) if called else None
    kuota = sum(j.kuota for j in await JadwalRepository(session, tenant.kode).on_day(poli.id, day.weekday()))
    taken = sum(1 for r in rows if r.status != DIBATALKAN)
    return AntrianRingkas(
        poli_id=poli.id,
        poli_nama=poli.nama,
        fasilitas_nama=fasilitas.nama,
        tanggal=day,
        sedang_dipanggil=f"{poli.kode}-{current.nomor:03d}" if current else None,
        menunggu=sum(1 for r in rows if r.status == TERDAFTAR),
        dilayani=sum(1 for r in rows if r.status == DILAYANI),
        kuota=kuota,
        sisa_kuota=max(kuota - taken, 0),
        diperbarui=max((r.updated_at for r in rows), default=None),
    )


async def day_queue(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, poli_id: UUID, tanggal: date | None
) -> list[AntrianPasienRead]:
    """For the region's staff (the route admits only them): the day's queue of a poli, with names and
    addresses from the citizen copy where it has them."""
    await set_tenant(session, tenant.kode)
    poli = await PoliRepository(session, tenant.kode).get_or_404(poli_id)
    fasilitas = await FasilitasRepository(session, tenant.kode).get_or_404(poli.fasilitas_id)
    rows = await AntrianRepository(session, tenant.kode).of_day(
        poli.id, tanggal or today_in(tenant.zona_waktu)
    )
    copies = await warga_many(session, tenant.kode, list({r.pasien_nik for r in rows}))
    out = []
    for row in rows:
        copy = copies.get(row.pasien_nik)
        out.append(
            AntrianPasienRead(
                **_antrian_read(row, fasilitas, poli).model_dump(),
                pasien_nama=(copy.nama if copy is not None and copy.nama else row.pasien_nama),
                pasien_nik_tersamar=mask_nik(row.pasien_nik),
                pasien_alamat=copy.alamat if copy is not None else None,
            )
        )
    return out


async def advance(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, antrian_id: UUID, aksi: str
) -> AntrianRead:
    """The region's staff (the route admits only them) call (panggil), serve (layani) or mark absent
    (tidak_hadir)."""
    await set_tenant(session, tenant.kode)
    sources, target, label = AKSI_OPERATOR[aksi]
    antrian = await AntrianRepository(session, tenant.kode).for_update(antrian_id)
    if antrian is None:
        raise NotFound("Antrian tidak ditemukan.")
    if antrian.status not in sources:
        raise StatusTidakSesuai(f"Antrian yang {STATUS_LABEL[antrian.status]} tidak dapat {label}.")
    now = utcnow()
    antrian.status = target
    antrian.updated_at = now
    if target == DIPANGGIL:
        antrian.dipanggil_at = now
    else:
        antrian.selesai_at = now
    session.add(antrian)
    await session.flush()
    return (await _antrian_reads(session, tenant.kode, [antrian]))[0]


async def cancel_for_death(session: AsyncSession, *, tenant_id: str, nik: str, dari: date) -> int:
    """A death cancels the person's bookings from `dari` on that nobody has called yet; rows are kept.
    Only TERDAFTAR rows change, so running it again changes nothing."""
    await set_tenant(session, tenant_id)
    rows = await AntrianRepository(session, tenant_id).waiting_from(nik, dari)
    for row in rows:
        row.status = DIBATALKAN
        row.alasan_batal = ALASAN_MENINGGAL
        row.updated_at = utcnow()
        session.add(row)
    await session.flush()
    return len(rows)
