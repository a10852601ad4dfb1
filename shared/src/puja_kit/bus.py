"""The NATS JetStream connection: lazy (re)connect, stream names and subjects, stream set-up."""

from __future__ import annotations

import asyncio
import logging
import re

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

logger = logging.getLogger("puja_kit.bus")

DUPLICATE_WINDOW_SECONDS = 15 * 60

NATS_MAX_PAYLOAD = 1024 * 1024
"""The NATS server's `max_payload`, set on purpose wherever the kit starts or renders one (infra.Nats,
deploy/nats/nats.conf): the largest message, headers included, the server accepts."""
EVENT_MAX_BYTES = NATS_MAX_PAYLOAD // 2
"""The largest serialized event the outbox takes (puja_kit.outbox.add_event): half the server's limit,
leaving room for headers (trace context, `Nats-Msg-Id`) and for a server configured a little tighter."""


def nats_server_config() -> str:
    """The server settings the kit relies on, as a NATS configuration file."""
    return (
        "# The kit's NATS settings (puja_kit.bus.nats_server_config); the command line adds JetStream,\n"
        "# the store and the ports.\n"
        f"max_payload: {NATS_MAX_PAYLOAD}\n"
    )


class BusUnavailable(Exception):
    """NATS cannot be reached right now; the caller retries later."""


def producer_of(event_type: str) -> str:
    """`puja.akun.sesi.revoked` -> `akun`."""
    parts = event_type.split(".")
    if len(parts) < 3 or parts[0] != "puja":
        raise ValueError(f"jenis event tidak dikenal: {event_type}")
    return parts[1]


class Bus:
    """One NATS connection per process, opened on first use and re-opened after failures."""

    def __init__(self, url: str, *, subject_prefix: str = "", name: str = "puja") -> None:
        self.url = url
        self.subject_prefix = subject_prefix
        self.name = name
        self._nc: Client | None = None
        self._lock = asyncio.Lock()
        self._streams_ready: set[str] = set()

    def subject(self, event_type: str) -> str:
        return f"{self.subject_prefix}{event_type}"

    def stream(self, service: str) -> str:
        prefix = re.sub(r"[^A-Za-z0-9]", "_", self.subject_prefix).upper()
        return f"{prefix}PUJA_{service.upper()}"

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def client(self) -> Client:
        async with self._lock:
            if self._nc is not None and not self._nc.is_closed:
                if not self._nc.is_connected:
                    raise BusUnavailable("koneksi ke NATS sedang tersambung ulang")
                return self._nc
            try:
                self._nc = await nats.connect(
                    self.url,
                    name=self.name,
                    connect_timeout=2,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=1,
                    error_cb=self._on_error,
                )
            except Exception as exc:  # nats raises several unrelated types for "no server"
                self._nc = None
                raise BusUnavailable(str(exc)) from exc
            return self._nc

    async def jetstream(self) -> JetStreamContext:
        return (await self.client()).jetstream(timeout=5)

    async def ensure_stream(self, service: str) -> str:
        """Create the producer's stream if missing; every service declares it the same way."""
        name = self.stream(service)
        if name in self._streams_ready:
            return name
        js = await self.jetstream()
        config = StreamConfig(
            name=name,
            subjects=[self.subject(f"puja.{service}.>")],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            max_age=0,
        )
        try:
            await js.add_stream(config)
        except BadRequestError:
            # Already there with another replica's identical config, or older settings: keep it.
            await js.stream_info(name)
        self._streams_ready.add(name)
        return name

    def forget_stream(self, service: str) -> None:
        """The stream went away (no stream answered a publish): declare it again on next use."""
        self._streams_ready.discard(self.stream(service))

    async def close(self) -> None:
        # Consumers and the relay are stopped before this: nothing is in flight worth draining for.
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.close()
        self._nc = None

    async def _on_error(self, exc: Exception) -> None:
        logger.warning("NATS: %s", exc)
