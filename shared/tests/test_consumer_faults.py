"""The consumer runner under faults: a database outage spends no deliveries, however long it lasts; a
poison message still becomes a dead letter, which ops list, inspect and replay once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nats.aio.msg import Msg
from puja_kit.bus import Bus
from puja_kit.db import make_engine, make_sessionmaker
from puja_kit.events.catalog import TenantUpdated
from puja_kit.events.consumer import Consumer, ConsumerRunner, ReplayOutcome
from puja_kit.events.dead_letters import describe, get_dead_letter, list_dead_letters, summary
from puja_kit.events.envelope import Event, make_event
from puja_kit.infra import Postgres, free_port
from puja_kit.migrations import KIT_TABLES
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .consumer_helpers import count, pending, publish_raw, record, wait_for

TYPE = "puja.tenant_registry.tenant.updated"
PAYLOAD = TenantUpdated(
    kode="63.08", slug="kab-hulu-sungai-utara", nama="HSU", zona_waktu="WITA", aktif=True, layanan=[]
)
MAX_DELIVER = 3
BACKOFF = (0.05, 0.1)  # the whole redelivery schedule of a failing message: well under a second


class WatchedRunner(ConsumerRunner):
    """Remembers how often JetStream delivered each message (by stream sequence)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.deliveries: dict[int, int] = {}

    async def handle(self, consumer: Consumer, msg: Msg):  # type: ignore[no-untyped-def]
        seq = msg.metadata.sequence.stream
        self.deliveries[seq] = max(self.deliveries.get(seq, 0), msg.metadata.num_delivered)
        return await super().handle(consumer, msg)


@pytest.fixture
async def own_postgres(tmp_path: Path) -> AsyncIterator[tuple[Postgres, async_sessionmaker[AsyncSession]]]:
    """A Postgres of this test alone (the session's server is shared by every test, so not that one)."""
    server = Postgres(tmp_path / "pg", free_port(), log_path=tmp_path / "postgres.log", fast_unsafe=True)
    await asyncio.to_thread(server.start)
    try:
        url = server.ensure_database("kit_outage", "kit-outage-pw")
        engine = make_engine(url, pool_size=2)
        async with engine.begin() as conn:
            for model in KIT_TABLES:
                await conn.run_sync(model.__table__.create)  # type: ignore[attr-defined]
            await conn.execute(text("CREATE TABLE applied (event_id text NOT NULL, note text)"))
        yield server, make_sessionmaker(engine)
        await engine.dispose()
    finally:
        await asyncio.to_thread(server.stop)


async def test_a_database_outage_longer_than_the_redelivery_schedule_dead_letters_nothing(
    own_postgres: tuple[Postgres, async_sessionmaker[AsyncSession]], bus: Bus
) -> None:
    server, sessionmaker = own_postgres
    runner = WatchedRunner(
        "kit",
        [Consumer("record", TYPE, record)],
        sessionmaker,
        bus,
        max_deliver=MAX_DELIVER,
        backoff=BACKOFF,
        outage_backoff=(0.1, 0.2),
    )
    events = [make_event(TYPE, PAYLOAD, tenant="63.08") for _ in range(9)]
    for event in events[:3]:
        await publish_raw(bus, event, event.id)
    runner.start()
    try:

        async def first_applied() -> bool:
            return await count(sessionmaker, "SELECT count(*) FROM applied") == 3

        await wait_for(first_applied, timeout=20)
        await asyncio.to_thread(server.stop)
        for event in events[3:7]:  # events keep coming while the database is away
            await publish_raw(bus, event, event.id)

        async def outage_outlasted_the_schedule() -> bool:
            # Every message still waiting was delivered more often than a poison message would be
            # before its dead letter: the outage is longer than the whole redelivery schedule.
            return all(runner.deliveries.get(seq, 0) > 2 * MAX_DELIVER for seq in range(4, 8))

        await wait_for(outage_outlasted_the_schedule, timeout=20)
        await asyncio.to_thread(server.start)
        for event in events[7:]:
            await publish_raw(bus, event, event.id)

        async def all_applied() -> bool:
            applied = await count(sessionmaker, "SELECT count(*) FROM applied")
            return applied >= len(events) and await pending(bus, "kit__record") == 0

        await wait_for(all_applied, timeout=20)
    finally:
        await runner.stop()
    assert await count(sessionmaker, "SELECT count(*) FROM dead_letter") == 0
    assert await count(sessionmaker, "SELECT count(*) FROM applied") == len(events)
    assert await count(sessionmaker, "SELECT count(DISTINCT event_id) FROM applied") == len(events)
    assert await count(sessionmaker, "SELECT count(*) FROM inbox_event") == len(events)
    # The outage counted nothing toward any message's dead letter.
    assert await count(sessionmaker, "SELECT count(*) FROM consumer_failure") == 0


