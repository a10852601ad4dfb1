"""Izin: issuing and revoking a permit, and what its holder and the public see of it."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from uuid import UUID

import anyio
from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import NotFound
from puja_kit.events.catalog import IzinIssued, IzinRevoked
from puja_kit.outbox import add_event
from puja_kit.penduduk import warga
from puja_kit.privasi import mask_nama
from puja_kit.tenancy import Tenant, is_staff
from puja_kit.workflow import TransitionNotAllowed
from puja_kit.workflow.sla import local_date, today_in
from puja_kit.workflow.tracking import ALPHABET
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan import pdf
from perizinan.models import Izin, PermohonanRiwayat
from perizinan.repository import IzinRepository, RiwayatRepository
from perizinan.schemas import IzinRead, StatusIzinPublik, VerifikasiIzin
from perizinan.service.access import _load, _scope
from perizinan.service.permohonan import NOMOR_PREFIX, _apply
from perizinan.service.reading import _izin_read

LAYANAN = "perizinan"
STATUS_IZIN_LABEL = {
    "BERLAKU": "Izin berlaku",
    "DICABUT": "Izin telah dicabut",
    "KEDALUWARSA": "Masa berlaku habis",
}


# --- izin: staff -----------------------------------------------------------------------------------


def _tambah_tahun(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _kode_verifikasi() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))


async def terbitkan(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    permohonan_id: UUID,
    now: datetime | None = None,
) -> IzinRead:
    """Finish the application and issue its permit, announced as `puja.perizinan.izin.issued`."""
    now = now or utcnow()
    obj = await _load(session, principal, tenant, permohonan_id, for_update=True)
    jenis = await _apply(
        session, principal, tenant=tenant, obj=obj, action="selesaikan", catatan=None, now=now
    )
    today = local_date(now, tenant.zona_waktu)
    repo = IzinRepository(session, tenant.kode)
    urutan = await repo.next_urutan(today.year)
    copy = await warga(session, tenant.kode, obj.pemohon_nik)
    izin = repo.add(
        Izin(
            tenant_id=tenant.kode,
            permohonan_id=obj.id,
            jenis_izin_id=jenis.id,
            nomor_izin=f"503/{NOMOR_PREFIX}/{jenis.kbli}/{today.year}/{urutan:04d}",
            tahun=today.year,
            urutan=urutan,
            jenis_izin_nama=jenis.nama,
            kbli=jenis.kbli,
            tingkat_risiko=jenis.tingkat_risiko,
            nama_usaha=obj.nama_usaha,
            alamat_usaha=obj.alamat_usaha,
            nib=obj.nib,
            pemegang_id=obj.pemohon_id,
            pemegang_nik=obj.pemohon_nik,
            pemegang_nama=(copy.nama if copy and copy.nama else obj.pemohon_nama),
            tanggal_terbit=today,
            berlaku_sampai=_tambah_tahun(today, jenis.masa_berlaku_tahun)
            if jenis.masa_berlaku_tahun
            else None,
            kode_verifikasi=_kode_verifikasi(),
        )
    )
    await session.flush()
    await add_event(
        session,
        "puja.perizinan.izin.issued",
        IzinIssued(
            izin_id=izin.id,
            nomor_izin=izin.nomor_izin,
            jenis_izin=izin.jenis_izin_nama,
            kbli=izin.kbli,
            pemegang_nik=izin.pemegang_nik,
            nama_usaha=izin.nama_usaha,
            berlaku_sampai=izin.berlaku_sampai,
        ),
        tenant=tenant.kode,
        subject=str(izin.id),
    )
    return _izin_read(izin)


async def cabut_izin(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, izin_id: UUID, alasan: str
) -> IzinRead:
    """For the region's staff (the route admits only them)."""
    await _scope(session, tenant)
    izin = await IzinRepository(session, tenant.kode).get_for_update(izin_id)
    if izin is None:
        raise NotFound(IzinRepository.not_found)
    if izin.status != "BERLAKU":
        raise TransitionNotAllowed(f"Izin {izin.nomor_izin} sudah dicabut.")
    now = utcnow()
    izin.status = "DICABUT"
    izin.dicabut_at = now
    izin.alasan_cabut = alasan.strip()
    session.add(izin)
    # The applicant reads why in their history; the permohonan itself stays SELESAI.
    RiwayatRepository(session, tenant.kode).add(
        PermohonanRiwayat(
            tenant_id=tenant.kode,
            permohonan_id=izin.permohonan_id,
            dari="SELESAI",
            ke="SELESAI",
            aksi="cabut_izin",
            label="Izin dicabut",
            actor_id=principal.id,
            actor_role="admin_daerah" if principal.has("admin_daerah", tenant=tenant.kode) else "operator",
            catatan=izin.alasan_cabut,
            waktu=now,
        )
    )
    await session.flush()
    await add_event(
        session,
        "puja.perizinan.izin.revoked",
        IzinRevoked(izin_id=izin.id, nomor_izin=izin.nomor_izin, alasan=izin.alasan_cabut),
        tenant=tenant.kode,
        subject=str(izin.id),
    )
    return _izin_read(izin)


