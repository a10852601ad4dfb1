"""Deployment files rendered from the service catalog: docker-compose.yml, .env.example, deploy/k8s.

Together with the Traefik renders of puja_kit.gateway these are committed; after changing catalog.toml run

    uv run python -m puja_kit.gateway --write     (or: uv run python -m puja_kit.deploy --write)

and tests/test_catalog.py checks that every committed file still equals its render. Without --write the
command only reports which files are out of date and exits 1 if any is.

Conventions shared by compose and Kubernetes: every service listens on port 8000 under its DNS name
(`tenant-registry` for `tenant_registry`), has one database and one role named like the service, and
reads its settings from `PUJA_<NAME>_*` variables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from puja_kit import gateway
from puja_kit.bus import NATS_MAX_PAYLOAD, nats_server_config
from puja_kit.catalog import Catalog, ServiceEntry, load_catalog
from puja_kit.gateway import (
    HEALTH_PATH,
    READY_PATH,
    SERVICE_PORT,
    SHARED_MIDDLEWARES,
    docker_upstream,
    host_name,
    route_rule,
)
from puja_kit.metrics import METRICS_PATH

IMAGE_REPOSITORY = "puja-indah"
IMAGE_TAG = "latest"
DOCKERFILE = "deploy/Dockerfile"
POSTGRES_INIT_SCRIPT = "deploy/postgres/init-databases.sh"
NATS_CONFIG = "deploy/nats/nats.conf"
"""The kit's NATS settings (max_payload), rendered from puja_kit.bus and mounted into the nats container."""
NATS_CONFIG_MOUNT = "/etc/nats/puja.conf"
OTEL_ENDPOINT = "http://otel-collector:4318"
# Where the gateway connects from, so the services believe its X-Forwarded-For (settings.trusted_proxies):
# the private networks compose and Kubernetes give containers. Only the gateway is published, but any
# container on those networks could claim a client address: narrow it to the gateway's own.
GATEWAY_NETWORKS = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
NATS_URL = "nats://nats:4222"
K8S_DIR = "deploy/k8s"
K8S_NAMESPACE = "puja"
K8S_ENTRYPOINT = "websecure"
# The Traefik Helm chart's extra entrypoint for the portal (ports.internal), reached through its Service.
K8S_INTERNAL_GATEWAY_URL = "http://traefik-internal.puja.svc:8081"
K8S_CHILD_ROUTES_SUFFIX = "-routes"
K8S_CALLER_ROUTES_SUFFIX = "-callers"
"""The IngressRoute under a service's own, holding its retryable and send-once routes."""
APP_UID = 10001
"""The non-root user of deploy/Dockerfile."""

# Pinned to the versions the local run uses from the wheels, so both behave alike.
IMAGES = {
    "traefik": "traefik:v3.7",
    "postgres": "postgres:18-alpine",
    "nats": "nats:2.15-alpine",
    "otel-collector": "otel/opentelemetry-collector-contrib:0.120.0",
    "jaeger": "jaegertracing/jaeger:2.5.0",
}
INFRA_SERVICES = tuple(IMAGES)


def image(entry: ServiceEntry) -> str:
    return f"{IMAGE_REPOSITORY}/{host_name(entry)}:{IMAGE_TAG}"


def db_password_var(entry: ServiceEntry) -> str:
    """The variable in .env that holds the service's database password (compose interpolation)."""
    return f"{entry.name.upper()}_DB_PASSWORD"


def secret_key_var(entry: ServiceEntry) -> str:
    return f"{entry.name.upper()}_SECRET_KEY"


def _required(var: str) -> str:
    return f"${{{var}:?isi {var} di .env (lihat .env.example)}}"


def database_url(entry: ServiceEntry, password: str, host: str = "postgres") -> str:
    return f"postgresql+psycopg://{entry.name}:{password}@{host}:5432/{entry.name}"


def _labels(entry: ServiceEntry) -> dict[str, str]:
    return {"app.kubernetes.io/name": host_name(entry), "app.kubernetes.io/part-of": IMAGE_REPOSITORY}


# --- docker compose -------------------------------------------------------------------------------