async def test_a_lock_timeout_is_retried_without_spending_deliveries(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    """A lock wait, a deadlock or a serialization failure says nothing about the event: retried until
    it goes through, never dead-lettered."""
    async with kit_db() as session, session.begin():
        await session.execute(text("CREATE TABLE tally (id int PRIMARY KEY, n int NOT NULL)"))
        await session.execute(text("INSERT INTO tally VALUES (1, 0)"))

    async def count_it(session: AsyncSession, event: Event) -> None:
        await session.execute(text("SET LOCAL lock_timeout = '50ms'"))
        await session.execute(text("UPDATE tally SET n = n + 1 WHERE id = 1"))
        await record(session, event)

    runner = WatchedRunner(
        "kit",
        [Consumer("record", TYPE, count_it)],
        kit_db,
        bus,
        max_deliver=MAX_DELIVER,
        backoff=BACKOFF,
        outage_backoff=(0.05,),
    )
    async with kit_db() as holder, holder.begin():
        # Another transaction holds the row for longer than the whole redelivery schedule.
        await holder.execute(text("SELECT n FROM tally WHERE id = 1 FOR UPDATE"))
        await publish_raw(bus, make_event(TYPE, PAYLOAD, tenant="63.08"), "locked")
        runner.start()

        async def waited_past_the_limit() -> bool:
            return runner.deliveries.get(1, 0) > 2 * MAX_DELIVER

        try:
            await wait_for(waited_past_the_limit)
        except BaseException:
            await runner.stop()
            raise
    try:
        await wait_for(lambda: count(kit_db, "SELECT count(*) FROM applied"))
        await wait_for(lambda: _nothing_pending(bus))
    finally:
        await runner.stop()
    assert await count(kit_db, "SELECT count(*) FROM dead_letter") == 0
    assert await count(kit_db, "SELECT n FROM tally") == 1
    assert await count(kit_db, "SELECT count(*) FROM applied") == 1


async def test_a_restart_does_not_reset_a_poison_message_s_count(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    """The count of a message's own failures lives in the database, not in a replica's memory."""

    async def broken(session: AsyncSession, event: Event) -> None:
        raise ValueError("payload ini tidak bisa diproses")

    def runner() -> ConsumerRunner:
        consumers = [Consumer("broken", TYPE, broken)]
        return ConsumerRunner("kit", consumers, kit_db, bus, max_deliver=MAX_DELIVER, backoff=(30,))

    await publish_raw(bus, make_event(TYPE, PAYLOAD, tenant="63.08"), "poison")
    first = runner()
    first.start()
    try:
        await wait_for(lambda: count(kit_db, "SELECT count(*) FROM consumer_failure WHERE failures = 1"))
    finally:
        await first.stop()
    # A long backoff: the message would only come back in 30 s. Another replica (or the same after a
    # restart) taking it sooner, as after an ack timeout, continues the count.
    async with kit_db() as session, session.begin():
        await session.execute(text("UPDATE consumer_failure SET failures = :n"), {"n": MAX_DELIVER - 1})
    js = await bus.jetstream()
    await js.delete_consumer(bus.stream("tenant_registry"), "kit__broken")
    second = runner()
    second.start()
    try:
        await wait_for(lambda: count(kit_db, "SELECT count(*) FROM dead_letter"))
    finally:
        await second.stop()
    assert await count(kit_db, "SELECT failures FROM consumer_failure") == MAX_DELIVER


async def test_a_dead_letter_is_listed_shown_and_replayed_once(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    fixed = False

    async def broken_until_fixed(session: AsyncSession, event: Event) -> None:
        if not fixed:
            raise ValueError("kode wilayah belum dikenal")
        await record(session, event)

    runner = ConsumerRunner(
        "kit",
        [Consumer("record", TYPE, broken_until_fixed)],
        kit_db,
        bus,
        max_deliver=MAX_DELIVER,
        backoff=BACKOFF,
    )
    event = make_event(TYPE, PAYLOAD, tenant="63.08")
    await publish_raw(bus, event, event.id)
    runner.start()  # running all along, as the service's replicas are while ops replay
    try:
        await wait_for(lambda: count(kit_db, "SELECT count(*) FROM dead_letter"))
        await wait_for(lambda: _nothing_pending(bus))
        assert await count(kit_db, "SELECT count(*) FROM applied") == 0

        [letter] = await list_dead_letters(kit_db)
        assert letter.consumer == "kit__record" and letter.event_id == event.id
        assert letter.deliveries == MAX_DELIVER and letter.replayed_at is None
        assert "menunggu" in summary(letter) and "kode wilayah belum dikenal" in summary(letter)
        shown = describe(await get_dead_letter(kit_db, letter.id))
        assert event.id in shown and '"kode": "63.08"' in shown and "ValueError" in shown

        fixed = True  # the cause is fixed; ops replay
        assert await runner.replay(letter.id) == ReplayOutcome.APPLIED
        assert await count(kit_db, "SELECT count(*) FROM applied") == 1
        assert await runner.replay(letter.id) == ReplayOutcome.ALREADY_REPLAYED
        assert await count(kit_db, "SELECT count(*) FROM applied") == 1
        assert await list_dead_letters(kit_db) == []
        [replayed] = await list_dead_letters(kit_db, include_replayed=True)
        assert replayed.replayed_at is not None and "diulang" in summary(replayed)

        # The same event delivered once more (a copy under another message id) finds it in the inbox.
        await publish_raw(bus, event, "copy")

        async def copy_consumed() -> bool:
            js = await bus.jetstream()
            info = await js.consumer_info(bus.stream("tenant_registry"), "kit__record")
            return info.ack_floor.stream_seq == 2

        await wait_for(copy_consumed)
    finally:
        await runner.stop()
    assert await count(kit_db, "SELECT count(*) FROM applied") == 1
    assert await count(kit_db, "SELECT count(*) FROM inbox_event") == 1


async def test_a_replay_whose_handler_fails_again_leaves_the_dead_letter_waiting(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    async def broken(session: AsyncSession, event: Event) -> None:
        await record(session, event)
        raise ValueError("masih rusak")

    runner = ConsumerRunner(
        "kit", [Consumer("broken", TYPE, broken)], kit_db, bus, max_deliver=2, backoff=BACKOFF
    )
    await publish_raw(bus, make_event(TYPE, PAYLOAD, tenant="63.08"), "poison")
    runner.start()
    try:
        await wait_for(lambda: count(kit_db, "SELECT count(*) FROM dead_letter"))
    finally:
        await runner.stop()
    [letter] = await list_dead_letters(kit_db)
    with pytest.raises(ValueError, match="masih rusak"):
        await runner.replay(letter.id)
    [still] = await list_dead_letters(kit_db)
    assert still.replayed_at is None
    assert await count(kit_db, "SELECT count(*) FROM applied") == 0
    assert await count(kit_db, "SELECT count(*) FROM inbox_event") == 0


async def _nothing_pending(bus: Bus) -> bool:
    try:
        return await pending(bus, "kit__record") == 0
    except Exception:
        return False
