"""OpenTelemetry: traces for requests, database and bus, exported over OTLP only when configured;
until something exports, spans are not recorded (KitTracerProvider). Metrics: puja_kit.metrics.

Trace context travels in NATS headers (W3C `traceparent`), so one trace runs from a request through the
outbox to every consumer.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, DEFAULT_ON, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.util.types import Attributes

# The stable HTTP conventions for spans and metrics: the duration histogram is labelled with the route
# template, method and status only. The old ones also label it with the client's Host header (a label
# any caller could make unbounded).
SEMCONV_OPT_IN = "OTEL_SEMCONV_STABILITY_OPT_IN"

_configured = False


class WhileExportingSampler(Sampler):
    """Records spans only once something exports them: before that, every span is non-recording (no
    attributes kept, no processor called), while the trace context still travels and is logged."""

    def __init__(self) -> None:
        self.exporting = False

    def should_sample(
        self,
        parent_context: context.Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        sampler = DEFAULT_ON if self.exporting else ALWAYS_OFF
        return sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return "WhileExportingSampler"


class KitTracerProvider(TracerProvider):
    """A tracer provider whose spans cost nothing on the hot path until a span processor is added
    (the OTLP exporter when configured, or a test's in-memory exporter)."""

    def __init__(self, resource: Resource) -> None:
        self.while_exporting = WhileExportingSampler()
        super().__init__(resource=resource, sampler=self.while_exporting)

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        super().add_span_processor(span_processor)
        self.while_exporting.exporting = True


def setup_telemetry(service_name: str, otlp_endpoint: str | None) -> None:
    global _configured
    if _configured:
        return
    os.environ.setdefault(SEMCONV_OPT_IN, "http")
    provider = KitTracerProvider(resource=Resource.create({"service.name": service_name}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _configured = True


def exporting() -> bool:
    """Whether spans are recorded (something exports them): instrumentation that only makes spans is
    installed only then."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, KitTracerProvider):
        return provider.while_exporting.exporting
    # Someone else's SDK provider records as it was told; the API's default records nothing.
    return isinstance(provider, TracerProvider)


def tracer(name: str = "puja") -> trace.Tracer:
    return trace.get_tracer(name)


def inject_headers() -> dict[str, str]:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def extract_context(headers: Mapping[str, str] | None) -> context.Context:
    return propagate.extract(dict(headers or {}))


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, with the trace id when a span is active."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = format(span.trace_id, "032x")
            entry["span_id"] = format(span.span_id, "016x")
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
