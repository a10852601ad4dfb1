"""Writing an event: into the outbox, in the caller's transaction. Request code never publishes."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

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
    event = make_event(event_type, data, tenant=tenant, subject=subject)
    session.add(
        OutboxEvent(
            id=UUID(event.id),
            type=event.type,
            subject=subject,
            tenant=tenant,
            body=event.to_bytes(),
            headers=inject_headers(),
        )
    )
    return event
