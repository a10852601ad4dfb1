"""Demo data for `make run`: each service's `python -m <name>.demo`, dev mode only, safe to run again.

A demo module keeps its own data and output in a `seed(sessionmaker)` coroutine; this module refuses
outside dev mode, opens and closes the service's database around it, and turns a refusal into a message.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from puja_kit.db import make_engine, make_sessionmaker
from puja_kit.settings import BaseServiceSettings

Seed = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]


class DemoRefused(RuntimeError):
    """Nothing was made: outside dev mode, or what the demo builds on is not there yet."""


def _refusal(settings: BaseServiceSettings) -> str:
    prefix = settings.model_config.get("env_prefix", "")
    return f"data demo hanya dibuat dalam mode dev ({prefix}ENVIRONMENT=dev); tidak ada yang dibuat."


async def seed_demo(settings: BaseServiceSettings, seed: Seed, *, pool_size: int = 1) -> None:
    """Run `seed` against the service's database; DemoRefused outside dev mode, before connecting."""
    if not settings.is_dev:
        raise DemoRefused(_refusal(settings))
    engine = make_engine(settings.database_url.get_secret_value(), pool_size=pool_size)
    try:
        await seed(make_sessionmaker(engine))
    finally:
        await engine.dispose()


def run_demo(settings: BaseServiceSettings, seed: Seed, *, pool_size: int = 1) -> None:
    """A demo module's `main`: seeds in dev mode, otherwise exits with the reason and makes nothing."""
    name = f"{settings.service_name or 'puja'}.demo"
    # Refused before an event loop starts, so a refusal costs nothing wherever main is called from.
    if not settings.is_dev:
        sys.exit(f"{name}: {_refusal(settings)}")
    try:
        asyncio.run(seed_demo(settings, seed, pool_size=pool_size))
    except DemoRefused as exc:
        sys.exit(f"{name}: {exc}")
