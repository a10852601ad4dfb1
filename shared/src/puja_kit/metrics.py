"""Metrics in Prometheus text on each service's `/metrics`, through OpenTelemetry's metrics SDK.

Per route (FastAPIInstrumentor, HTTP semantic conventions): `http_server_request_duration_seconds`, a
histogram labelled with the route template (`http_route`, never the raw path), the method and the
status code; its `_count` is the request rate, and the status label counts the errors. The bus side is
observable gauges, read when Prometheus scrapes: the outbox backlog (`puja_outbox_unpublished`,
`puja_outbox_oldest_age_seconds`), the lag of each durable consumer of the service
(`puja_consumer_pending`, JetStream's num_pending: not yet delivered; `puja_consumer_ack_pending`:
delivered, not yet acknowledged) and the dead letters waiting for ops
(`puja_dead_letters`). Their callbacks are synchronous, so the scrape first takes a snapshot with a few
cheap queries and the callbacks read it.

Each app has its own meter provider and registry: several services in one process (the tests) do not
mix their numbers, and nothing global is touched.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from nats.errors import Error as NatsError
from nats.js.errors import NotFoundError
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from puja_kit.bus import BusUnavailable
from puja_kit.events.consumer import ConsumerRunner
from puja_kit.outbox.models import DeadLetter, OutboxEvent

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
# The stable HTTP conventions' buckets for request durations, in seconds.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)
# Not counted as routes: the probes (beside /api/<prefix> too) and the scrape itself.
UNMEASURED_SUFFIXES = ("/healthz", "/readyz", METRICS_PATH)
# One scrape waits this long at most for the bus; a consumer whose lag could not be read is left out.
BUS_TIMEOUT_SECONDS = 2.0


@dataclass
class Snapshot:
    """What the observable gauges report, refreshed at each scrape."""

    unpublished: int | None = None
    oldest_age_seconds: float | None = None
    dead_letters: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    ack_pending: dict[str, int] = field(default_factory=dict)


class ServiceMetrics:
    """The service's meter provider, its Prometheus registry and the bus gauges."""

    def __init__(self, service_name: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.reader = PrometheusMetricReader(registry=self.registry)
        self.provider = MeterProvider(
            resource=Resource.create({"service.name": service_name}), metric_readers=[self.reader]
        )
        self.snapshot = Snapshot()
        meter = self.provider.get_meter("puja_kit")
        meter.create_observable_gauge(
            "puja.outbox.unpublished",
            callbacks=[self._unpublished],
            unit="{event}",
            description="Baris outbox yang belum terbit ke NATS.",
        )
        meter.create_observable_gauge(
            "puja.outbox.oldest_age",
            callbacks=[self._oldest_age],
            unit="s",
            description="Umur baris outbox tertua yang belum terbit (0 bila tidak ada).",
        )
        meter.create_observable_gauge(
            "puja.consumer.pending",
            callbacks=[self._pending],
            unit="{message}",
            description="Pesan JetStream yang belum diantar ke consumer durable layanan ini.",
        )
        meter.create_observable_gauge(
            "puja.consumer.ack_pending",
            callbacks=[self._ack_pending],
            unit="{message}",
            description="Pesan yang sudah diantar tetapi belum selesai (di-ack) oleh consumer durable.",
        )
        meter.create_observable_gauge(
            "puja.dead_letters",
            callbacks=[self._dead_letters],
            unit="{message}",
            description="Dead letter yang menunggu ops (belum diulang), per consumer.",
        )

        # Per route, by the HTTP semantic conventions (RouteMetricsMiddleware records them).
        self.duration = meter.create_histogram(
            "http.server.request.duration",
            unit="s",
            description="Duration of HTTP server requests.",
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        # Requests in flight by (method, scheme), counted with plain integers and read at each scrape: two
        # OpenTelemetry `add` calls per request cost more than the rest of the middleware.
        self.in_flight: Counter[tuple[str, str]] = Counter()
        meter.create_observable_up_down_counter(
            "http.server.active_requests",
            callbacks=[self._in_flight],
            unit="{request}",
            description="Number of active HTTP server requests.",
        )

    def _in_flight(self, options: CallbackOptions) -> Iterable[Observation]:
        for (method, scheme), count in list(self.in_flight.items()):
            yield Observation(count, {"http.request.method": method, "url.scheme": scheme})

    def _unpublished(self, options: CallbackOptions) -> Iterable[Observation]:
        if self.snapshot.unpublished is not None:
            yield Observation(self.snapshot.unpublished)

    def _oldest_age(self, options: CallbackOptions) -> Iterable[Observation]:
        if self.snapshot.oldest_age_seconds is not None:
            yield Observation(self.snapshot.oldest_age_seconds)

    def _pending(self, options: CallbackOptions) -> Iterable[Observation]:
        for durable, pending in self.snapshot.pending.items():
            yield Observation(pending, {"consumer": durable})

    def _ack_pending(self, options: CallbackOptions) -> Iterable[Observation]:
        for durable, pending in self.snapshot.ack_pending.items():
            yield Observation(pending, {"consumer": durable})

    def _dead_letters(self, options: CallbackOptions) -> Iterable[Observation]:
        for durable, count in self.snapshot.dead_letters.items():
            yield Observation(count, {"consumer": durable})

    async def refresh(
        self, sessionmaker: async_sessionmaker[AsyncSession], runner: ConsumerRunner | None
    ) -> None:
        """Take the snapshot: two indexed queries and one consumer_info per durable consumer.

        A part that cannot be read (database or bus down) is left out of this scrape, not reported as 0:
        an absent series is what Prometheus' `absent()` alerts on, a wrong 0 would hide the backlog."""
        snapshot = Snapshot()
        durables = [runner.durable_name(c) for c in runner.consumers] if runner is not None else []
        try:
            await self._read_database(sessionmaker, snapshot)
            # A consumer with none shows 0, so `puja_dead_letters > 0` has a series for each consumer.
            for durable in durables:
                snapshot.dead_letters.setdefault(durable, 0)
        except Exception as exc:  # the scrape still answers with what it has
            logger.warning("metrik outbox/dead letter tidak terbaca: %s", exc)
        if runner is not None:
            try:
                await asyncio.wait_for(self._read_bus(runner, snapshot), BUS_TIMEOUT_SECONDS)
            except (BusUnavailable, TimeoutError, NatsError) as exc:
                logger.warning("metrik consumer tidak terbaca: %s", exc)
        self.snapshot = snapshot

    async def _read_database(
        self, sessionmaker: async_sessionmaker[AsyncSession], snapshot: Snapshot
    ) -> None:
        async with sessionmaker() as session:
            row = (
                await session.execute(
                    select(func.count(), func.min(OutboxEvent.created_at)).where(
                        col(OutboxEvent.published_at).is_(None)
                    )
                )
            ).one()
            snapshot.unpublished = int(row[0])
            oldest: datetime | None = row[1]
            snapshot.oldest_age_seconds = (
                max((datetime.now(UTC) - oldest).total_seconds(), 0.0) if oldest else 0.0
            )
            letters = await session.execute(
                select(col(DeadLetter.consumer), func.count())
                .where(col(DeadLetter.replayed_at).is_(None))
                .group_by(col(DeadLetter.consumer))
            )
            snapshot.dead_letters = {durable: int(count) for durable, count in letters.all()}

    async def _read_bus(self, runner: ConsumerRunner, snapshot: Snapshot) -> None:
        js = await runner.bus.jetstream()
        for consumer in runner.consumers:
            durable = runner.durable_name(consumer)
            try:
                info = await js.consumer_info(runner.bus.stream(consumer.producer), durable)
            except NotFoundError:
                continue  # not created yet: the runner declares it on its first pull
            snapshot.pending[durable] = int(info.num_pending or 0)
            snapshot.ack_pending[durable] = int(info.num_ack_pending or 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)


async def metrics_endpoint(request: Request) -> Response:
    """GET /metrics: Prometheus text. Served beside /healthz, outside /api, so the gateway never routes
    it; Prometheus scrapes the pod directly (the k8s annotations of puja_kit.deploy)."""
    state = request.app.state
    metrics: ServiceMetrics = state.metrics
    sessionmaker = getattr(state, "sessionmaker", None)
    if sessionmaker is not None:
        await metrics.refresh(sessionmaker, getattr(state, "consumers", None))
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)


class RouteMetricsMiddleware:
    """Per-route rate, errors and latency: one histogram record per request, labelled with the route
    template the router matched (never the raw path), the method and the status; and the requests in flight.

    The route comes from the router itself (`scope["route"]`, set when it matched), so nothing is matched
    twice; OpenTelemetry's ASGI instrumentation finds it by trying every route again, per request, and is
    installed only while spans are exported (puja_kit.app)."""

    def __init__(
        self, app: ASGIApp, metrics: ServiceMetrics, templates: dict[int, str], fixed: dict[str, str]
    ) -> None:
        self.app = app
        self.metrics = metrics
        # id(route) -> its full template, for the routes of included routers (whose own `path` lacks the
        # prefix they were included under).
        self.templates = templates
        # The app's own routes without parameters (the OpenAPI document, the docs), by path.
        self.fixed = fixed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].endswith(UNMEASURED_SUFFIXES):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        scheme = scope.get("scheme", "http")
        status = 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        in_flight = self.metrics.in_flight
        in_flight[method, scheme] += 1
        try:
            await self.app(scope, receive, send_status)
        finally:
            in_flight[method, scheme] -= 1
            attributes: dict[str, str | int] = {
                "http.request.method": method,
                "http.response.status_code": status,
                "url.scheme": scheme,
                "network.protocol.version": scope.get("http_version", "1.1"),
            }
            route = scope.get("route")
            template = self.templates.get(id(route)) or self.fixed.get(scope["path"])
            if template:
                attributes["http.route"] = template
            if status >= 500:
                attributes["error.type"] = str(status)
            self.metrics.duration.record(max(time.perf_counter() - started, 0.0), attributes)
