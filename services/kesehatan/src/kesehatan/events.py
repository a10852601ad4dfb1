"""What kesehatan does when kependudukan's news reaches its copy of citizens (puja_kit.penduduk)."""

from __future__ import annotations

import logging

from puja_kit.events.envelope import Event
from puja_kit.penduduk import WargaSalinan
from puja_kit.tenancy import Daerah
from puja_kit.workflow.sla import today_in
from sqlalchemy.ext.asyncio import AsyncSession

from kesehatan.service import antrian

logger = logging.getLogger("kesehatan.events")


async def on_change(session: AsyncSession, copy: WargaSalinan, event: Event) -> None:
    """After the copy took the change, in the same transaction: a death cancels the person's bookings
    from today on that are still waiting (TERDAFTAR). Cancelling only waiting bookings makes a second
    run a no-op, whatever brings it about."""
    if copy.status != "MENINGGAL":
        return
    # Today in the region's zone, as the registry announced it (the copy is filled by tenant events).
    daerah = await session.get(Daerah, copy.tenant_id)
    today = today_in(daerah.zona_waktu if daerah is not None else "WIB")
    cancelled = await antrian.cancel_for_death(session, tenant_id=copy.tenant_id, nik=copy.nik, dari=today)
    if cancelled:
        logger.info("%s antrian dibatalkan: pemohon meninggal dunia (%s)", cancelled, copy.tenant_id)
