"""One trace runs from the request that wrote an event, through the outbox and NATS, to the consumer."""

from __future__ import annotations

import asyncio

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from puja_kit.bus import Bus
from puja_kit.db import transaction
from puja_kit.events.catalog import TenantUpdated
from puja_kit.events.consumer import Consumer, ConsumerRunner
from puja_kit.events.envelope import Event
from puja_kit.outbox import OutboxRelay, add_event
from puja_kit.telemetry import KitTracerProvider, setup_telemetry, tracer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

TYPE = "puja.tenant_registry.tenant.updated"


async def test_trace_context_travels_in_nats_headers(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    setup_telemetry("uji", None)
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    seen: list[str] = []

    async def handler(session: AsyncSession, event: Event) -> None:
        seen.append(event.id)

    with tracer().start_as_current_span("permintaan warga") as request_span:
        async with transaction(kit_db) as session:
            await add_event(
                session,
                TYPE,
                TenantUpdated(
                    kode="63.08",
                    slug="kab-hulu-sungai-utara",
                    nama="HSU",
                    zona_waktu="WITA",
                    aktif=True,
                    layanan=[],
                ),
                tenant="63.08",
            )
    relay = OutboxRelay(kit_db, bus)
    assert await relay.publish_pending() == 1
    runner = ConsumerRunner("kit", [Consumer("jejak", TYPE, handler)], kit_db, bus)
    runner.start()
    try:
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.05)
    finally:
        await runner.stop()
    assert seen
    consumed = [s for s in exporter.get_finished_spans() if s.name == f"consume {TYPE}"]
    assert consumed, "the consumer opens a span"
    trace_id = request_span.get_span_context().trace_id
    assert consumed[0].context.trace_id == trace_id
    assert (
        consumed[0].parent is not None
        and consumed[0].parent.span_id == request_span.get_span_context().span_id
    )


def test_spans_are_not_recorded_until_something_exports() -> None:
    provider = KitTracerProvider(Resource.create({"service.name": "uji"}))
    idle = provider.get_tracer("uji").start_span("permintaan")
    assert not idle.is_recording(), "with no exporter a span keeps nothing"
    assert idle.get_span_context().is_valid, "the trace context still travels and is logged"
    provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
    assert provider.get_tracer("uji").start_span("permintaan").is_recording()
