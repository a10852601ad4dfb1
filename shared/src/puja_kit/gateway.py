"""Traefik configuration rendered from the service catalog.

Pure functions return plain dicts; `dump_yaml` and `write_yaml` turn them into files. The same renderers
serve three places: the committed Docker renders in gateway/ (upstreams `http://<host>:8000`), the
Kubernetes Middleware resources in deploy/k8s (see puja_kit.deploy), and the local run, which points the
upstreams at `http://127.0.0.1:<port>` and writes its files under .data/.

After changing catalog.toml, regenerate every committed file (gateway/, docker-compose.yml,
.env.example, deploy/k8s/) with:

    uv run python -m puja_kit.gateway --write

tests/test_catalog.py fails while a committed file differs from its render.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from puja_kit.catalog import Catalog, ServiceEntry

ENTRYPOINT = "web"
# The portal's way to the services: no per-client limits (the portal is one client for many people), and
# the X-Forwarded-For the portal sends is believed, so the services' own throttles and audit logs still
# see the person. Never published outside the gateway's host or network.
INTERNAL_ENTRYPOINT = "internal"
# What the internal entrypoint applies: the portal is trusted with its callers' limits, not with the body size.
INTERNAL_MIDDLEWARES: tuple[str, ...] = ("body-limit", "circuit-breaker")
SERVICE_PORT = 8000
"""The port every service listens on inside a container or pod."""

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"

SERVERS_TRANSPORT = "puja"

# Applied to every route, outermost first. Headers first so that even a 429 or 413 carries them; the
# per-address ceiling before the body limit, so a flood is refused before its bodies are buffered; the body
# limit before retry so a retried request can be replayed from the buffer; the breaker outside the retry so
# it judges what the client finally got. Then one of the CALLER_LIMITS, by who is asking (caller_routes),
# and "retry" only for retryable requests (child_routes).
CALLER_LIMITS: tuple[str, ...] = ("rate-limit-credentials", "rate-limit-account", "rate-limit-anonymous")
MIDDLEWARE_ORDER: tuple[str, ...] = (
    "security-headers",
    "rate-limit",
    "body-limit",
    "circuit-breaker",
    *CALLER_LIMITS,
    "retry",
)

# Traefik 3.7's retry resends a request whose connection failed before a byte of it was sent, whatever
# its method (retryNonIdempotentMethod governs only retries on status codes, which we don't use); Go's
# transport under it also replays a GET on a keep-alive connection the server dropped. A write goes
# through the retrying route only with an Idempotency-Key, which makes a second delivery harmless; any
# other POST, PATCH, PUT or DELETE is sent once and its client decides, with a key, whether to try again.
# The routes are layered (Traefik's multi-layer routing, 3.6+): the service's router holds the shared
# middlewares, its caller routers each hold one caller limit, and the retryable and send-once routers sit
# under every caller router. A middleware keeps its state (buckets, breaker) per router that lists it, so
# this is one ceiling bucket and one breaker per service and one caller bucket per service and kind of
# caller, whichever of the two leaves a request then takes.
RETRYABLE_RULE = (
    "Method(`GET`) || Method(`HEAD`) || Method(`OPTIONS`) || HeaderRegexp(`Idempotency-Key`, `.+`)"
)
ONCE_RULE = "PathPrefix(`/`)"
SHARED_MIDDLEWARES: tuple[str, ...] = ("security-headers", "rate-limit", "body-limit", "circuit-breaker")
# What akun's bearer authentication accepts (the scheme is case-insensitive). Only such a request is
# counted per token; any other Authorization (Basic, garbage) is anonymous and counted per address.
SIGNED_IN_RULE = r"HeaderRegexp(`Authorization`, `(?i)^bearer\s+\S`)"
ANONYMOUS_RULE = "PathPrefix(`/`)"

# Nothing under /api needs these browser features; a page that does (the portal) gets its own policy.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
)


@dataclass(frozen=True)
class GatewayPolicy:
    """The numbers behind the shared middlewares; the defaults are the production values."""

    # Every limit is per service and counts in a token bucket: `average` per `rate_period` refill, `burst` at once.
    rate_period: str = "1s"
    # The ceiling: per client address, every request whatever it carries. It must hold a whole town's
    # signed-in traffic behind one carrier-grade NAT address (~1,000 people active at once, ~1 req/s each).
    rate_average: int = 1000
    # Two seconds of that ceiling at once, so a town's morning rush is not cut at its first peak.
    rate_burst: int = 2000
    # Signed-in: per bearer token, one session of one account; 20/s sustained is beyond any person's app.
    account_rate_average: int = 20
    # A page that fans out into tens of calls, several times over, still loads in one go.
    account_rate_burst: int = 100
    # Anonymous: per client address; twice the old limit that everyone shared, now that signed-in traffic
    # counts elsewhere and what is left is the public lookups of a NAT address's not-yet-signed-in people.
    anonymous_rate_average: int = 200
    # Two seconds of that at once, as for the ceiling.
    anonymous_rate_burst: int = 400
    # Sign-in, sign-up and token refresh (the catalog's `credential_paths`): per client address whatever
    # they carry; a town's logins and refreshes at peak are ~1/s, a password guesser wants thousands.
    credential_rate_average: int = 5
    # A family signing in on several phones at once behind one address, not a guessing run.
    credential_rate_burst: int = 20
    # A client owns a whole IPv6 /64, so that is what counts as one client address.
    rate_ipv6_subnet: int = 64
    # The most a request may carry is the catalog's `max_body_mib`; past this much it is buffered on disk.
    mem_body_bytes: int = 2 * 1024 * 1024
    # Traefik retries only when the upstream could not be reached, never after it answered.
    retry_attempts: int = 2
    retry_initial_interval: str = "100ms"
    breaker_expression: str = "NetworkErrorRatio() > 0.30"
    breaker_fallback: str = "10s"
    breaker_recovery: str = "10s"
    health_interval: str = "10s"
    health_timeout: str = "3s"
    dial_timeout: str = "5s"
    response_header_timeout: str = "60s"


DEFAULT_POLICY = GatewayPolicy()


def route_rule(entry: ServiceEntry) -> str:
    """The router rule of a service: its public prefix, which is passed on unchanged (not stripped);
    the root service (the portal) takes every path no other service takes (ROOT_PRIORITY)."""
    return "PathPrefix(`/`)" if entry.root else f"PathPrefix(`/api/{entry.prefix}`)"


ROOT_PRIORITY = 1
"""Below every /api/<prefix> router (Traefik's default priority is the rule's length)."""


def internal_router(entry: ServiceEntry) -> str:
    """The service's router on the internal entrypoint (the portal's calls); the root service has none."""
    return f"{entry.name}-internal"


@dataclass(frozen=True)
class Route:
    """A child of the service's router: it adds its own middlewares after the shared ones."""

    name: str
    rule: str
    middlewares: tuple[str, ...]
    priority: int


