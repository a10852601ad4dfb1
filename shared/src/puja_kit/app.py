"""create_service_app: every service is built the same way.

The lifespan opens the database and the bus, starts the outbox relay, the consumers, the tenant cache
and the logout follower, and closes them in reverse order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.metrics import NoOpMeterProvider
from sqlalchemy import MetaData
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from puja_kit.access import RegionResolver, publish_access
from puja_kit.aktivitas import AktivitasCache, aktivitas_router, service_metadata
from puja_kit.auth import TokenVerifier
from puja_kit.baca import ReadPool
from puja_kit.bus import Bus
from puja_kit.catalog import load_catalog
from puja_kit.db import make_engine, make_sessionmaker
from puja_kit.docs import install_docs
from puja_kit.errors import TooLarge, install_error_handlers, problem
from puja_kit.events.consumer import Consumer, ConsumerRunner
from puja_kit.health import router as health_router
from puja_kit.jalur import FastLane
from puja_kit.layanan import LAYANAN
from puja_kit.metrics import METRICS_PATH, RouteMetricsMiddleware, ServiceMetrics, metrics_endpoint
from puja_kit.migrations import heads
from puja_kit.outbox.relay import OutboxRelay
from puja_kit.settings import BaseServiceSettings
from puja_kit.storage import LocalStorage
from puja_kit.tasks import cancel_tasks
from puja_kit.telemetry import exporting, setup_logging, setup_telemetry
from puja_kit.tenancy import TENANT_CONSUMER, TenantCache, resolve_any_region, resolve_layanan_region

StartupHook = Callable[[FastAPI], Awaitable[None]]


class BodyLimitMiddleware:
    """Refuses bodies over the limit with a 413 problem, whether announced by Content-Length or not."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not too_large:
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413, TooLarge.code, TooLarge.title, f"Batas ukuran permintaan {self.max_bytes} bita."
        )
        await response(scope, receive, send)


def add_routes(app: FastAPI, router: APIRouter, *, prefix: str) -> list[APIRoute]:
    """`router`'s routes as routes of the app itself, under `prefix`; the routes made.

    FastAPI's `include_router` keeps the router as one lazily resolved branch, matched through its
    own layer (route contexts, a version walk of the tree) on every request: for a read of about
    1 ms that was a tenth of it. Added one by one, a request is matched by Starlette's loop over the
    app's routes, as earlier FastAPI releases did. Each route keeps what its router gave it (prefix, tags,
    dependencies, responses); the router itself must add nothing at inclusion."""
    made: list[APIRoute] = []
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"{getattr(route, 'path', route)}: hanya APIRoute yang dapat ditambahkan")
        app.router.add_api_route(
            prefix + route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=list(route.tags),
            dependencies=list(route.dependencies),
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=route.responses,
            deprecated=route.deprecated,
            methods=route.methods,
            operation_id=route.operation_id,
            response_model_include=route.response_model_include,
            response_model_exclude=route.response_model_exclude,
            response_model_by_alias=route.response_model_by_alias,
            response_model_exclude_unset=route.response_model_exclude_unset,
            response_model_exclude_defaults=route.response_model_exclude_defaults,
            response_model_exclude_none=route.response_model_exclude_none,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            name=route.name,
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
            generate_unique_id_function=route.generate_unique_id_function,
        )
        made.append(app.router.routes[-1])  # type: ignore[arg-type]
    return made


def migrations_path_of(package_file: str) -> Path:
    """services/<name>/src/<name>/__init__.py -> services/<name>/migrations."""
    return Path(package_file).resolve().parents[2] / "migrations"


