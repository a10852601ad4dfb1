"""The outbox relay: publishes unsent events to JetStream, safe with several replicas.

Each pass locks a batch with FOR UPDATE SKIP LOCKED, so two replicas never publish the same rows at
once; `Nats-Msg-Id` = the event id lets JetStream drop a re-publish after a crash between publish and
commit. While NATS is down the rows simply wait.

One event that cannot be published does not hold up the others. A row whose publish fails for its own
reasons (not an outage) counts an attempt and holds back only the later events of the same ordering key
(its CloudEvents subject, the aggregate; for events without one, their type); every other event goes on.
After `max_attempts` such failures, or at once when the message is larger than the server takes, the row
moves to `dead_letter` (consumer `outbox`, the event's NATS subject, its body and the error) for ops, and
the events behind it go on. An outage (NATS unreachable, no answer, JetStream unavailable) spends no
attempt: the pass stops and everything waits, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta
from typing import Any

import nats.errors
import nats.js.errors
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased
from sqlmodel import col

from puja_kit.bus import Bus, BusUnavailable, producer_of
from puja_kit.db import new_id, transaction, utcnow
from puja_kit.faults import is_transient
from puja_kit.idempotency import IdempotencyRecord
from puja_kit.outbox.models import DeadLetter, InboxEvent, OutboxEvent
from puja_kit.tasks import cancel_tasks, raise_if_cancelling

logger = logging.getLogger("puja_kit.outbox")

PRUNE_EVERY_SECONDS = 3600.0
OUTBOX_KEEP = timedelta(days=7)
INBOX_KEEP = timedelta(days=30)
IDEMPOTENCY_KEEP = timedelta(days=2)

MAX_ATTEMPTS = 10
"""Failed publishes of one row (not outages) before it moves to the dead letters."""
DEAD_LETTER_SOURCE = "outbox"
"""`dead_letter.consumer` of an event the relay gave up publishing (consumers' are `<service>__<handler>`)."""
# JetStream's "message size exceeds maximum allowed" (a stream's max_msg_size).
_JS_MESSAGE_TOO_LARGE = 10054


class MessageTooLarge(Exception):
    """The message, headers included, is larger than the server's max_payload."""


def _headers_size(headers: dict[str, str]) -> int:
    """The bytes NATS counts for headers: `NATS/1.0\\r\\n`, a `key: value\\r\\n` each, a closing `\\r\\n`."""
    return 12 + sum(len(k.encode()) + len(v.encode()) + 4 for k, v in headers.items())


def _is_outage(exc: BaseException) -> bool:
    if is_transient(exc) or isinstance(
        exc, (nats.errors.OutboundBufferLimitError, nats.js.errors.NoStreamResponseError)
    ):
        return True
    # JetStream answered but cannot store right now (not ready, out of resources): not the row's fault.
    return isinstance(exc, nats.js.errors.APIError) and (exc.code or 0) >= 500


def _too_large(exc: BaseException) -> bool:
    if isinstance(exc, (MessageTooLarge, nats.errors.MaxPayloadError)):
        return True
    return isinstance(exc, nats.js.errors.APIError) and exc.err_code == _JS_MESSAGE_TOO_LARGE


def _ordering_key(row: OutboxEvent) -> tuple[str, str]:
    return ("subject", row.subject) if row.subject is not None else ("type", row.type)


def _behind_a_failed_row() -> Any:
    """Whether an earlier unpublished row of the same ordering key has failed: this one waits for it."""
    earlier = aliased(OutboxEvent)
    same_key = or_(
        and_(col(OutboxEvent.subject).is_not(None), col(earlier.subject) == col(OutboxEvent.subject)),
        and_(
            col(OutboxEvent.subject).is_(None),
            col(earlier.subject).is_(None),
            col(earlier.type) == col(OutboxEvent.type),
        ),
    )
    return exists().where(
        col(earlier.published_at).is_(None),
        col(earlier.attempts) > 0,
        col(earlier.id) < col(OutboxEvent.id),
        same_key,
    )


class OutboxRelay:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        bus: Bus,
        *,
        interval: float = 1.0,
        batch_size: int = 100,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.bus = bus
        self.interval = interval
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_tasks([self._task])
            self._task = None

    async def _run(self) -> None:
        last_prune = 0.0
        while True:
            if time.monotonic() - last_prune > PRUNE_EVERY_SECONDS:
                last_prune = time.monotonic()
                try:
                    await self.prune()
                except Exception:
                    logger.exception("pembersihan outbox gagal; dicoba lagi nanti")
            try:
                published = await self.publish_pending()
            except BusUnavailable as exc:
                logger.info("outbox menunggu NATS: %s", exc)
                published = 0
            except Exception:
                logger.exception("outbox relay gagal; dicoba lagi")
                published = 0
            raise_if_cancelling()
            if published >= self.batch_size:
                continue
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for loses a cancellation that arrives
            # as the wake-up does, and the relay would then outlive its service.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
            self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were published."""
        async with transaction(self.sessionmaker) as session:
            rows = (
                await session.scalars(
                    select(OutboxEvent)
                    .where(col(OutboxEvent.published_at).is_(None), ~_behind_a_failed_row())
                    .order_by(col(OutboxEvent.id))
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True, of=OutboxEvent)
                )
            ).all()
            if not rows:
                return 0
            client = await self.bus.client()
            js = await self.bus.jetstream()
            published = 0
            held: set[tuple[str, str]] = set()
            for row in rows:
                key = _ordering_key(row)
                if key in held:
                    continue  # an earlier event of its subject failed in this pass: it waits
                headers = {"Nats-Msg-Id": str(row.id), **{k: str(v) for k, v in row.headers.items()}}
                try:
                    producer = producer_of(row.type)
                    await self.bus.ensure_stream(producer)
                    size = len(row.body) + _headers_size(headers)
                    if size > client.max_payload:
                        # nats-py checks the payload alone; the server counts headers too and would
                        # close the connection, which would look like an outage on every pass.
                        raise MessageTooLarge(f"{size} bita, batas server {client.max_payload} bita")
                    await js.publish(self.bus.subject(row.type), row.body, headers=headers)
                except Exception as exc:
                    if _is_outage(exc):
                        if isinstance(exc, nats.js.errors.NoStreamResponseError):
                            self.bus.forget_stream(producer)
                        logger.info("outbox menunggu NATS: %s", exc)
                        break  # nothing is spent; this row and the ones after it go next pass, in order
                    row.attempts += 1
                    row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                    if _too_large(exc) or row.attempts >= self.max_attempts:
                        await self._dead_letter(session, row)
                    else:
                        held.add(key)
                        logger.warning(
                            "gagal menerbitkan %s (percobaan %s): %s", row.id, row.attempts, row.last_error
                        )
                    continue
                row.published_at = utcnow()
                published += 1
            return published

    async def _dead_letter(self, session: AsyncSession, row: OutboxEvent) -> None:
        """Give up on a row: it moves to `dead_letter` for ops, and the events behind it go on."""
        logger.error(
            "outbox: event %s (%s, subject %s) dipindah ke dead letter setelah %s percobaan: %s",
            row.id,
            row.type,
            row.subject,
            row.attempts,
            row.last_error,
        )
        session.add(
            DeadLetter(
                id=new_id(),
                consumer=DEAD_LETTER_SOURCE,
                event_id=str(row.id),
                subject=self.bus.subject(row.type)[:200],
                body=row.body,
                error=row.last_error or "",
                deliveries=row.attempts,
            )
        )
        await session.delete(row)

    async def prune(self) -> None:
        """Forget what no one needs any more: published events and inbox rows past their keeping time.

        Inbox rows are kept far longer than any redelivery could come (JetStream gives up on a message
        after a few minutes of retries), so de-duplication never loses its memory too early.
        """
        now = utcnow()
        async with transaction(self.sessionmaker) as session:
            await session.execute(
                delete(OutboxEvent).where(col(OutboxEvent.published_at) < now - OUTBOX_KEEP)
            )
            await session.execute(delete(InboxEvent).where(col(InboxEvent.processed_at) < now - INBOX_KEEP))
            await session.execute(
                delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < now - IDEMPOTENCY_KEEP)
            )

    async def backlog(self) -> int:
        async with self.sessionmaker() as session:
            count = await session.scalar(
                select(func.count()).select_from(OutboxEvent).where(col(OutboxEvent.published_at).is_(None))
            )
            return int(count or 0)
