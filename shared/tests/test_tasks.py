"""Background tasks stop when their service stops, even when a library swallowed the cancellation."""

from __future__ import annotations

import asyncio

from puja_kit.tasks import cancel_tasks


async def test_a_task_that_swallows_one_cancellation_is_still_stopped() -> None:
    swallowed = asyncio.Event()

    async def stubborn() -> None:
        # What nats-py or asyncio.wait_for can do: a cancellation that arrives at the wrong moment is
        # turned into an ordinary return from the inner call, and the loop goes on waiting.
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            swallowed.set()
        await asyncio.sleep(3600)

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await cancel_tasks([task], timeout=5)
    assert swallowed.is_set()
    assert task.done()
    assert task.cancelled()