def create_service_app(
    settings: BaseServiceSettings,
    *,
    routers: Sequence[APIRouter],
    consumers: Sequence[Consumer] = (),
    prefix: str | None = None,
    title: str | None = None,
    migrations_path: Path | None = None,
    uses_tenants: bool = True,
    on_startup: Sequence[StartupHook] = (),
    on_shutdown: Sequence[StartupHook] = (),
    region_resolver: RegionResolver | None = None,
    models: MetaData | None = None,
) -> FastAPI:
    """The service's app; prefix, title and migrations come from its catalog entry unless given.

    A layanan also serves `GET /{tenant}/aktivitas` (puja_kit.aktivitas) over its region-owned tables:
    `models` (its registry's metadata), found in the package of its Settings class unless given.
    """
    if prefix is None or title is None or migrations_path is None:
        catalog = load_catalog()
        entry = catalog.service(settings.service_name)
        prefix = prefix or entry.prefix
        title = title or entry.title
        migrations_path = migrations_path or catalog.root / "services" / entry.name / "migrations"
    setup_logging(settings.log_level)
    setup_telemetry(settings.service_name, settings.otel_exporter_otlp_endpoint)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url.get_secret_value(), pool_size=settings.database_pool_size)
        # Database spans only while something records them: each statement would otherwise pay for one.
        if exporting():
            SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)
        sessionmaker = make_sessionmaker(engine)
        # The hot reads of a layanan (puja_kit.baca): a psycopg pool on the same database.
        read_pool = (
            ReadPool(settings.database_url.get_secret_value(), max_size=settings.database_pool_size * 2)
            if app.state.layanan
            else None
        )
        if read_pool is not None:
            await read_pool.open()
        bus = Bus(settings.nats_url, subject_prefix=settings.subject_prefix, name=settings.service_name)
        relay = OutboxRelay(sessionmaker, bus, interval=settings.relay_interval_seconds)
        tenants = TenantCache(sessionmaker) if uses_tenants else None
        all_consumers = [*([TENANT_CONSUMER] if uses_tenants else []), *consumers]
        runner = ConsumerRunner(
            settings.service_name,
            all_consumers,
            sessionmaker,
            bus,
            max_deliver=settings.consumer_max_deliver,
            on_applied=tenants.on_event if tenants else None,
        )
        verifier = TokenVerifier(
            settings.jwks_url,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            refresh_seconds=settings.jwks_refresh_seconds,
        )
        state: dict[str, Any] = {
            "settings": settings,
            "engine": engine,
            "sessionmaker": sessionmaker,
            "read_pool": read_pool,
            "bus": bus,
            "relay": relay,
            "tenants": tenants,
            "consumers": runner,
            "verifier": verifier,
            "migration_heads": heads(migrations_path),
        }
        if settings.storage_dir is not None:
            state["storage"] = LocalStorage(settings.storage_dir)
        for key, value in state.items():
            setattr(app.state, key, value)
        for hook in on_startup:
            await hook(app)
        follower: asyncio.Task[None] | None = None
        if settings.run_background:
            relay.start()
            runner.start()
            # Started on app.state.verifier: a service may have put its own verifier there.
            follower = asyncio.create_task(
                app.state.verifier.follow_revocations(
                    bus, lookback=timedelta(minutes=settings.access_token_minutes + 1)
                )
            )
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook(app)
            if follower is not None:
                await cancel_tasks([follower])
            await runner.stop()
            await relay.stop()
            await bus.close()
            if read_pool is not None:
                await read_pool.close()
            await engine.dispose()

    app = FastAPI(
        title=title,
        lifespan=lifespan,
        # FastAPI's own spans (one per request, per dependency and per endpoint) only while something
        # exports them; the route metrics are RouteMetricsMiddleware's.
        telemetry={"metrics": False, "logs": False, **({} if exporting() else {"tracing": False})},
        openapi_url=f"/api/{prefix}/openapi.json",
        docs_url=None,  # puja_kit.docs serves it, without a CDN
        redoc_url=None,
    )
    # The layanan this app serves (None for the platform services), read by the tenant and access rules.
    app.state.layanan = settings.service_name if settings.service_name in LAYANAN else None
    app.state.region_resolver = region_resolver or (
        resolve_layanan_region if app.state.layanan else resolve_any_region
    )
    if app.state.layanan:
        app.state.aktivitas = AktivitasCache()
        package = type(settings).__module__.partition(".")[0]
        routers = [*routers, aktivitas_router(models if models is not None else service_metadata(package))]
    # Innermost: the lane's errors go up through UnexpectedErrorMiddleware, and it sees the body limit.
    app.add_middleware(FastLane, fastapi=app)
    install_error_handlers(app)
    install_docs(app, prefix=prefix, title=title)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # The client's address (login throttling) as the gateway forwards it, believed from trusted proxies
    # only; uvicorn's own copy of this middleware is switched off (`puja serve`, the local stack).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    add_routes(app, health_router, prefix="")
    add_routes(app, health_router, prefix=f"/api/{prefix}")
    for router in routers:
        for route in router.routes:
            # The first line of a route's docstring is its OpenAPI summary.
            if isinstance(route, APIRoute) and route.description and not route.summary:
                route.summary = route.description.strip().splitlines()[0]
    publish_access(routers)
    templates: dict[int, str] = {}
    for router in routers:
        for route in add_routes(app, router, prefix=f"/api/{prefix}/v1"):
            templates[id(route)] = route.path
    # /metrics (Prometheus text) beside /healthz, outside /api: the gateway routes only /api/<prefix>.
    app.state.metrics = ServiceMetrics(settings.service_name)
    app.add_route(METRICS_PATH, metrics_endpoint, include_in_schema=False)
    fixed = {p: p for r in app.routes if isinstance(p := getattr(r, "path", None), str) and "{" not in p}
    app.add_middleware(RouteMetricsMiddleware, metrics=app.state.metrics, templates=templates, fixed=fixed)
    # Request spans only while something records them (its route lookup and span cost more than a
    # cheap read); its own metrics are off, RouteMetricsMiddleware records them. No span per ASGI
    # send/receive message (two or three per request, with nothing in them a trace needs).
    if exporting():
        FastAPIInstrumentor.instrument_app(
            app,
            excluded_urls=f"healthz,readyz,{METRICS_PATH}$",
            meter_provider=NoOpMeterProvider(),
            exclude_spans=["receive", "send"],
        )
    return app
