"""Citizen data: what staff may look up about an applicant by NIK."""

from __future__ import annotations

from puja_kit.auth import Principal
from puja_kit.errors import NotFound
from puja_kit.penduduk import warga
from puja_kit.privasi import log_akses
from puja_kit.tenancy import Tenant
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.repository import PermohonanRepository
from perizinan.schemas import PemohonRead, PermohonanPemohon
from perizinan.service.access import _scope


async def pemohon(session: AsyncSession, principal: Principal, *, tenant: Tenant, nik: str) -> PemohonRead:
    """For the region's staff (the route admits only them)."""
    await _scope(session, tenant)
    copy = await warga(session, tenant.kode, nik)
    rows = await PermohonanRepository(session, tenant.kode).of_nik(nik)
    if copy is None and not rows:
        raise NotFound(f"Tidak ada data pemohon dengan NIK tersebut di {tenant.nama}.")
    log_akses(principal, tenant, nik=nik, data="pemohon")
    return PemohonRead(
        nik=nik,
        nama=copy.nama if copy and copy.nama else (rows[0].pemohon_nama if rows else None),
        alamat=copy.alamat if copy else None,
        status=copy.status if copy else None,
        data_diperbarui=copy.updated_at if copy else None,
        permohonan=[
            PermohonanPemohon(id=r.id, nomor=r.nomor, status=r.status, pemohon_meninggal=r.pemohon_meninggal)
            for r in rows
        ],
    )
