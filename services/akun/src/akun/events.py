"""What akun hears from other services: a citizen's death closes their account; a proved NIK marks it
in the region that proved it; a NIK released at a region's counter leaves the account that never
proved it there. A NIK proof counts where the record that proved it lives."""

from __future__ import annotations

from puja_kit.db import utcnow
from puja_kit.events.catalog import NikReleased, NikVerified, PendudukDied
from puja_kit.events.consumer import Consumer
from puja_kit.events.envelope import Event
from sqlalchemy.ext.asyncio import AsyncSession

from akun.repository import AkunRepository, SesiRepository
from akun.service import Runtime, revoke_session


def penduduk_died_consumer(runtime: Runtime) -> Consumer:
    """The account of a person recorded as deceased is deactivated and its sessions ended (their
    tokens refused everywhere); nothing is deleted, and an admin can reactivate a mistaken record.
    Only the region whose record proved the account's NIK can close it: a death recorded in another
    region (which might hold any record it likes for that NIK) leaves it open."""

    async def handle(session: AsyncSession, event: Event) -> None:
        data = event.data
        assert isinstance(data, PendudukDied)
        found = await AkunRepository(session).by_nik_index(runtime.sealer.index(data.nik))
        akun = await AkunRepository(session).for_update(found.id) if found is not None else None
        if akun is None or not akun.aktif or event.tenant not in akun.nik_terbukti_di:
            return
        akun.aktif = False
        session.add(akun)
        for sesi in await SesiRepository(session).open_for_akun(akun.id, now=utcnow()):
            await revoke_session(session, sesi)

    return Consumer("penduduk_died", "puja.kependudukan.penduduk.died", handle, all_regions=True)


def nik_verified_consumer(runtime: Runtime) -> Consumer:
    """kependudukan of a region confirmed, against that region's records, that the account's NIK is the
    holder's own: the account's next tokens name that region in `nik_verified_regions`. Only the
    account named, and only if it still holds that NIK."""

    async def handle(session: AsyncSession, event: Event) -> None:
        data = event.data
        assert isinstance(data, NikVerified)
        akun = await AkunRepository(session).for_update(data.akun_id)
        if akun is None or akun.nik_index != runtime.sealer.index(data.nik) or not event.tenant:
            return
        if akun.nik_terverifikasi_pada is None:
            akun.nik_terverifikasi_pada = event.time
        if event.tenant not in akun.nik_terbukti_di:
            akun.nik_terbukti_di = sorted({*akun.nik_terbukti_di, event.tenant})
        session.add(akun)

    return Consumer("nik_verified", "puja.kependudukan.nik.verified", handle, all_regions=True)


def nik_released_consumer(runtime: Runtime) -> Consumer:
    """The holder showed their KTP at the counter of a region: the account that registered their NIK and
    never proved it against that region's records loses the NIK (and every proof of it, nothing else)
    and its sessions, whose tokens carried it. One proved in that region is kept; one proved only in
    other regions is not (their records never make the NIK the account's here)."""

    async def handle(session: AsyncSession, event: Event) -> None:
        data = event.data
        assert isinstance(data, NikReleased)
        found = await AkunRepository(session).by_nik_index(runtime.sealer.index(data.nik))
        akun = await AkunRepository(session).for_update(found.id) if found is not None else None
        if akun is None or not event.tenant or event.tenant in akun.nik_terbukti_di:
            return
        akun.nik_index = akun.nik_sealed = None
        akun.nik_terverifikasi_pada = None
        akun.nik_terbukti_di = []
        session.add(akun)
        for sesi in await SesiRepository(session).open_for_akun(akun.id, now=utcnow()):
            await revoke_session(session, sesi)

    return Consumer("nik_released", "puja.kependudukan.nik.released", handle, all_regions=True)
