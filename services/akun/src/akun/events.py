"""What akun hears from other services: a citizen's death closes their account."""

from __future__ import annotations

from puja_kit.db import utcnow
from puja_kit.events.catalog import PendudukDied
from puja_kit.events.consumer import Consumer
from puja_kit.events.envelope import Event
from sqlalchemy.ext.asyncio import AsyncSession

from akun.repository import AkunRepository, SesiRepository
from akun.service import Runtime, revoke_session


def penduduk_died_consumer(runtime: Runtime) -> Consumer:
    """The account of a person recorded as deceased is deactivated and its sessions ended (their
    tokens refused everywhere); nothing is deleted, and an admin can reactivate a mistaken record."""

    async def handle(session: AsyncSession, event: Event) -> None:
        data = event.data
        assert isinstance(data, PendudukDied)
        akun = await AkunRepository(session).by_nik_index(runtime.sealer.index(data.nik))
        if akun is None or not akun.aktif:
            return
        akun.aktif = False
        session.add(akun)
        for sesi in await SesiRepository(session).open_for_akun(akun.id, now=utcnow()):
            await revoke_session(session, sesi)

    return Consumer("penduduk_died", "puja.kependudukan.penduduk.died", handle)
