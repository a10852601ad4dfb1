"""Background tasks that stop cleanly."""

from __future__ import annotations

import asyncio
import logging

logger = logging.getLogger("puja_kit.tasks")


async def cancel_tasks(tasks: list[asyncio.Task[None]], timeout: float = 5.0) -> None:
    """Cancel background tasks and wait for them, but never let shutdown hang on one.

    Some client libraries (and asyncio.wait_for on Python 3.11) swallow a cancellation that arrives at
    the wrong moment, and the task then waits on as if nothing happened: a task still running after a
    moment is cancelled again.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    pending = set(tasks)
    while pending and (left := deadline - loop.time()) > 0:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=min(0.5, left))
    for task in pending:
        logger.warning("tugas %s tidak berhenti dalam %ss", task.get_name(), timeout)


def raise_if_cancelling() -> None:
    """Some client libraries swallow a cancellation inside their own loops; a retry loop checks here
    so that a stopping service does not go round once more."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