def compose_service(catalog: Catalog, entry: ServiceEntry) -> dict[str, Any]:
    prefix = entry.env_prefix
    return {
        "image": image(entry),
        "build": {"context": ".", "dockerfile": DOCKERFILE, "args": {"SERVICE": entry.name}},
        "environment": {
            f"{prefix}ENVIRONMENT": "production",
            f"{prefix}DATABASE_URL": database_url(entry, _required(db_password_var(entry))),
            f"{prefix}NATS_URL": NATS_URL,
            f"{prefix}JWKS_URL": gateway.jwks_url(catalog),
            f"{prefix}SECRET_KEY": _required(secret_key_var(entry)),
            f"{prefix}OTEL_EXPORTER_OTLP_ENDPOINT": OTEL_ENDPOINT,
            f"{prefix}TRUSTED_PROXIES": GATEWAY_NETWORKS,
            **({f"{prefix}GATEWAY_URL": internal_gateway_url(catalog)} if entry.root else {}),
        },
        "depends_on": {
            "postgres": {"condition": "service_healthy"},
            "nats": {"condition": "service_healthy"},
            "otel-collector": {"condition": "service_started"},
        },
        "healthcheck": {
            "test": [
                "CMD",
                "python",
                "-c",
                f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{SERVICE_PORT}{READY_PATH}', timeout=3)",
            ],
            "interval": "10s",
            "timeout": "5s",
            "retries": 3,
            "start_period": "60s",
        },
        "read_only": True,
        "tmpfs": ["/tmp"],
        "security_opt": ["no-new-privileges:true"],
        "restart": "unless-stopped",
    }


def internal_gateway_url(catalog: Catalog) -> str:
    """Where the portal calls the services: the gateway's internal entrypoint, inside the network only."""
    return f"http://traefik:{catalog.gateway_internal_port}"


def render_compose(catalog: Catalog) -> dict[str, Any]:
    """docker-compose.yml: Traefik, Postgres, NATS, the collector with Jaeger, and every service."""
    services: dict[str, Any] = {
        "traefik": {
            "image": IMAGES["traefik"],
            "command": ["--configFile=/etc/traefik/traefik.yml"],
            "ports": [f"{catalog.gateway_port}:{catalog.gateway_port}"],
            "volumes": ["./gateway:/etc/traefik:ro"],
            "depends_on": {"otel-collector": {"condition": "service_started"}},
            "healthcheck": {
                "test": ["CMD", "traefik", "healthcheck", "--ping", "--configFile=/etc/traefik/traefik.yml"],
                "interval": "10s",
                "timeout": "5s",
                "retries": 3,
            },
            "restart": "unless-stopped",
        },
        "postgres": {
            "image": IMAGES["postgres"],
            "environment": {
                "POSTGRES_PASSWORD": _required("POSTGRES_PASSWORD"),
                # The init script makes one database and one role for each of these.
                "PUJA_DATABASES": " ".join(entry.name for entry in catalog.services),
                **{db_password_var(entry): _required(db_password_var(entry)) for entry in catalog.services},
            },
            "volumes": [
                # Postgres 18 images keep PGDATA in a version folder below /var/lib/postgresql.
                "pgdata:/var/lib/postgresql",
                f"./{POSTGRES_INIT_SCRIPT}:/docker-entrypoint-initdb.d/10-puja-databases.sh:ro",
            ],
            "healthcheck": {
                # Over TCP: during initialisation the server listens on its socket only.
                "test": ["CMD", "pg_isready", "--host=127.0.0.1", "--username=postgres"],
                "interval": "5s",
                "timeout": "5s",
                "retries": 10,
            },
            "restart": "unless-stopped",
        },
        "nats": {
            "image": IMAGES["nats"],
            "command": [
                "-c",
                NATS_CONFIG_MOUNT,
                "-js",
                "-sd",
                "/data",
                "-m",
                "8222",
                "--server_name",
                "puja",
            ],
            "volumes": ["natsdata:/data", f"./{NATS_CONFIG}:{NATS_CONFIG_MOUNT}:ro"],
            "healthcheck": {
                "test": [
                    "CMD",
                    "wget",
                    "-q",
                    "-O",
                    "-",
                    "http://127.0.0.1:8222/healthz?js-enabled-only=true",
                ],
                "interval": "5s",
                "timeout": "5s",
                "retries": 10,
            },
            "restart": "unless-stopped",
        },
        "otel-collector": {
            "image": IMAGES["otel-collector"],
            "command": ["--config=/etc/otelcol/config.yaml"],
            "volumes": ["./deploy/otel-collector.yaml:/etc/otelcol/config.yaml:ro"],
            "depends_on": {"jaeger": {"condition": "service_started"}},
            "restart": "unless-stopped",
        },
        "jaeger": {
            "image": IMAGES["jaeger"],
            # The trace viewer, for this machine only.
            "ports": ["127.0.0.1:16686:16686"],
            "restart": "unless-stopped",
        },
    }
    for entry in catalog.services:
        services[host_name(entry)] = compose_service(catalog, entry)
    return {
        "name": IMAGE_REPOSITORY,
        "services": services,
        "volumes": {"pgdata": {}, "natsdata": {}},
    }


