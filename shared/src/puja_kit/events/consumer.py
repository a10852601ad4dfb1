"""The consumer runner: durable pull consumers shared by a service's replicas, applied exactly once.

For each message: the handler's writes and an inbox row for the event id commit in one transaction,
then the message is acked. A second delivery finds the inbox row and changes nothing. A failing message
is redelivered with backoff; after `max_deliver` attempts it goes to the dead-letter table.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from puja_kit.bus import Bus, BusUnavailable, producer_of
from puja_kit.db import new_id, transaction
from puja_kit.events.envelope import Event
from puja_kit.outbox.models import DeadLetter, InboxEvent
from puja_kit.tasks import cancel_tasks, raise_if_cancelling
from puja_kit.telemetry import extract_context, tracer

logger = logging.getLogger("puja_kit.consumer")

Handler = Callable[[AsyncSession, Event], Awaitable[None]]


BATCH_SIZE = 50
BACKOFF_SECONDS: tuple[float, ...] = (1, 5, 15, 60, 300)


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
        on_applied: Callable[[Event], None] | None = None,
    ) -> None:
        self.service = service
        self.consumers = consumers
        self.sessionmaker = sessionmaker
        self.bus = bus
        self.max_deliver = max_deliver
        self.backoff = backoff
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
                    for msg in messages:
                        await self.handle(consumer, msg)
                    batch = max(1, min(BATCH_SIZE, messages[-1].metadata.num_pending))
            except asyncio.CancelledError:
                raise
            except BusUnavailable as exc:
                logger.info("%s menunggu NATS: %s", durable, exc)
            except Exception:
                logger.exception("%s berhenti sejenak karena kesalahan", durable)
            raise_if_cancelling()
            await asyncio.sleep(1)

    async def handle(self, consumer: Consumer, msg: Msg) -> None:
        durable = self.durable_name(consumer)
        deliveries = msg.metadata.num_delivered
        event: Event | None = None
        try:
            event = Event.from_bytes(msg.data)
            with tracer().start_as_current_span(
                f"consume {event.type}", context=extract_context(msg.headers)
            ) as span:
                span.set_attribute("messaging.consumer", durable)
                applied = await self._apply_once(durable, consumer, event)
        except Exception as exc:
            await self._failed(durable, msg, event, exc, deliveries)
            return
        await msg.ack()
        if applied and self.on_applied is not None:
            self.on_applied(event)

    async def _apply_once(self, durable: str, consumer: Consumer, event: Event) -> bool:
        tenant = None if consumer.all_regions else event.tenant
        async with transaction(self.sessionmaker, tenant=tenant, all_regions=consumer.all_regions) as session:
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

    async def _failed(
        self, durable: str, msg: Msg, event: Event | None, exc: Exception, deliveries: int
    ) -> None:
        if deliveries < self.max_deliver:
            delay = self.backoff[min(deliveries - 1, len(self.backoff) - 1)]
            logger.warning("%s gagal (percobaan %s), diulang %ss: %s", durable, deliveries, delay, exc)
            await msg.nak(delay=delay)
            return
        logger.error("%s: pesan dipindah ke dead letter setelah %s percobaan", durable, deliveries)
        async with transaction(self.sessionmaker) as session:
            session.add(
                DeadLetter(
                    id=new_id(),
                    consumer=durable,
                    event_id=event.id if event else None,
                    subject=msg.subject,
                    body=msg.data,
                    error="".join(traceback.format_exception(exc))[-4000:],
                    deliveries=deliveries,
                )
            )
        await msg.term()
