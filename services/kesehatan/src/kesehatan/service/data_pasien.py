"""Citizen data: what staff may look up about a patient by NIK."""

from __future__ import annotations

from puja_kit.auth import Principal
from puja_kit.errors import NotFound
from puja_kit.penduduk import warga
from puja_kit.privasi import log_akses
from puja_kit.rls import set_tenant
from puja_kit.tenancy import Tenant
from sqlalchemy.ext.asyncio import AsyncSession

from kesehatan.repository import AntrianRepository
from kesehatan.schemas import PasienRead
from kesehatan.service.antrian import _antrian_reads


async def pasien(session: AsyncSession, principal: Principal, *, tenant: Tenant, nik: str) -> PasienRead:
    """For the region's staff (the route admits only them): a person as the citizen copy knows them,
    with their bookings in this region."""
    await set_tenant(session, tenant.kode)
    log_akses(principal, tenant, nik=nik, data="pasien")
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