def caller_routes(entry: ServiceEntry) -> tuple[Route, ...]:
    """Children of the service's router, one per kind of caller, each with its own limit.

    The service's credential paths first (whatever they carry, so a made-up token buys no fresh bucket
    there), then signed-in callers by their bearer token, then everyone else by address.
    """
    routes: list[Route] = []
    if entry.credential_paths:
        rule = " || ".join(f"Path(`/api/{entry.prefix}{path}`)" for path in entry.credential_paths)
        routes.append(Route(f"{entry.name}-credentials", rule, ("rate-limit-credentials",), 3))
    routes.append(Route(f"{entry.name}-signed-in", SIGNED_IN_RULE, ("rate-limit-account",), 2))
    routes.append(Route(f"{entry.name}-anonymous", ANONYMOUS_RULE, ("rate-limit-anonymous",), 1))
    return tuple(routes)


def child_routes(entry: ServiceEntry) -> tuple[Route, Route]:
    """The leaves under every caller route: reads and keyed requests, with retries, are matched first;
    everything else is sent once."""
    return (
        Route(f"{entry.name}-retryable", RETRYABLE_RULE, ("retry",), 2),
        Route(f"{entry.name}-once", ONCE_RULE, (), 1),
    )


def host_name(entry: ServiceEntry) -> str:
    """The service's DNS name in Docker and Kubernetes (RFC 1123: no underscores)."""
    return entry.name.replace("_", "-")


def docker_upstream(entry: ServiceEntry) -> str:
    """The service's address on the compose network (also its Service address in Kubernetes)."""
    return f"http://{host_name(entry)}:{SERVICE_PORT}"


def jwks_url(catalog: Catalog, upstream: Callable[[ServiceEntry], str] = docker_upstream) -> str:
    """Where services fetch akun's signing keys, without going through the gateway."""
    akun = catalog.service("akun")
    return f"{upstream(akun)}/api/{akun.prefix}/v1/.well-known/jwks.json"