# --- izin: holder and the public -------------------------------------------------------------------


async def _izin_for(session: AsyncSession, principal: Principal, tenant: Tenant, izin_id: UUID) -> Izin:
    """The permit for its holder or the region's staff; for anyone else it does not exist."""
    await _scope(session, tenant)
    izin = await IzinRepository(session, tenant.kode).get(izin_id)
    if izin is None or (izin.pemegang_id != principal.id and not is_staff(principal, tenant)):
        raise NotFound(IzinRepository.not_found)
    return izin


async def izin_detail(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, izin_id: UUID
) -> IzinRead:
    return _izin_read(await _izin_for(session, principal, tenant, izin_id))


def verification_url(base_url: str, tenant: Tenant, kode: str) -> str:
    """The portal's public check page (a person scans the QR code with a phone); the same answer is
    at /api/perizinan/v1/{tenant}/verifikasi/{kode} for programs."""
    return f"{base_url.rstrip('/')}/{tenant.slug}/{LAYANAN}/periksa/{kode}"


async def izin_pdf(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, izin_id: UUID, public_base_url: str
) -> tuple[Izin, bytes]:
    izin = await _izin_for(session, principal, tenant, izin_id)
    document = pdf.IzinDokumen(
        daerah=tenant.nama,
        opd=tenant.settings.opd_nama,
        jenis_izin=izin.jenis_izin_nama,
        nomor_izin=izin.nomor_izin,
        nama_usaha=izin.nama_usaha,
        alamat_usaha=izin.alamat_usaha,
        pemegang=izin.pemegang_nama,
        nib=izin.nib,
        kbli=izin.kbli,
        tingkat_risiko=izin.tingkat_risiko,
        tanggal_terbit=izin.tanggal_terbit,
        berlaku_sampai=izin.berlaku_sampai,
        kode_verifikasi=izin.kode_verifikasi,
        url_verifikasi=verification_url(public_base_url, tenant, izin.kode_verifikasi),
        dicabut=izin.status == "DICABUT",
    )
    # Laying out a page is CPU work: keep it off the event loop.
    return izin, await anyio.to_thread.run_sync(pdf.render, document)


async def verifikasi(
    session: AsyncSession, *, tenant: Tenant, kode: str, now: datetime | None = None
) -> VerifikasiIzin:
    await _scope(session, tenant)
    izin = await IzinRepository(session, tenant.kode).by_kode(kode.strip().upper())
    if izin is None:
        raise NotFound(f"Kode verifikasi {kode} tidak dikenal di {tenant.nama}.")
    today = today_in(tenant.zona_waktu, now)
    status: StatusIzinPublik
    if izin.status == "DICABUT":
        status = "DICABUT"
    elif izin.berlaku_sampai is not None and izin.berlaku_sampai < today:
        status = "KEDALUWARSA"
    else:
        status = "BERLAKU"
    return VerifikasiIzin(
        status=status,
        status_label=STATUS_IZIN_LABEL[status],
        berlaku=status == "BERLAKU",
        daerah=tenant.nama,
        nomor_izin=izin.nomor_izin,
        jenis_izin=izin.jenis_izin_nama,
        kbli=izin.kbli,
        nama_usaha=izin.nama_usaha,
        pemegang=mask_nama(izin.pemegang_nama),
        tanggal_terbit=izin.tanggal_terbit,
        berlaku_sampai=izin.berlaku_sampai,
        dicabut_at=izin.dicabut_at,
    )
