"""The outbox: an event written while NATS is down is published once NATS is back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import UUID

import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy
from puja_kit.bus import EVENT_MAX_BYTES, NATS_MAX_PAYLOAD, Bus
from puja_kit.db import transaction
from puja_kit.errors import EventTooLarge
from puja_kit.events.catalog import LayananSettings, TenantLayananEnabled, TenantUpdated
from puja_kit.events.envelope import Event, make_event
from puja_kit.infra import Nats, free_port
from puja_kit.outbox import OutboxEvent, OutboxRelay, add_event
from puja_kit.outbox.models import DeadLetter
from puja_kit.outbox.relay import MAX_ATTEMPTS
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


# --- one event that cannot be published holds up no other --------------------------------------------

LAYANAN_ENABLED = "puja.tenant_registry.tenant.layanan_enabled"


def layanan_enabled(kode: str, dokumen: list[str]) -> TenantLayananEnabled:
    return TenantLayananEnabled(
        kode=kode,
        slug=f"daerah-{kode}",
        nama=f"Daerah {kode}",
        zona_waktu="WITA",
        layanan="perizinan",
        settings=LayananSettings(dokumen_wajib=dokumen),
    )


async def write_row(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    subject: str,
    body: bytes | None = None,
    type_: str = "",
) -> str:
    """An outbox row as it sits in the table: written as add_event does, or (with `body`/`type_`) as a row
    written before the size cap existed, or one whose publish fails for its own reasons."""
    event = make_event(LAYANAN_ENABLED, layanan_enabled(subject, ["KTP"]), tenant=subject, subject=subject)
    async with transaction(sessionmaker) as session:
        session.add(
            OutboxEvent(
                id=UUID(event.id),
                type=type_ or event.type,
                subject=subject,
                tenant=subject,
                body=body or event.to_bytes(),
                headers={},
            )
        )
    return event.id


async def outbox_rows(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, OutboxEvent]:
    async with sessionmaker() as session:
        return {str(r.id): r for r in (await session.scalars(select(OutboxEvent))).all()}


async def dead_letters(sessionmaker: async_sessionmaker[AsyncSession]) -> list[DeadLetter]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(DeadLetter))).all())


async def test_an_event_too_large_for_nats_is_dead_lettered_and_holds_up_no_other_region(
    kit_db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    nats = Nats(tmp_path / "nats", free_port(), log_path=tmp_path / "nats.log").start()
    bus = Bus(nats.url, subject_prefix="besar.")
    try:
        huge = make_event(
            LAYANAN_ENABLED,
            layanan_enabled("63.08", ["Surat keterangan ahli waris"] * 40_000),
            tenant="63.08",
        ).to_bytes()
        assert len(huge) > NATS_MAX_PAYLOAD
        too_large = await write_row(kit_db, subject="63.08", body=huge)
        other_region = await write_row(kit_db, subject="63.09")

        relay = OutboxRelay(kit_db, bus)
        assert await relay.publish_pending() == 1
        assert await published_ids(bus) == [other_region], "the other region's event is not held up"

        rows = await outbox_rows(kit_db)
        assert too_large not in rows, "the oversized event left the outbox"
        assert rows[other_region].published_at is not None
        [letter] = await dead_letters(kit_db)
        assert (letter.consumer, letter.event_id) == ("outbox", too_large)
        assert letter.subject == f"besar.{LAYANAN_ENABLED}"
        assert letter.body == huge
        assert "MaxPayload" in letter.error or "MessageTooLarge" in letter.error
        assert letter.deliveries == 1, "a message the server refuses as too large is not retried"
        assert await relay.backlog() == 0
    finally:
        await bus.close()
        nats.stop()


async def test_a_failing_event_holds_back_only_the_later_events_of_its_subject(
    kit_db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    nats = Nats(tmp_path / "nats", free_port(), log_path=tmp_path / "nats.log").start()
    bus = Bus(nats.url, subject_prefix="gagal.")
    try:
        # A type no producer owns: its publish fails every time, for its own reasons (not an outage).
        stuck = await write_row(kit_db, subject="63.08", type_="rusak.tanpa_produsen")
        same_subject = await write_row(kit_db, subject="63.08")
        other_subject = await write_row(kit_db, subject="63.09")

        relay = OutboxRelay(kit_db, bus)
        assert await relay.publish_pending() == 1
        assert await published_ids(bus) == [other_subject]
        rows = await outbox_rows(kit_db)
        assert rows[stuck].attempts == 1 and rows[stuck].last_error
        assert rows[same_subject].published_at is None, "a later event of the stuck subject waits"
        assert rows[same_subject].attempts == 0

        passes = 1
        while not await dead_letters(kit_db):
            assert await relay.publish_pending() == 0, "nothing overtakes the stuck event"
            passes += 1
            assert passes <= MAX_ATTEMPTS
        assert passes == MAX_ATTEMPTS, "the stuck event is tried MAX_ATTEMPTS times"
        [letter] = await dead_letters(kit_db)
        assert (letter.consumer, letter.event_id, letter.deliveries) == ("outbox", stuck, MAX_ATTEMPTS)

        assert await relay.publish_pending() == 1, (
            "once the stuck event is a dead letter, its subject goes on"
        )
        assert await published_ids(bus) == [other_subject, same_subject]
        assert await relay.backlog() == 0
    finally:
        await bus.close()
        nats.stop()


async def test_an_event_larger_than_the_cap_is_refused_where_it_is_written(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    # Well below NATS's limit, yet above the kit's cap: refused before anything is stored.
    payload = layanan_enabled("63.08", ["x" * 100] * (EVENT_MAX_BYTES // 100))
    with pytest.raises(EventTooLarge) as refused:
        async with transaction(kit_db) as session:
            await add_event(session, LAYANAN_ENABLED, payload, tenant="63.08", subject="63.08")
    assert refused.value.status_code == 413
    assert refused.value.code == "perubahan_terlalu_besar"
    assert await outbox_rows(kit_db) == {}
    assert EVENT_MAX_BYTES < NATS_MAX_PAYLOAD, "the cap leaves the server's limit headroom"


def test_events_are_utf8_json_and_read_back_unchanged() -> None:
    dokumen = ["Surat keterangan domisili (asli)", "Pas foto 3×4 — latar merah", "تصريح", "𝒜"]
    event = make_event(LAYANAN_ENABLED, layanan_enabled("63.08", dokumen), tenant="63.08", subject="63.08")
    raw = event.to_bytes()
    assert "3×4 — latar merah".encode() in raw, "text travels as UTF-8, not as \\u escapes"
    assert b"\\u" not in raw
    back = Event.from_bytes(raw)
    assert back.data == event.data
    assert (back.id, back.type, back.subject, back.tenant, back.time) == (
        event.id,
        event.type,
        event.subject,
        event.tenant,
        event.time,
    )


async def test_the_kits_nats_server_takes_messages_up_to_the_kits_max_payload(tmp_path: Path) -> None:
    nats = Nats(tmp_path / "nats", free_port(), log_path=tmp_path / "nats.log").start()
    bus = Bus(nats.url)
    try:
        assert (await bus.client()).max_payload == NATS_MAX_PAYLOAD
    finally:
        await bus.close()
        nats.stop()