def render_env_example(catalog: Catalog) -> str:
    lines = [
        "# Secrets for docker-compose.yml: copy to .env (never committed) and fill every value.",
        "# Passwords go into database URLs, so use URL-safe values, e.g. `openssl rand -hex 32`.",
        f"# {gateway.GENERATED_HEADER}",
        "POSTGRES_PASSWORD=",
    ]
    for entry in catalog.services:
        lines += [f"{db_password_var(entry)}=", f"{secret_key_var(entry)}="]
    return "\n".join(lines) + "\n"


# --- Kubernetes -----------------------------------------------------------------------------------


def _container_env(catalog: Catalog, entry: ServiceEntry) -> list[dict[str, Any]]:
    prefix = entry.env_prefix
    secret = f"{host_name(entry)}-secrets"
    return [
        {"name": f"{prefix}ENVIRONMENT", "value": "production"},
        {
            "name": f"{prefix}DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": secret, "key": "DATABASE_URL"}},
        },
        {"name": f"{prefix}NATS_URL", "value": NATS_URL},
        {"name": f"{prefix}JWKS_URL", "value": gateway.jwks_url(catalog)},
        {
            "name": f"{prefix}SECRET_KEY",
            "valueFrom": {"secretKeyRef": {"name": secret, "key": "SECRET_KEY"}},
        },
        {"name": f"{prefix}OTEL_EXPORTER_OTLP_ENDPOINT", "value": OTEL_ENDPOINT},
        {"name": f"{prefix}TRUSTED_PROXIES", "value": GATEWAY_NETWORKS},
        *([{"name": f"{prefix}GATEWAY_URL", "value": K8S_INTERNAL_GATEWAY_URL}] if entry.root else []),
    ]


_CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}


def _http_probe(path: str, *, period: int, failures: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": "http"},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": failures,
    }


def prometheus_annotations() -> dict[str, str]:
    return {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(SERVICE_PORT),
        "prometheus.io/path": METRICS_PATH,
    }


