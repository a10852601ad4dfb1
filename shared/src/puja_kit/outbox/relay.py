"""The outbox relay: publishes unsent events to JetStream, safe with several replicas.

Each pass locks a batch with FOR UPDATE SKIP LOCKED, so two replicas never publish the same rows at
once; `Nats-Msg-Id` = the event id lets JetStream drop a re-publish after a crash between publish and
commit. While NATS is down the rows simply wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from puja_kit.bus import Bus, BusUnavailable, producer_of
from puja_kit.db import transaction, utcnow
from puja_kit.idempotency import IdempotencyRecord
from puja_kit.outbox.models import InboxEvent, OutboxEvent
from puja_kit.tasks import cancel_tasks, raise_if_cancelling

logger = logging.getLogger("puja_kit.outbox")

PRUNE_EVERY_SECONDS = 3600.0
OUTBOX_KEEP = timedelta(days=7)
INBOX_KEEP = timedelta(days=30)
IDEMPOTENCY_KEEP = timedelta(days=2)


class OutboxRelay:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        bus: Bus,
        *,
        interval: float = 1.0,
        batch_size: int = 100,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.bus = bus
        self.interval = interval
        self.batch_size = batch_size
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
                    .where(col(OutboxEvent.published_at).is_(None))
                    .order_by(col(OutboxEvent.id))
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            js = await self.bus.jetstream()
            published = 0
            for row in rows:
                await self.bus.ensure_stream(producer_of(row.type))
                headers = {"Nats-Msg-Id": str(row.id), **{k: str(v) for k, v in row.headers.items()}}
                try:
                    await js.publish(self.bus.subject(row.type), row.body, headers=headers)
                except Exception as exc:
                    row.attempts += 1
                    row.last_error = str(exc)[:500]
                    logger.warning("gagal menerbitkan %s: %s", row.id, exc)
                    break
                row.published_at = utcnow()
                published += 1
            return published

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
