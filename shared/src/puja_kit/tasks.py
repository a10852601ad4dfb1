"""Background tasks that stop cleanly."""

from __future__ import annotations

import asyncio
import logging

logger = logging.getLogger("puja_kit.tasks")


async def cancel_tasks(tasks: list[asyncio.Task[None]], timeout: float = 5.0) -> None:
    """Cancel background tasks and wait for them, but never let shutdown hang on one."""
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        logger.warning("tugas %s tidak berhenti dalam %ss", task.get_name(), timeout)


def raise_if_cancelling() -> None:
    """Some client libraries swallow a cancellation inside their own loops; a retry loop checks here
    so that a stopping service does not go round once more."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
