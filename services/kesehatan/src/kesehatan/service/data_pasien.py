"""Citizen data: what staff may look up about a patient by NIK."""

from __future__ import annotations

import logging

from puja_kit.auth import Principal
from puja_kit.errors import NotFound
from puja_kit.penduduk import warga
from puja_kit.tenancy import Tenant, ensure_staff
from sqlalchemy.ext.asyncio import AsyncSession

from kesehatan.repository import AntrianRepository
from kesehatan.schemas import PasienRead
from kesehatan.service.access import _scoped, mask_nik
from kesehatan.service.antrian import _antrian_reads

logger = logging.getLogger("kesehatan")


async def pasien(session: AsyncSession, principal: Principal, *, tenant: Tenant, nik: str) -> PasienRead:
    """A person as the citizen copy knows them, with their bookings in this region."""
    ensure_staff(principal, tenant)
    await _scoped(session, tenant.kode)
    # Personal data: every look-up is logged, with the NIK masked.
    logger.info("akses data pasien %s oleh akun %s di %s", mask_nik(nik), principal.id, tenant.kode)
    copy = await warga(session, tenant.kode, nik)
    rows = await AntrianRepository(session, tenant.kode).of_nik(nik)
    if copy is None and not rows:
        raise NotFound("Tidak ada data pasien dengan NIK ini di daerah ini.")
    return PasienRead(
        nik=nik,
        nama=copy.nama if copy is not None and copy.nama else (rows[0].pasien_nama if rows else None),
        alamat=copy.alamat if copy is not None else None,
        status=copy.status if copy is not None else None,
        diperbarui=copy.updated_at if copy is not None else None,
        antrian=await _antrian_reads(session, tenant.kode, rows),
    )
