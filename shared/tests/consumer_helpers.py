"""What the consumer tests share: a handler that records, raw publishing, counting and waiting."""

from __future__ import annotations

import asyncio

from puja_kit.bus import Bus
from puja_kit.events.envelope import Event
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


async def record(session: AsyncSession, event: Event) -> None:
    await session.execute(text("INSERT INTO applied (event_id) VALUES (:id)"), {"id": event.id})


async def publish_raw(bus: Bus, event: Event, msg_id: str) -> None:
    stream = await bus.ensure_stream("tenant_registry")
    js = await bus.jetstream()
    await js.publish(
        bus.subject(event.type), event.to_bytes(), stream=stream, headers={"Nats-Msg-Id": msg_id}
    )


async def count(sessionmaker: async_sessionmaker[AsyncSession], sql: str) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(text(sql)) or 0)


async def wait_for(predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("kondisi tidak tercapai")


async def pending(bus: Bus, durable: str) -> int:
    js = await bus.jetstream()
    info = await js.consumer_info(bus.stream("tenant_registry"), durable)
    return int(info.num_pending + info.num_ack_pending)
