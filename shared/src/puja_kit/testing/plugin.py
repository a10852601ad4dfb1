"""The pytest plugin: real PostgreSQL and NATS from the wheels, once per test session.

Each test gets fresh databases cloned from a migrated template (one per service) and its own subject
prefix on the bus, so tests never see each other's rows or events. Services run in-process through
their real lifespan (relay, consumers, tenant cache) behind an httpx client.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from puja_kit import migrations
from puja_kit.bus import Bus
from puja_kit.catalog import load_catalog
from puja_kit.db import make_engine, make_sessionmaker
from puja_kit.events.catalog import LayananSettings, Payload, TenantLayananEnabled
from puja_kit.events.envelope import make_event
from puja_kit.infra import BusServer, DatabaseServer, Nats, Postgres, free_port
from puja_kit.settings import BaseServiceSettings
from puja_kit.testing import containers
from puja_kit.testing.tokens import TokenFactory

# The `layanan` fixture and its driver, for a layanan's own tests.
pytest_plugins = ["puja_kit.testing.layanan"]

_counter = itertools.count(1)


@dataclass
class Infra:
    postgres: DatabaseServer
    nats: BusServer
    tokens: TokenFactory
    folder: Path
    _templates: dict[str, str] = field(default_factory=dict)

    def service_password(self, service: str) -> str:
        return f"{service}-test-pw"

    def template_for(self, service: str) -> str:
        """A database with the service's migrations applied, cloned for each test."""
        if service not in self._templates:
            url = self.postgres.ensure_database(service, self.service_password(service))
            root = load_catalog().root
            migrations.upgrade(root / "services" / service / "migrations", url)
            self._templates[service] = service
        return self._templates[service]

    def fresh_database(self, service: str) -> str:
        template = self.template_for(service)
        name = f"{service}_t{next(_counter)}"
        self.postgres.clone_database(template, name, owner=service)
        return self.postgres.url(service, self.service_password(service), name)

    def settings_for(self, service: str, *, subject_prefix: str, **overrides: Any) -> BaseServiceSettings:
        module = importlib.import_module(f"{service}.settings")
        values: dict[str, Any] = {
            "environment": "test",
            "database_url": self.fresh_database(service),
            "nats_url": self.nats.url,
            "subject_prefix": subject_prefix,
            "jwks_url": self.tokens.jwks_url,
            "relay_interval_seconds": 0.2,
        }
        values.update(overrides)
        settings: BaseServiceSettings = module.Settings(**values)
        return settings


def pytest_configure(config: pytest.Config) -> None:
    """PUJA_TEST_INFRA=containers where no Docker engine answers is refused before any test runs."""
    try:
        mode = containers.infra_mode()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    if mode == "containers" and (problem := containers.docker_problem()) is not None:
        raise pytest.UsageError(containers.refusal(problem))


@pytest.fixture(scope="session")
def puja_infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    """PostgreSQL and NATS from the wheels, or in Docker with PUJA_TEST_INFRA=containers."""
    folder = tmp_path_factory.mktemp("infra")
    with contextlib.ExitStack() as stack:
        postgres: DatabaseServer
        nats: BusServer
        if containers.infra_mode() == "containers":
            postgres, nats = stack.enter_context(containers.running())
        else:
            wheel_postgres = Postgres(
                folder / "pg", free_port(), log_path=folder / "logs" / "postgres.log", fast_unsafe=True
            )
            wheel_nats = Nats(folder / "nats", free_port(), log_path=folder / "logs" / "nats.log")
            stack.callback(wheel_postgres.stop)
            wheel_postgres.start()
            stack.callback(wheel_nats.stop)
            wheel_nats.start()
            postgres, nats = wheel_postgres, wheel_nats
        yield Infra(postgres=postgres, nats=nats, tokens=TokenFactory(folder), folder=folder)


@pytest.fixture
def tokens(puja_infra: Infra) -> TokenFactory:
    return puja_infra.tokens