def k8s_service_manifests(catalog: Catalog, entry: ServiceEntry) -> list[dict[str, Any]]:
    """Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget and IngressRoute of a service."""
    name = host_name(entry)
    labels = _labels(entry)
    metadata = {"name": name, "namespace": K8S_NAMESPACE, "labels": labels}
    env = _container_env(catalog, entry)
    resources = {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            # No replicas: the HorizontalPodAutoscaler owns the count.
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": labels},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                # Prometheus scrapes each pod's /metrics directly (puja_kit.metrics); the gateway does
                # not route it, so it is never public.
                "metadata": {"labels": labels, "annotations": prometheus_annotations()},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": APP_UID,
                        "runAsGroup": APP_UID,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "terminationGracePeriodSeconds": 30,
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "kubernetes.io/hostname",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": labels},
                        }
                    ],
                    "initContainers": [
                        {
                            "name": "migrate",
                            "image": image(entry),
                            "command": ["puja", "migrate", entry.name],
                            "env": env,
                            "resources": resources,
                            "securityContext": _CONTAINER_SECURITY,
                            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                        }
                    ],
                    "containers": [
                        {
                            "name": name,
                            "image": image(entry),
                            "command": [
                                "puja",
                                "serve",
                                entry.name,
                                "--host",
                                "0.0.0.0",
                                "--port",
                                str(SERVICE_PORT),
                            ],
                            "ports": [{"name": "http", "containerPort": SERVICE_PORT, "protocol": "TCP"}],
                            "env": env,
                            "startupProbe": _http_probe(HEALTH_PATH, period=2, failures=30),
                            "livenessProbe": _http_probe(HEALTH_PATH, period=10, failures=3),
                            "readinessProbe": _http_probe(READY_PATH, period=5, failures=3),
                            # Let the endpoint removal reach Traefik before the process stops taking requests.
                            "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
                            "resources": resources,
                            "securityContext": _CONTAINER_SECURITY,
                            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                        }
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                },
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": {
            "type": "ClusterIP",
            "selector": labels,
            "ports": [{"name": "http", "port": SERVICE_PORT, "targetPort": "http", "protocol": "TCP"}],
        },
    }
    autoscaler = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata,
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
        },
    }
    disruption_budget = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata,
        "spec": {
            "minAvailable": 1,
            "selector": {"matchLabels": labels},
            "unhealthyPodEvictionPolicy": "AlwaysAllow",
        },
    }
    # The service's router holds the shared middlewares, as in the file configuration.
    route = {
        "apiVersion": "traefik.io/v1alpha1",
        "kind": "IngressRoute",
        "metadata": metadata,
        "spec": {
            "entryPoints": [K8S_ENTRYPOINT],
            "routes": [
                {
                    "kind": "Rule",
                    "match": route_rule(entry),
                    **({"priority": gateway.ROOT_PRIORITY} if entry.root else {}),
                    "middlewares": [{"name": middleware} for middleware in SHARED_MIDDLEWARES],
                }
            ],
            # The certificate is the Traefik default TLS store's, set up with the cluster.
            "tls": {},
        },
    }
    internal_name = f"{name}-internal"
    internal = {
        "apiVersion": "traefik.io/v1alpha1",
        "kind": "IngressRoute",
        "metadata": {**metadata, "name": internal_name},
        "spec": {
            "entryPoints": [gateway.INTERNAL_ENTRYPOINT],
            "routes": [
                {
                    "kind": "Rule",
                    "match": route_rule(entry),
                    "middlewares": [{"name": middleware} for middleware in gateway.INTERNAL_MIDDLEWARES],
                }
            ],
        },
    }

    def k8s_route(route: gateway.Route, *, leaf: bool) -> dict[str, Any]:
        return {
            "kind": "Rule",
            "match": route.rule,
            "priority": route.priority,
            **(
                {"middlewares": [{"name": middleware} for middleware in route.middlewares]}
                if route.middlewares
                else {}
            ),
            **({"services": [{"name": name, "port": "http"}]} if leaf else {}),
        }

    # Under it one route per kind of caller with that caller's limit (gateway.caller_routes), and under
    # all of those the retryable and send-once routes (gateway.child_routes).
    callers_name = f"{name}{K8S_CALLER_ROUTES_SUFFIX}"
    callers = {
        "apiVersion": "traefik.io/v1alpha1",
        "kind": "IngressRoute",
        "metadata": {**metadata, "name": callers_name},
        "spec": {
            "parentRefs": [{"name": name}],
            "routes": [k8s_route(caller, leaf=False) for caller in gateway.caller_routes(entry)],
        },
    }
    children = {
        "apiVersion": "traefik.io/v1alpha1",
        "kind": "IngressRoute",
        "metadata": {**metadata, "name": f"{name}{K8S_CHILD_ROUTES_SUFFIX}"},
        "spec": {
            "parentRefs": [{"name": callers_name}, *([] if entry.root else [{"name": internal_name}])],
            "routes": [k8s_route(child, leaf=True) for child in gateway.child_routes(entry)],
        },
    }
    routes = [route, callers, children] if entry.root else [route, internal, callers, children]
    return [deployment, service, autoscaler, disruption_budget, *routes]


def k8s_middlewares(catalog: Catalog) -> list[dict[str, Any]]:
    """The gateway's shared middlewares as Traefik Middleware resources (same specs as the file config)."""
    return [
        {
            "apiVersion": "traefik.io/v1alpha1",
            "kind": "Middleware",
            "metadata": {
                "name": name,
                "namespace": K8S_NAMESPACE,
                "labels": {"app.kubernetes.io/part-of": IMAGE_REPOSITORY},
            },
            "spec": spec,
        }
        for name, spec in gateway.middlewares(catalog).items()
    ]


def k8s_service_file(entry: ServiceEntry) -> str:
    return f"services/{host_name(entry)}.yaml"


def render_k8s(catalog: Catalog) -> dict[str, list[dict[str, Any]]]:
    """deploy/k8s: file name (relative to deploy/k8s) to its documents."""
    files: dict[str, list[dict[str, Any]]] = {
        "namespace.yaml": [
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": K8S_NAMESPACE,
                    "labels": {
                        "app.kubernetes.io/part-of": IMAGE_REPOSITORY,
                        "pod-security.kubernetes.io/enforce": "restricted",
                    },
                },
            }
        ],
        "gateway.yaml": k8s_middlewares(catalog),
    }
    for entry in catalog.services:
        files[k8s_service_file(entry)] = k8s_service_manifests(catalog, entry)
    files["kustomization.yaml"] = [
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "namespace": K8S_NAMESPACE,
            "resources": [name for name in files if name != "kustomization.yaml"],
        }
    ]
    return files


