"""Who may do what, and the helpers every part of the service opens with."""

from __future__ import annotations

from datetime import date, datetime

from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Forbidden
from puja_kit.repository import set_tenant
from puja_kit.tenancy import Tenant
from puja_kit.workflow.sla import local_date
from sqlalchemy.ext.asyncio import AsyncSession


def warga_nik(principal: Principal) -> str:
    """The NIK of a citizen account; staff accounts and accounts without a NIK cannot book."""
    if not principal.has("warga"):
        raise Forbidden("Pemesanan antrian hanya untuk akun warga.")
    if not principal.nik:
        raise Forbidden("Akun Anda belum terhubung dengan NIK; lengkapi profil akun terlebih dahulu.")
    # Bookings are made and seen by NIK: only for the NIK's proven holder.
    return principal.ensure_own_nik()


async def _scoped(session: AsyncSession, tenant_id: str) -> None:
    # Row-level security, the second wall behind the repositories' tenant filter.
    await set_tenant(session, tenant_id)


def today_in(tenant: Tenant, now: datetime | None = None) -> date:
    return local_date(now or utcnow(), tenant.zona_waktu)


def mask_nik(nik: str) -> str:
    return f"{nik[:4]}{'*' * (len(nik) - 8)}{nik[-4:]}" if len(nik) > 8 else "*" * len(nik)