@pytest.fixture
def subject_prefix() -> str:
    return f"t{next(_counter)}."


@dataclass
class RunningService:
    name: str
    app: FastAPI
    settings: BaseServiceSettings
    client: httpx.AsyncClient

    @property
    def sessionmaker(self) -> Any:
        return self.app.state.sessionmaker


StartService = Callable[..., Awaitable[RunningService]]


@pytest.fixture
async def start_service(puja_infra: Infra, subject_prefix: str) -> AsyncIterator[StartService]:
    """start_service("akun", **settings_overrides) -> RunningService, stopped after the test."""
    running: list[tuple[LifespanManager, httpx.AsyncClient]] = []

    async def start(
        name: str, settings: BaseServiceSettings | None = None, **overrides: Any
    ) -> RunningService:
        settings = settings or puja_infra.settings_for(name, subject_prefix=subject_prefix, **overrides)
        main = importlib.import_module(f"{name}.main")
        app = main.create_app(settings)
        manager = LifespanManager(app, startup_timeout=60, shutdown_timeout=30)
        await manager.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test")
        running.append((manager, client))
        return RunningService(name=name, app=app, settings=settings, client=client)

    try:
        yield start
    finally:
        for manager, client in reversed(running):
            await client.aclose()
            await manager.__aexit__(None, None, None)


@pytest.fixture
async def bus(puja_infra: Infra, subject_prefix: str) -> AsyncIterator[Bus]:
    """The test's own view of the bus (same subject prefix as the services it starts)."""
    bus = Bus(puja_infra.nats.url, subject_prefix=subject_prefix, name="test")
    yield bus
    await bus.close()


async def publish(bus: Bus, event_type: str, data: Payload, *, tenant: str | None = None) -> str:
    """Publish an event as its producer's relay would (for tests of consumers)."""
    event = make_event(event_type, data, tenant=tenant)
    stream = await bus.ensure_stream(event_type.split(".")[1])
    js = await bus.jetstream()
    await js.publish(
        bus.subject(event_type), event.to_bytes(), stream=stream, headers={"Nats-Msg-Id": event.id}
    )
    return event.id


async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 15) -> Any:
    """Poll `check` until it stops failing an assertion and return its value."""
    deadline = time.monotonic() + within
    while True:
        try:
            return await check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.05)


async def enable_layanan(
    bus: Bus,
    client: httpx.AsyncClient,
    *,
    kode: str,
    slug: str,
    nama: str,
    layanan: str,
    probe_path: str,
    zona_waktu: str = "WITA",
    settings: LayananSettings | None = None,
    within: float = 15,
) -> None:
    """The registry's announcement that region `kode` enabled `layanan`, then wait until it is served.

    `probe_path` is any GET route of the service under the region's slug; it is polled until it stops
    answering layanan_tidak_aktif, that is until the service's consumer has applied the event.
    """
    await publish(
        bus,
        "puja.tenant_registry.tenant.layanan_enabled",
        TenantLayananEnabled(
            kode=kode,
            slug=slug,
            nama=nama,
            zona_waktu=zona_waktu,
            layanan=layanan,
            settings=settings or LayananSettings(),
        ),
        tenant=kode,
    )

    async def served() -> None:
        response = await client.get(probe_path)
        inactive = response.status_code == 404 and response.json().get("code") == "layanan_tidak_aktif"
        assert not inactive, f"{layanan} belum aktif di {slug}: {response.text}"

    await eventually(served, within=within)


@pytest.fixture
async def session_factory(puja_infra: Infra) -> AsyncIterator[Callable[[str], Any]]:
    """session_factory(url) -> async sessionmaker for a database a test wants to inspect directly."""
    engines = []

    def make(url: str) -> Any:
        engine = make_engine(url, pool_size=2)
        engines.append(engine)
        return make_sessionmaker(engine)

    yield make
    for engine in engines:
        await engine.dispose()
