"""The citizen copy: newer changes win, a late older one is skipped without losing anything."""

from __future__ import annotations

import asyncio
from datetime import date

from puja_kit.bus import Bus
from puja_kit.events.catalog import Alamat, PendudukDied, PendudukSnapshot, PendudukUpdated
from puja_kit.events.consumer import ConsumerRunner
from puja_kit.events.envelope import Event
from puja_kit.penduduk import WargaSalinan, penduduk_consumer, warga
from puja_kit.testing.plugin import publish
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

NIK = "6308051511550004"
RUMAH = Alamat(alamat="Jl. Norman Umar No. 12", kode_wilayah="63.08.05.1001")


def snapshot(status: str = "HIDUP", nama: str = "Abdul Hamid") -> PendudukSnapshot:
    return PendudukSnapshot(
        nama=nama,
        no_kk="6308050101100001",
        alamat=RUMAH,
        status=status,
        tanggal_meninggal=date(2026, 11, 1) if status == "MENINGGAL" else None,
    )


async def test_a_late_death_is_not_lost_when_a_newer_change_came_first(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    seen: list[tuple[str, str]] = []

    async def hook(session: AsyncSession, copy: WargaSalinan, event: Event) -> None:
        seen.append((event.type.rsplit(".", 1)[1], copy.status))

    runner = ConsumerRunner("kit", [penduduk_consumer(hook)], kit_db, bus)
    # The death (versi 2) was delayed by a failed delivery; a name correction (versi 3) went first.
    await publish(
        bus,
        "puja.kependudukan.penduduk.updated",
        PendudukUpdated(
            nik=NIK,
            versi=3,
            nama="Abdul Hamid bin Usman",
            changed=["nama"],
            snapshot=snapshot("MENINGGAL", "Abdul Hamid bin Usman"),
        ),
        tenant="63.08",
    )
    await publish(
        bus,
        "puja.kependudukan.penduduk.died",
        PendudukDied(nik=NIK, versi=2, tanggal_meninggal=date(2026, 11, 1), snapshot=snapshot("MENINGGAL")),
        tenant="63.08",
    )
    runner.start()
    try:
        for _ in range(200):
            async with kit_db() as session:
                copy = await warga(session, "63.08", NIK)
            if copy is not None and len(seen) >= 1:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # let the late event arrive too
    finally:
        await runner.stop()
    assert copy is not None
    assert (copy.versi, copy.status, copy.nama) == (3, "MENINGGAL", "Abdul Hamid bin Usman")
    assert copy.tanggal_meninggal == date(2026, 11, 1)
    assert seen == [("updated", "MENINGGAL")], "the hook saw the death; the older event was skipped"
