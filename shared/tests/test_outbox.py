"""The outbox: an event written while NATS is down is published once NATS is back."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nats.js.api import ConsumerConfig, DeliverPolicy
from puja_kit.bus import Bus
from puja_kit.db import transaction
from puja_kit.events.catalog import TenantUpdated
from puja_kit.events.envelope import Event
from puja_kit.infra import Nats, free_port
from puja_kit.outbox import OutboxEvent, OutboxRelay, add_event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

PAYLOAD = TenantUpdated(
    kode="63.08", slug="kab-hulu-sungai-utara", nama="HSU", zona_waktu="WITA", aktif=True, layanan=[]
)


async def write_event(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    async with transaction(sessionmaker) as session:
        event = await add_event(session, "puja.tenant_registry.tenant.updated", PAYLOAD, tenant="63.08")
    return event.id


async def published_ids(bus: Bus) -> list[str]:
    stream = await bus.ensure_stream("tenant_registry")
    js = await bus.jetstream()
    info = await js.stream_info(stream)
    sub = await js.pull_subscribe(
        bus.subject("puja.tenant_registry.>"),
        stream=stream,
        config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
    )
    messages = await sub.fetch(batch=max(info.state.messages, 1), timeout=2) if info.state.messages else []
    await sub.unsubscribe()
    return [Event.from_bytes(m.data).id for m in messages]


async def test_event_written_while_nats_is_down_is_published_when_it_is_back(
    kit_db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    nats = Nats(tmp_path / "nats", free_port(), log_path=tmp_path / "nats.log").start()
    bus = Bus(nats.url, subject_prefix="outbox.")
    relay = OutboxRelay(kit_db, bus, interval=0.1)
    relay.start()
    try:
        first = await write_event(kit_db)
        relay.wake()
        for _ in range(100):
            if await relay.backlog() == 0:
                break
            await asyncio.sleep(0.05)
        assert await relay.backlog() == 0

        nats.stop()
        second = await write_event(kit_db)
        relay.wake()
        await asyncio.sleep(1.0)
        assert await relay.backlog() == 1, "nothing can be published while NATS is down"

        nats.start()  # same port, same storage
        for _ in range(200):
            if await relay.backlog() == 0:
                break
            await asyncio.sleep(0.05)
        assert await relay.backlog() == 0
        assert await published_ids(bus) == [first, second]
    finally:
        await relay.stop()
        await bus.close()
        nats.stop()


async def test_two_relays_publish_each_event_once(
    kit_db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    nats = Nats(tmp_path / "nats", free_port(), log_path=tmp_path / "nats.log").start()
    buses = [Bus(nats.url, subject_prefix="two."), Bus(nats.url, subject_prefix="two.")]
    try:
        ids = [await write_event(kit_db) for _ in range(30)]
        relays = [OutboxRelay(kit_db, bus, batch_size=5) for bus in buses]
        counts = await asyncio.gather(*(r.publish_pending() for r in relays for _ in range(4)))
        while await relays[0].backlog():
            counts.append(await relays[0].publish_pending())
        assert sum(counts) == 30, "SKIP LOCKED: no row is published by two replicas"
        assert sorted(await published_ids(buses[0])) == sorted(ids)
        async with kit_db() as session:
            rows = (await session.scalars(select(OutboxEvent))).all()
        assert all(r.published_at is not None for r in rows)
    finally:
        for bus in buses:
            await bus.close()
        nats.stop()


async def test_published_events_and_old_inbox_rows_are_pruned(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    from datetime import timedelta

    from puja_kit.db import utcnow
    from puja_kit.outbox.models import InboxEvent

    kept = await write_event(kit_db)
    old = await write_event(kit_db)
    unpublished = await write_event(kit_db)
    async with transaction(kit_db) as session:
        for row in (await session.scalars(select(OutboxEvent))).all():
            if str(row.id) == old:
                row.published_at = utcnow() - timedelta(days=8)
            elif str(row.id) == kept:
                row.published_at = utcnow() - timedelta(days=1)
        session.add(
            InboxEvent(
                event_id="lama", consumer="kit__x", type="t", processed_at=utcnow() - timedelta(days=31)
            )
        )
        session.add(InboxEvent(event_id="baru", consumer="kit__x", type="t"))
    await OutboxRelay(kit_db, Bus("nats://127.0.0.1:1")).prune()
    async with kit_db() as session:
        remaining = {str(r.id) for r in (await session.scalars(select(OutboxEvent))).all()}
        inbox = {r.event_id for r in (await session.scalars(select(InboxEvent))).all()}
    assert remaining == {kept, unpublished}, "unpublished events are never pruned"
    assert inbox == {"baru"}


async def test_a_relay_woken_as_it_is_cancelled_still_stops(kit_db: async_sessionmaker[AsyncSession]) -> None:
    """A wake-up and a cancellation in the same turn of the loop: the relay must not swallow the
    cancellation and run on after its service stopped (asyncio.wait_for does so on Python 3.11)."""
    relay = OutboxRelay(kit_db, Bus("nats://127.0.0.1:1"), interval=30)
    relay.start()
    task = relay._task
    assert task is not None
    for _ in range(100):  # until it waits for a wake-up (its first pass found nothing to publish)
        await asyncio.sleep(0.02)
        if relay._wake._waiters:  # type: ignore[attr-defined]
            break
    relay.wake()
    task.cancel()
    await asyncio.wait([task], timeout=5)
    assert task.done(), "the relay ran on after it was cancelled"
    assert task.cancelled()