def middlewares(catalog: Catalog, policy: GatewayPolicy = DEFAULT_POLICY) -> dict[str, dict[str, Any]]:
    """The shared middlewares by name, in MIDDLEWARE_ORDER; the same specs serve the Kubernetes CRDs."""
    # depth 0: the client is the connection's remote address, not a spoofable header. Put a depth here
    # only behind a proxy that appends X-Forwarded-For itself.
    by_address = {"ipStrategy": {"depth": 0, "ipv6Subnet": policy.rate_ipv6_subnet}}
    specs: dict[str, dict[str, Any]] = {
        "security-headers": {
            "headers": {
                "contentTypeNosniff": True,
                "frameDeny": True,
                "referrerPolicy": "strict-origin-when-cross-origin",
                "permissionsPolicy": PERMISSIONS_POLICY,
                # Sent on HTTPS requests only, so harmless behind plain HTTP in development.
                "stsSeconds": 31536000,
                "stsIncludeSubdomains": True,
                # An empty value removes the header: no need to tell the world what serves the API.
                "customResponseHeaders": {"Server": "", "X-Powered-By": ""},
                # No Content-Security-Policy: it would break the Swagger UI at /api/<layanan>/docs.
            }
        },
        "rate-limit": _rate_limit(policy.rate_average, policy.rate_burst, by_address, policy),
        "body-limit": {
            "buffering": {
                "maxRequestBodyBytes": catalog.max_body_bytes,
                "memRequestBodyBytes": policy.mem_body_bytes,
            }
        },
        "circuit-breaker": {
            "circuitBreaker": {
                "expression": policy.breaker_expression,
                "fallbackDuration": policy.breaker_fallback,
                "recoveryDuration": policy.breaker_recovery,
                "responseCode": 503,
            }
        },
        "rate-limit-credentials": _rate_limit(
            policy.credential_rate_average, policy.credential_rate_burst, by_address, policy
        ),
        # Each token value is its own bucket. A made-up token gets a fresh one too: the ceiling above, per
        # address, is what holds such a flood (see docs/platform.md, Gateway).
        "rate-limit-account": _rate_limit(
            policy.account_rate_average,
            policy.account_rate_burst,
            {"requestHeaderName": "Authorization"},
            policy,
        ),
        "rate-limit-anonymous": _rate_limit(
            policy.anonymous_rate_average, policy.anonymous_rate_burst, by_address, policy
        ),
        "retry": {
            "retry": {
                "attempts": policy.retry_attempts,
                "initialInterval": policy.retry_initial_interval,
            }
        },
    }
    return {name: specs[name] for name in MIDDLEWARE_ORDER}


def _rate_limit(average: int, burst: int, source: dict[str, Any], policy: GatewayPolicy) -> dict[str, Any]:
    return {
        "rateLimit": {
            "average": average,
            "period": policy.rate_period,
            "burst": burst,
            "sourceCriterion": source,
        }
    }


# A request slower than this is written to the access log whatever its status.
ACCESS_LOG_SLOW = "1s"


def render_static(
    *,
    entry_port: int,
    dynamic_path: str,
    access_log_path: str | None,
    otlp_endpoint: str | None,
    host: str = "",
    internal_port: int | None = None,
    internal_trusted_ips: Sequence[str] = ("127.0.0.1/32", "::1/128"),
) -> dict[str, Any]:
    """Traefik's static configuration.

    One entrypoint `web` on `host:entry_port` (all interfaces when host is empty) that also answers
    `/ping`, and with `internal_port` the portal's entrypoint `internal`, which believes the
    X-Forwarded-For of `internal_trusted_ips`; routes come from the file at `dynamic_path`, watched for changes. The access log is JSON,
    to `access_log_path` or to stdout when None, of the requests that failed, were refused, retried
    or slow. Traces and metrics go over OTLP/HTTP to
    `otlp_endpoint` (for example http://otel-collector:4318) only when one is given. No API or
    dashboard is enabled.
    """
    static: dict[str, Any] = {
        "global": {"checkNewVersion": False, "sendAnonymousUsage": False},
        "log": {"level": "INFO", "format": "json"},
        "accessLog": {
            "format": "json",
            # The requests ops looks into one by one: refused or failed (4xx, 5xx, the 429 of a rate
            # limit among them), retried, or slow. A fast success is counted by the metrics, not written
            # down: writing every request's line cost Traefik about a quarter of its CPU per request
            # (bench_baca), and fewer citizens' paths (a NIK in a URL) sit in a log file.
            "filters": {
                "statusCodes": ["400-599"],
                "retryAttempts": True,
                "minDuration": ACCESS_LOG_SLOW,
            },
            # Request headers stay out of the log (Authorization, cookies); only the user agent is kept.
            "fields": {"headers": {"defaultMode": "drop", "names": {"User-Agent": "keep"}}},
        },
        "entryPoints": {
            ENTRYPOINT: {
                "address": f"{host}:{entry_port}",
                # Drop headers whose names alias another (X_Forwarded_For for X-Forwarded-For).
                "http": {"aliasHeadersStrategy": "delete"},
                # A full-size upload (max_body_mib) over a slow mobile link takes minutes; the default is 60s.
                "transport": {"respondingTimeouts": {"readTimeout": "300s"}},
            }
        },
        "ping": {"entryPoint": ENTRYPOINT},
        "providers": {"file": {"filename": dynamic_path, "watch": True}},
    }
    if internal_port is not None:
        static["entryPoints"][INTERNAL_ENTRYPOINT] = {
            "address": f"{host}:{internal_port}",
            "forwardedHeaders": {"trustedIPs": list(internal_trusted_ips)},
            "http": {"aliasHeadersStrategy": "delete"},
            "transport": {"respondingTimeouts": {"readTimeout": "300s"}},
        }
    if access_log_path is not None:
        static["accessLog"]["filePath"] = access_log_path
    if otlp_endpoint:
        base = otlp_endpoint.rstrip("/")
        static["tracing"] = {
            "serviceName": "puja-gateway",
            "otlp": {"http": {"endpoint": f"{base}/v1/traces"}},
        }
        static["metrics"] = {
            "otlp": {
                "addRoutersLabels": True,
                "http": {"endpoint": f"{base}/v1/metrics"},
            }
        }
    return static


