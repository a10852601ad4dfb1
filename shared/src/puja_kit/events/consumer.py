"""The consumer runner: durable pull consumers shared by a service's replicas, applied exactly once.

For each message: the handler's writes and an inbox row for the event id commit in one transaction,
then the message is acked. A second delivery finds the inbox row and changes nothing.

A failure is one of two kinds (puja_kit.faults). An outage (the database or the bus unreachable, a
dropped connection, a serialization failure or deadlock) is redelivered after a short delay and spends
nothing: however long it lasts, the message applies once the outage ends. Any other failure is the
message's own; those are counted in `consumer_failure`, in the same database as the inbox, so neither a
restart nor a second replica resets the count. After `max_deliver` of them the message goes to
`dead_letter`, from where ops can replay it (`puja dead-letter replay`, `ConsumerRunner.replay`).

JetStream's own delivery count (`num_delivered`) counts outages too, so it is not the limit: the
durable consumer has no max_deliver of its own.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy import delete, func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from puja_kit.bus import Bus, BusUnavailable, producer_of
from puja_kit.db import new_id, transaction, utcnow
from puja_kit.events.dead_letters import DeadLetterNotFound, DeadLetterNotReplayable
from puja_kit.events.envelope import Event
from puja_kit.faults import is_transient
from puja_kit.outbox.models import ConsumerFailure, DeadLetter, InboxEvent
from puja_kit.rls import see_all_regions, set_tenant
from puja_kit.tasks import cancel_tasks, raise_if_cancelling
from puja_kit.telemetry import extract_context, tracer

logger = logging.getLogger("puja_kit.consumer")

Handler = Callable[[AsyncSession, Event], Awaitable[None]]


BATCH_SIZE = 50
BACKOFF_SECONDS: tuple[float, ...] = (1, 5, 15, 60, 300)
# While the database or the bus is away: short, so the backlog moves within seconds of its return.
OUTAGE_BACKOFF_SECONDS: tuple[float, ...] = (1, 2, 5, 10, 15)


@dataclass(frozen=True)
class Consumer:
    """A handler for the events matching `subject` (a NATS pattern over event types)."""

    name: str
    subject: str
    handler: Handler
    # A region's event is applied inside that region's wall (puja_kit.rls); a handler whose rows are not
    # any one region's (akun's accounts) says so here.
    all_regions: bool = False

    @property
    def producer(self) -> str:
        return producer_of(self.subject)


class ReplayOutcome(StrEnum):
    APPLIED = "diterapkan"
    # The inbox already held the event (a later delivery of it was applied): nothing was changed.
    ALREADY_APPLIED = "sudah_pernah_diterapkan"
    ALREADY_REPLAYED = "sudah_diulang"


class ConsumerRunner:
    def __init__(
        self,
        service: str,
        consumers: list[Consumer],
        sessionmaker: async_sessionmaker[AsyncSession],
        bus: Bus,
        *,
        max_deliver: int = 5,
        backoff: tuple[float, ...] = BACKOFF_SECONDS,
        outage_backoff: tuple[float, ...] = OUTAGE_BACKOFF_SECONDS,
        on_applied: Callable[[Event], None] | None = None,
    ) -> None:
        self.service = service
        self.consumers = consumers
        self.sessionmaker = sessionmaker
        self.bus = bus
        self.max_deliver = max_deliver
        self.backoff = backoff
        self.outage_backoff = outage_backoff
        self.on_applied = on_applied
        self._tasks: list[asyncio.Task[None]] = []

    def durable_name(self, consumer: Consumer) -> str:
        return f"{self.service}__{consumer.name}"

    def start(self) -> None:
        for consumer in self.consumers:
            self._tasks.append(asyncio.create_task(self._run(consumer), name=self.durable_name(consumer)))

    async def stop(self) -> None:
        await cancel_tasks(self._tasks)
        self._tasks.clear()

    async def _run(self, consumer: Consumer) -> None:
        durable = self.durable_name(consumer)
        while True:
            try:
                stream = await self.bus.ensure_stream(consumer.producer)
                js = await self.bus.jetstream()
                sub = await js.pull_subscribe(
                    self.bus.subject(consumer.subject),
                    durable=durable,
                    stream=stream,
                    config=ConsumerConfig(
                        durable_name=durable,
                        ack_policy=AckPolicy.EXPLICIT,
                        deliver_policy=DeliverPolicy.ALL,
                        ack_wait=60,
                        max_deliver=-1,
                    ),
                )
                # While idle, wait for one message: a waiting pull for more holds the first one back
                # until it expires. When messages are known to be pending, take them in batches.
                batch = 1
                while True:
                    try:
                        messages = await sub.fetch(batch=batch, timeout=2)
                    except (NatsTimeoutError, TimeoutError):
                        raise_if_cancelling()  # nats-py may turn a cancellation into a timeout
                        batch = 1
                        continue
                    outage = False
                    for msg in messages:
                        if outage:
                            # The rest of the batch would meet the same outage: back with the first.
                            await msg.nak(delay=self._outage_delay(msg))
                        else:
                            outage = not await self.handle(consumer, msg)
                    batch = max(1, min(BATCH_SIZE, messages[-1].metadata.num_pending))
            except asyncio.CancelledError:
                raise
            except BusUnavailable as exc:
                logger.info("%s menunggu NATS: %s", durable, exc)
            except Exception:
                logger.exception("%s berhenti sejenak karena kesalahan", durable)
            raise_if_cancelling()
            await asyncio.sleep(1)

    def _outage_delay(self, msg: Msg) -> float:
        return self.outage_backoff[min(msg.metadata.num_delivered - 1, len(self.outage_backoff) - 1)]

    async def handle(self, consumer: Consumer, msg: Msg) -> bool:
        """Apply one message; False when an outage kept it from being applied (it comes back)."""
        durable = self.durable_name(consumer)
        seq = msg.metadata.sequence.stream
        event: Event | None = None
        try:
            event = Event.from_bytes(msg.data)
            with tracer().start_as_current_span(
                f"consume {event.type}", context=extract_context(msg.headers)
            ) as span:
                span.set_attribute("messaging.consumer", durable)
                # A redelivery may carry failures counted earlier: cleared in the same transaction.
                retried = seq if msg.metadata.num_delivered > 1 else None
                applied = await self._apply_once(durable, consumer, event, retried_seq=retried)
        except Exception as exc:
            return await self._failed(durable, msg, event, exc)
        await msg.ack()
        if applied and self.on_applied is not None:
            self.on_applied(event)
        return True

    async def _apply_once(
        self, durable: str, consumer: Consumer, event: Event, *, retried_seq: int | None = None
    ) -> bool:
        tenant = None if consumer.all_regions else event.tenant
        async with transaction(self.sessionmaker, tenant=tenant, all_regions=consumer.all_regions) as session:
            if retried_seq is not None:
                await session.execute(
                    delete(ConsumerFailure).where(
                        col(ConsumerFailure.consumer) == durable,
                        col(ConsumerFailure.stream_seq) == retried_seq,
                    )
                )
            return await self._apply_in(session, durable, consumer, event)

    async def _apply_in(self, session: AsyncSession, durable: str, consumer: Consumer, event: Event) -> bool:
        inserted = await session.execute(
            insert(InboxEvent)
            .values(event_id=event.id, consumer=durable, type=event.type)
            .on_conflict_do_nothing()
            .returning(col(InboxEvent.event_id))
        )
        if inserted.first() is None:
            return False
        await consumer.handler(session, event)
        return True

    async def _failed(self, durable: str, msg: Msg, event: Event | None, exc: Exception) -> bool:
        """NAK or dead-letter a failed message; False when the failure was an outage."""
        deliveries = msg.metadata.num_delivered
        if is_transient(exc):
            delay = self._outage_delay(msg)
            logger.warning(
                "%s: gangguan sementara (pengiriman %s), diulang %ss tanpa dihitung: %s",
                durable,
                deliveries,
                delay,
                exc,
            )
            await msg.nak(delay=delay)
            return False
        error = "".join(traceback.format_exception(exc))[-4000:]
        try:
            failures = await self._count_failure(durable, msg, event, error)
        except Exception as bookkeeping:
            # Not counted (the database left between the failure and its count): try again later.
            logger.warning("%s: kegagalan belum tercatat, diulang: %s", durable, bookkeeping)
            await msg.nak(delay=self._outage_delay(msg))
            return not is_transient(bookkeeping)
        if failures < self.max_deliver:
            delay = self.backoff[min(failures - 1, len(self.backoff) - 1)]
            logger.warning("%s gagal (percobaan %s), diulang %ss: %s", durable, failures, delay, exc)
            await msg.nak(delay=delay)
            return True
        if failures == self.max_deliver:
            logger.error("%s: pesan dipindah ke dead letter setelah %s percobaan", durable, failures)
        # Past the limit: a dead letter whose term was lost on the way; it is kept once.
        await msg.term()
        return True

    async def _count_failure(self, durable: str, msg: Msg, event: Event | None, error: str) -> int:
        """One more failure of this message; at the limit its dead letter, in the same transaction."""
        seq = msg.metadata.sequence.stream
        async with transaction(self.sessionmaker) as session:
            upsert = insert(ConsumerFailure).values(
                consumer=durable, stream_seq=seq, failures=1, last_error=error
            )
            failures = int(
                (
                    await session.execute(
                        upsert.on_conflict_do_update(
                            index_elements=[col(ConsumerFailure.consumer), col(ConsumerFailure.stream_seq)],
                            set_={
                                "failures": col(ConsumerFailure.failures) + 1,
                                "last_error": upsert.excluded.last_error,
                                "updated_at": func.now(),
                            },
                        ).returning(col(ConsumerFailure.failures))
                    )
                ).scalar_one()
            )
            if failures == self.max_deliver:
                session.add(
                    DeadLetter(
                        id=new_id(),
                        consumer=durable,
                        event_id=event.id if event else None,
                        subject=msg.subject,
                        body=msg.data,
                        error=error,
                        deliveries=msg.metadata.num_delivered,
                    )
                )
        return failures

    async def replay(self, letter_id: UUID) -> ReplayOutcome:
        """Apply a dead letter's event through its handler and the inbox, as a delivery would, and mark
        it replayed, all in one transaction: it applies at most once, however often it is replayed.

        A handler that fails again rolls everything back (the dead letter stays as it was) and raises."""
        async with transaction(self.sessionmaker) as session:
            letter = await session.get(DeadLetter, letter_id, with_for_update=True)
            if letter is None:
                raise DeadLetterNotFound(f"Dead letter {letter_id} tidak ada.")
            if letter.replayed_at is not None:
                return ReplayOutcome.ALREADY_REPLAYED
            consumer = next((c for c in self.consumers if self.durable_name(c) == letter.consumer), None)
            if letter.consumer == "outbox":  # puja_kit.outbox.relay.DEAD_LETTER_SOURCE
                raise DeadLetterNotReplayable(
                    "Dead letter ini dari relay outbox: event-nya tidak pernah terbit, jadi tidak ada "
                    "handler yang bisa mengulangnya."
                )
            if consumer is None:
                raise DeadLetterNotReplayable(
                    f"Consumer {letter.consumer} bukan milik layanan {self.service}."
                )
            try:
                event = Event.from_bytes(letter.body)
            except Exception as exc:
                raise DeadLetterNotReplayable(f"Isi pesan tidak terbaca sebagai event: {exc}") from exc
            if consumer.all_regions:
                await see_all_regions(session)
            elif event.tenant is not None:
                await set_tenant(session, event.tenant)
            applied = await self._apply_in(session, letter.consumer, consumer, event)
            await session.execute(
                update(DeadLetter).where(col(DeadLetter.id) == letter_id).values(replayed_at=utcnow())
            )
        if applied and self.on_applied is not None:
            self.on_applied(event)
        logger.info("%s: dead letter %s diulang (%s)", letter.consumer, letter_id, event.id)
        return ReplayOutcome.APPLIED if applied else ReplayOutcome.ALREADY_APPLIED