K8S_HEADER = f"""
Before applying: NATS with JetStream (service `nats`, e.g. the official Helm chart) with
`max_payload: {NATS_MAX_PAYLOAD}` as in {NATS_CONFIG}; PostgreSQL with one database and role per service
(e.g. CloudNativePG) in namespace `puja`; an OpenTelemetry collector at `otel-collector:4318`; Traefik
3.6+ from its Helm chart with the kubernetescrd provider, entrypoint `websecure`, and entrypoint `internal`
(port 8081, not exposed, forwardedHeaders.trustedIPs the pod network) behind a ClusterIP Service
`traefik-internal` for the portal; and per service a
Secret `<service>-secrets` with keys DATABASE_URL (postgresql+psycopg://<service>:<password>@<host>:5432/
<service>) and SECRET_KEY. Set the image tags with
`kustomize edit set image puja-indah/<service>=<registry>/puja-indah/<service>:<version>`.
"""


# --- all committed renders ------------------------------------------------------------------------


def render_files(catalog: Catalog) -> dict[str, str]:
    """Every committed render, by path relative to the repository root, as its exact text."""
    header = gateway.GENERATED_HEADER
    files = {
        "gateway/traefik.yml": gateway.dump_yaml(
            gateway.render_static(
                entry_port=catalog.gateway_port,
                dynamic_path="/etc/traefik/dynamic.yml",
                access_log_path=None,
                otlp_endpoint=OTEL_ENDPOINT,
                internal_port=catalog.gateway_internal_port,
                internal_trusted_ips=GATEWAY_NETWORKS.split(","),
            ),
            header=f"{header}\nTraefik's static configuration for docker-compose.yml.",
        ),
        "gateway/dynamic.yml": gateway.dump_yaml(
            gateway.render_dynamic(catalog, docker_upstream),
            header=f"{header}\nRoutes to the services of docker-compose.yml.",
        ),
        "docker-compose.yml": gateway.dump_yaml(
            render_compose(catalog),
            header=f"{header}\nSecrets come from .env: `cp .env.example .env`, fill it, then `docker compose up --build`.",
        ),
        ".env.example": render_env_example(catalog),
        NATS_CONFIG: f"# {header}\n{nats_server_config()}",
    }
    for name, documents in render_k8s(catalog).items():
        extra = K8S_HEADER if name == "kustomization.yaml" else ""
        files[f"{K8S_DIR}/{name}"] = gateway.dump_yaml(documents, header=f"{header}\n{extra.strip()}".strip())
    return files


def stale_k8s_files(catalog: Catalog, root: Path) -> list[str]:
    """Committed manifests under deploy/k8s that no render produces any more (a service was removed)."""
    rendered = {f"{K8S_DIR}/{name}" for name in render_k8s(catalog)}
    folder = root / K8S_DIR
    found = (
        {path.relative_to(root).as_posix() for path in folder.rglob("*.yaml")} if folder.exists() else set()
    )
    return sorted(found - rendered)


def outdated_files(catalog: Catalog, root: Path | None = None) -> list[str]:
    """Paths whose committed text differs from the render, is missing, or should be deleted."""
    root = root or catalog.root
    changed = [
        path
        for path, text in render_files(catalog).items()
        if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text
    ]
    return changed + stale_k8s_files(catalog, root)


def write_files(catalog: Catalog, root: Path | None = None) -> list[str]:
    """Write every render that changed and delete stale manifests; returns the paths touched."""
    root = root or catalog.root
    touched = outdated_files(catalog, root)
    for path, text in render_files(catalog).items():
        if path in touched:
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    for path in stale_k8s_files(catalog, root):
        (root / path).unlink()
    return touched


app = typer.Typer(
    add_completion=False, help="Render gateway/, docker-compose.yml and deploy/k8s from catalog.toml."
)


@app.command()
def main(
    write: bool = typer.Option(False, "--write", help="Write the renders instead of only checking them."),
) -> None:
    catalog = load_catalog()
    if write:
        stale = set(stale_k8s_files(catalog, catalog.root))
        for path in write_files(catalog):
            typer.echo(f"{'dihapus' if path in stale else 'ditulis'}: {path}")
        return
    outdated = outdated_files(catalog)
    for path in outdated:
        typer.echo(f"usang: {path}")
    if outdated:
        typer.echo("jalankan: uv run python -m puja_kit.gateway --write")
        raise typer.Exit(1)


def cli() -> None:
    app()


if __name__ == "__main__":
    cli()
