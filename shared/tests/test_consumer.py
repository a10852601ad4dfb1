"""The consumer runner: an event delivered twice is applied once; failures retry, then dead-letter."""

from __future__ import annotations

from puja_kit.bus import Bus
from puja_kit.events.catalog import TenantUpdated
from puja_kit.events.consumer import Consumer, ConsumerRunner
from puja_kit.events.envelope import Event, make_event
from puja_kit.outbox.models import DeadLetter, InboxEvent
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .consumer_helpers import count, pending, publish_raw, record, wait_for

TYPE = "puja.tenant_registry.tenant.updated"
PAYLOAD = TenantUpdated(
    kode="63.08", slug="kab-hulu-sungai-utara", nama="HSU", zona_waktu="WITA", aktif=True, layanan=[]
)


async def test_event_delivered_twice_is_applied_once(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    runner = ConsumerRunner("kit", [Consumer("record", TYPE, record)], kit_db, bus)
    event = make_event(TYPE, PAYLOAD, tenant="63.08")
    # Two copies with different message ids, so JetStream's own de-duplication cannot hide the second.
    await publish_raw(bus, event, "copy-1")
    await publish_raw(bus, event, "copy-2")
    runner.start()
    try:
        await wait_for(lambda: _drained(bus, "kit__record"))
    finally:
        await runner.stop()
    assert await count(kit_db, "SELECT count(*) FROM applied") == 1
    async with kit_db() as session:
        inbox = (await session.scalars(select(InboxEvent))).all()
    assert [(row.event_id, row.consumer) for row in inbox] == [(event.id, "kit__record")]


async def _drained(bus: Bus, durable: str) -> bool:
    try:
        return await pending(bus, durable) == 0 and (await _delivered(bus, durable)) > 0
    except Exception:
        return False


async def _delivered(bus: Bus, durable: str) -> int:
    js = await bus.jetstream()
    info = await js.consumer_info(bus.stream("tenant_registry"), durable)
    return int(info.delivered.stream_seq)


async def test_a_failure_rolls_back_and_the_redelivery_applies_it_once(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    attempts = 0

    async def flaky(session: AsyncSession, event: Event) -> None:
        nonlocal attempts
        attempts += 1
        await record(session, event)
        if attempts == 1:
            raise RuntimeError("database hiccup after the write")

    runner = ConsumerRunner("kit", [Consumer("flaky", TYPE, flaky)], kit_db, bus, backoff=(0.1,))
    await publish_raw(bus, make_event(TYPE, PAYLOAD, tenant="63.08"), "only")
    runner.start()
    try:
        await wait_for(lambda: _drained(bus, "kit__flaky"))
    finally:
        await runner.stop()
    assert attempts == 2
    assert await count(kit_db, "SELECT count(*) FROM applied") == 1


async def test_a_poison_message_lands_in_the_dead_letter_table(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    async def broken(session: AsyncSession, event: Event) -> None:
        raise ValueError("payload ini tidak bisa diproses")

    runner = ConsumerRunner(
        "kit", [Consumer("broken", TYPE, broken)], kit_db, bus, max_deliver=3, backoff=(0.05,)
    )
    event = make_event(TYPE, PAYLOAD, tenant="63.08")
    await publish_raw(bus, event, "poison")
    runner.start()
    try:
        await wait_for(lambda: count(kit_db, "SELECT count(*) FROM dead_letter"))
        await wait_for(lambda: _drained(bus, "kit__broken"))
    finally:
        await runner.stop()
    async with kit_db() as session:
        letters = (await session.scalars(select(DeadLetter))).all()
        inbox = await session.scalar(select(func.count()).select_from(InboxEvent))
    assert len(letters) == 1
    assert letters[0].event_id == event.id
    assert letters[0].deliveries == 3
    assert "payload ini tidak bisa diproses" in letters[0].error
    assert inbox == 0


async def test_an_unreadable_message_is_dead_lettered_not_retried_forever(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    runner = ConsumerRunner(
        "kit", [Consumer("record", TYPE, record)], kit_db, bus, max_deliver=2, backoff=(0.05,)
    )
    stream = await bus.ensure_stream("tenant_registry")
    js = await bus.jetstream()
    await js.publish(bus.subject(TYPE), b"{not json", stream=stream)
    runner.start()
    try:
        await wait_for(lambda: count(kit_db, "SELECT count(*) FROM dead_letter"))
    finally:
        await runner.stop()
    assert await count(kit_db, "SELECT count(*) FROM applied") == 0