def render_dynamic(
    catalog: Catalog,
    upstream: Callable[[ServiceEntry], str],
    *,
    policy: GatewayPolicy = DEFAULT_POLICY,
) -> dict[str, Any]:
    """Traefik's dynamic configuration: per catalog entry one service, its router, the router's
    `caller_routes` and under each of those the two `child_routes`.

    `upstream(entry)` gives the base URL of the service (for example http://akun:8000); Traefik checks
    its /healthz and stops sending requests to it while that fails. Every service but the root one also
    has a router on the internal entrypoint (`internal_router`) over the same two child routes.
    """
    routers: dict[str, Any] = {}
    services: dict[str, Any] = {}
    for entry in catalog.services:
        routers[entry.name] = {
            "entryPoints": [ENTRYPOINT],
            "rule": route_rule(entry),
            "middlewares": list(SHARED_MIDDLEWARES),
            **({"priority": ROOT_PRIORITY} if entry.root else {}),
        }
        callers = caller_routes(entry)
        leaf_parents = [caller.name for caller in callers]
        if not entry.root:
            routers[internal_router(entry)] = {
                "entryPoints": [INTERNAL_ENTRYPOINT],
                "rule": route_rule(entry),
                "middlewares": list(INTERNAL_MIDDLEWARES),
            }
            leaf_parents.append(internal_router(entry))
        for layer, parents, service in (
            (callers, [entry.name], None),
            (child_routes(entry), leaf_parents, entry.name),
        ):
            for route in layer:
                routers[route.name] = {
                    "parentRefs": parents,
                    "rule": route.rule,
                    "priority": route.priority,
                    **({"middlewares": list(route.middlewares)} if route.middlewares else {}),
                    **({"service": service} if service else {}),
                }
        services[entry.name] = {
            "loadBalancer": {
                "servers": [{"url": upstream(entry)}],
                "passHostHeader": True,
                "serversTransport": SERVERS_TRANSPORT,
                "healthCheck": {
                    "path": HEALTH_PATH,
                    "interval": policy.health_interval,
                    "timeout": policy.health_timeout,
                },
            }
        }
    return {
        "http": {
            "routers": routers,
            "services": services,
            "middlewares": middlewares(catalog, policy),
            "serversTransports": {
                SERVERS_TRANSPORT: {
                    "forwardingTimeouts": {
                        "dialTimeout": policy.dial_timeout,
                        "responseHeaderTimeout": policy.response_header_timeout,
                    }
                }
            },
        }
    }


class _Dumper(yaml.SafeDumper):
    """Writes shared sub-dicts out in full: no &id001 anchors in files people read."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


GENERATED_HEADER = (
    "Generated from catalog.toml by `uv run python -m puja_kit.gateway --write`; do not edit by hand."
)


def dump_yaml(data: Mapping[str, Any] | Sequence[Mapping[str, Any]], *, header: str | None = None) -> str:
    """YAML text in the renderers' key order; a sequence becomes a multi-document stream.

    `header` becomes leading `#` comment lines.
    """
    documents = [data] if isinstance(data, Mapping) else list(data)
    body = yaml.dump_all(
        [dict(document) for document in documents],
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1000,
    )
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) if header else ""
    return comment + body


def write_yaml(
    path: str | Path,
    data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    header: str | None = None,
) -> None:
    """Write `dump_yaml(data)` to `path`, creating its folder."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dump_yaml(data, header=header), encoding="utf-8")


if __name__ == "__main__":
    # The committed renders span gateway/, the compose file and deploy/k8s: one command writes them all.
    from puja_kit.deploy import cli

    cli()
