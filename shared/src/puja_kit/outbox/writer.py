"""Writing an event: into the outbox, in the caller's transaction. Request code never publishes."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from puja_kit.bus import EVENT_MAX_BYTES
from puja_kit.db import OUTBOX_WRITTEN
from puja_kit.errors import EventTooLarge
from puja_kit.events.catalog import Payload
from puja_kit.events.envelope import Event, make_event
from puja_kit.outbox.models import OutboxEvent
from puja_kit.telemetry import inject_headers


async def add_event(
    session: AsyncSession,
    event_type: str,
    data: Payload,
    *,
    tenant: str | None,
    subject: str | None = None,
) -> Event:
    """Queue `data` for the relay. An event larger than the kit's cap (`bus.EVENT_MAX_BYTES`, derived
    from the NATS server's max_payload) is refused here with a 413 problem, so the change that would
    announce it fails and rolls back instead of leaving an event that could never be published."""
    event = make_event(event_type, data, tenant=tenant, subject=subject)
    body = event.to_bytes()
    if len(body) > EVENT_MAX_BYTES:
        raise EventTooLarge(
            f"Perubahan ini menghasilkan pengumuman {len(body) // 1024} KB, melebihi batas "
            f"{EVENT_MAX_BYTES // 1024} KB. Perkecil isinya (misalnya daftar yang panjang) lalu simpan lagi."
        )
    session.info[OUTBOX_WRITTEN] = True
    session.add(
        OutboxEvent(
            id=UUID(event.id),
            type=event.type,
            subject=subject,
            tenant=tenant,
            body=body,
            headers=inject_headers(),
        )
    )
    return event
