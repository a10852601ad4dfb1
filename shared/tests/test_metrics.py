"""/metrics: per-route request count and latency, outbox backlog, consumer lag, dead letters."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from puja_kit.bus import Bus
from puja_kit.db import new_id, transaction, utcnow
from puja_kit.events.catalog import TenantUpdated
from puja_kit.outbox.models import DeadLetter, OutboxEvent
from puja_kit.testing.plugin import RunningService, StartService, eventually, publish

ROUTE = "/api/kesehatan/v1/{tenant}/fasilitas/{fasilitas_id}"
TENANT_DURABLE = "kesehatan__tenant"


async def scrape(svc: RunningService) -> dict[str, list[tuple[dict[str, str], float]]]:
    """sample name -> [(labels, value)] of one scrape of /metrics."""
    response = await svc.client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return samples


def value(samples: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    matching = [v for found, v in samples.get(name, []) if labels.items() <= found.items()]
    assert len(matching) == 1, f"{name}{labels}: {samples.get(name)}"
    return matching[0]


async def test_route_metrics_carry_the_route_template_and_count_errors(start_service: StartService) -> None:
    svc = await start_service("kesehatan", run_background=False)
    raw_id = str(new_id())
    statuses = set()
    for _ in range(3):
        # An unknown region, no token: refused, counted on the route's template, not on this path.
        response = await svc.client.get(f"/api/kesehatan/v1/63.08/fasilitas/{raw_id}")
        statuses.add(response.status_code)
    [status] = statuses
    assert 400 <= status < 500
    assert (await svc.client.get("/api/kesehatan/openapi.json")).status_code == 200
    # A route the fast lane serves (puja_kit.jalur) is counted on its template too.
    lane = await svc.client.get("/api/kesehatan/v1/63.08/fasilitas")
    assert lane.status_code == 404

    text = (await svc.client.get("/metrics")).text
    assert raw_id not in text and "63.08" not in text, "a raw path must never be a label"
    samples = await scrape(svc)
    duration = "http_server_request_duration_seconds"
    refused = {"http_route": ROUTE, "http_request_method": "GET", "http_response_status_code": str(status)}
    assert value(samples, f"{duration}_count", **refused) == 3
    assert value(samples, f"{duration}_sum", **refused) > 0
    assert value(samples, f"{duration}_bucket", **refused, le="+Inf") == 3
    ok = {"http_route": "/api/kesehatan/openapi.json", "http_response_status_code": "200"}
    assert value(samples, f"{duration}_count", **ok) == 1
    in_lane = {"http_route": "/api/kesehatan/v1/{tenant}/fasilitas", "http_response_status_code": "404"}
    assert value(samples, f"{duration}_count", **in_lane) == 1
    # Errors are the requests whose status is 4xx or 5xx: the refused three and the lane's 404, not the 200.
    errors = sum(
        v for labels, v in samples[f"{duration}_count"] if int(labels["http_response_status_code"]) >= 400
    )
    assert errors == 4
    # Nothing is in flight once the requests are answered (/metrics itself is not counted).
    assert value(samples, "http_server_active_requests", http_request_method="GET") == 0
    # /metrics and the health checks are not requests of the service.
    assert not [labels for labels, _ in samples[f"{duration}_count"] if labels["http_route"] == "/metrics"]


async def test_outbox_backlog_and_dead_letters_show_in_their_gauges(start_service: StartService) -> None:
    svc = await start_service("kesehatan", run_background=False)  # no relay: the row stays unpublished
    before = await scrape(svc)
    assert value(before, "puja_outbox_unpublished") == 0
    assert value(before, "puja_outbox_oldest_age_seconds") == 0
    assert value(before, "puja_dead_letters", consumer=TENANT_DURABLE) == 0

    async with transaction(svc.sessionmaker) as session:
        session.add(OutboxEvent(id=new_id(), type="puja.kesehatan.uji", body=b"{}", headers={}))
        session.add(
            DeadLetter(
                id=new_id(),
                consumer=TENANT_DURABLE,
                subject="puja.tenant_registry.tenant.updated",
                body=b"{}",
                error="gagal",
                deliveries=5,
            )
        )
        # One already replayed by ops: no longer waiting, not counted.
        session.add(
            DeadLetter(
                id=new_id(),
                consumer=TENANT_DURABLE,
                subject="puja.tenant_registry.tenant.updated",
                body=b"{}",
                error="gagal",
                deliveries=5,
                replayed_at=utcnow(),
            )
        )

    after = await scrape(svc)
    assert value(after, "puja_outbox_unpublished") == 1
    assert value(after, "puja_outbox_oldest_age_seconds") >= 0
    assert value(after, "puja_dead_letters", consumer=TENANT_DURABLE) == 1


async def test_consumer_lag_shows_the_messages_a_stopped_consumer_has_not_taken(
    start_service: StartService, bus: Bus
) -> None:
    svc = await start_service("kesehatan")

    async def declared() -> Any:
        samples = await scrape(svc)
        assert value(samples, "puja_consumer_pending", consumer=TENANT_DURABLE) == 0
        assert value(samples, "puja_consumer_ack_pending", consumer=TENANT_DURABLE) == 0
        return samples

    await eventually(declared)  # the runner has declared its durable consumer
    await svc.app.state.consumers.stop()
    for kode in ("63.08", "63.09"):
        payload = TenantUpdated(
            kode=kode, slug=f"daerah-{kode}", nama=kode, zona_waktu="WITA", aktif=True, layanan=[]
        )
        await publish(bus, "puja.tenant_registry.tenant.updated", payload, tenant=kode)

    samples = await scrape(svc)
    # Lag is both: one message may have gone to the pull the runner had waiting when it stopped
    # (delivered, never acknowledged); the rest were never delivered.
    pending = value(samples, "puja_consumer_pending", consumer=TENANT_DURABLE)
    ack_pending = value(samples, "puja_consumer_ack_pending", consumer=TENANT_DURABLE)
    assert pending >= 1
    assert pending + ack_pending == 2
