"""The whole platform on one machine: `make run` and the end-to-end tests start it the same way.

PostgreSQL (one database and role per service), NATS JetStream, every service of the catalog as its
own uvicorn process, and Traefik in front. Data lives in one folder, so a second run keeps it.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from puja_kit import gateway, migrations
from puja_kit.catalog import Catalog, ServiceEntry, load_catalog
from puja_kit.infra import ManagedProcess, Nats, Postgres, Traefik, free_port


@dataclass
class StackPorts:
    gateway: int
    postgres: int
    nats: int
    services: dict[str, int]
    gateway_internal: int = 0
    """The portal's entrypoint (puja_kit.gateway.INTERNAL_ENTRYPOINT), on 127.0.0.1 only."""

    @classmethod
    def from_catalog(cls, catalog: Catalog, *, gateway_port: int | None = None) -> StackPorts:
        return cls(
            gateway=gateway_port or catalog.gateway_port,
            postgres=catalog.postgres_port,
            nats=catalog.nats_port,
            services={s.name: s.port for s in catalog.services},
            gateway_internal=catalog.gateway_internal_port,
        )

    @classmethod
    def free(cls, catalog: Catalog) -> StackPorts:
        """Ports nobody uses, so tests never clash with a running `make run`."""
        return cls(
            gateway=free_port(),
            postgres=free_port(),
            nats=free_port(),
            services={s.name: free_port() for s in catalog.services},
            gateway_internal=free_port(),
        )


@dataclass
class LocalStack:
    data_dir: Path
    ports: StackPorts
    environment: str = "dev"
    fast_unsafe: bool = False
    catalog: Catalog = field(default_factory=load_catalog)
    extra_env: dict[str, str] = field(default_factory=dict)
    # The gateway's limits (a benchmark raises them, so that one load generator is not what it measures).
    gateway_policy: gateway.GatewayPolicy = gateway.DEFAULT_POLICY
    postgres: Postgres | None = None
    nats: Nats | None = None
    traefik: Traefik | None = None
    services: dict[str, ManagedProcess] = field(default_factory=dict)
    started_at: float = 0.0

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    def _secrets(self) -> dict[str, str]:
        """Per-installation secrets, made on the first run and kept with the data."""
        path = self.data_dir / "secrets.json"
        known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        for entry in self.catalog.services:
            known.setdefault(f"{entry.name}.db", secrets.token_urlsafe(18))
            known.setdefault(f"{entry.name}.secret_key", secrets.token_urlsafe(32))
        path.write_text(json.dumps(known, indent=2))
        path.chmod(0o600)
        return known

    def service_env(self, entry: ServiceEntry) -> dict[str, str]:
        assert self.postgres is not None and self.nats is not None
        known = self._secrets()
        akun = self.ports.services.get("akun")
        prefix = entry.env_prefix
        env = {
            **os.environ,
            "PUJA_CATALOG": str(self.catalog.path),
            f"{prefix}ENVIRONMENT": self.environment,
            f"{prefix}DATABASE_URL": self.postgres.url(entry.name, known[f"{entry.name}.db"], entry.name),
            f"{prefix}NATS_URL": self.nats.url,
            f"{prefix}SECRET_KEY": known[f"{entry.name}.secret_key"],
            f"{prefix}JWKS_URL": f"http://127.0.0.1:{akun}/api/akun/v1/.well-known/jwks.json",
            # Uploads stay with the rest of the data (ignored by services that take none).
            f"{prefix}STORAGE_DIR": str(self.data_dir / "uploads" / entry.name),
            f"{prefix}PUBLIC_BASE_URL": self.gateway_url,
            **(
                {f"{prefix}GATEWAY_URL": f"http://127.0.0.1:{self.ports.gateway_internal}"}
                if entry.root
                else {}
            ),
        }
        env.update({k.replace("{PREFIX}", prefix): v for k, v in self.extra_env.items()})
        return env

    def start(self) -> LocalStack:
        self.started_at = time.monotonic()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.postgres = Postgres(
            self.data_dir / "postgres",
            self.ports.postgres,
            log_path=self.logs / "postgres.log",
            fast_unsafe=self.fast_unsafe,
        ).start()
        self.nats = Nats(self.data_dir / "nats", self.ports.nats, log_path=self.logs / "nats.log").start()
        known = self._secrets()
        for entry in self.catalog.services:
            url = self.postgres.ensure_database(entry.name, known[f"{entry.name}.db"])
            migrations.upgrade(self.catalog.root / "services" / entry.name / "migrations", url)
        for entry in self.catalog.services:
            self.start_service(entry.name)
        for entry in self.catalog.services:
            self.wait_ready(entry.name)
        self.start_gateway()
        return self

    def start_service(self, name: str) -> ManagedProcess:
        entry = self.catalog.service(name)
        port = self.ports.services[name]
        process = ManagedProcess(
            name,
            [
                sys.executable,
                "-m",
                "uvicorn",
                entry.module,
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--no-proxy-headers",  # the app believes X-Forwarded-For itself (trusted_proxies)
                "--timeout-graceful-shutdown",
                "10",
            ],
            env=self.service_env(entry),
            log_path=self.logs / f"{name}.log",
        ).start()
        self.services[name] = process
        return process

    def wait_ready(self, name: str, timeout: float = 60) -> None:
        """Until the service is ready, and, when the gateway runs, until the gateway routes to it again
        (after a restart Traefik waits for its next health check before it does)."""
        port = self.ports.services[name]
        process = self.services[name]
        process.wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200,
            timeout=timeout,
            what="siap",
        )
        if self.traefik is not None and self.traefik.process is not None:
            prefix = self.catalog.service(name).prefix
            process.wait_until(
                lambda: httpx.get(f"{self.gateway_url}/api/{prefix}/healthz", timeout=2).status_code == 200,
                timeout=timeout,
                what="dijangkau lewat gateway",
            )

    def stop_service(self, name: str) -> None:
        process = self.services.pop(name, None)
        if process is not None:
            process.stop()

    def start_gateway(self) -> None:
        folder = self.data_dir / "gateway"
        folder.mkdir(parents=True, exist_ok=True)
        dynamic = folder / "dynamic.yml"
        gateway.write_yaml(
            dynamic,
            gateway.render_dynamic(
                self.catalog,
                lambda s: f"http://127.0.0.1:{self.ports.services[s.name]}",
                policy=self.gateway_policy,
            ),
        )
        static = folder / "traefik.yml"
        gateway.write_yaml(
            static,
            gateway.render_static(
                entry_port=self.ports.gateway,
                dynamic_path=str(dynamic),
                access_log_path=str(self.logs / "gateway-access.log"),
                otlp_endpoint=None,
                host="127.0.0.1",
                internal_port=self.ports.gateway_internal or None,
            ),
        )
        self.traefik = Traefik(static, self.ports.gateway, log_path=self.logs / "traefik.log").start()

    def seed_demo(self) -> None:
        """The registry's demo first (it onboards the region the others fill), then the rest at once.

        What was seeded is noted with the data, so a later run seeds only services new to the catalog.
        """
        marker = self.data_dir / "demo-seeded.json"
        done: list[str] = json.loads(marker.read_text()) if marker.exists() else []
        seeds = [entry for entry in self.catalog.services if entry.demo and entry.name not in done]
        first = [entry for entry in seeds if entry.name == "tenant_registry"]
        for batch in (first, [entry for entry in seeds if entry not in first]):
            running = [
                (
                    entry,
                    subprocess.Popen([sys.executable, "-m", str(entry.demo)], env=self.service_env(entry)),
                )
                for entry in batch
            ]
            failed = [entry.name for entry, proc in running if proc.wait(timeout=180) != 0]
            if failed:
                raise RuntimeError(f"data demo gagal diisi: {', '.join(failed)}")
            done.extend(entry.name for entry in batch)
            marker.write_text(json.dumps(done))

    def memory_mb(self) -> float:
        """Memory of every process of the platform, in MB: proportional set size, so pages shared
        between processes (Postgres's buffers, the Python libraries) are counted once."""
        pids = [p.proc.pid for p in self._processes() if p.proc is not None]
        total = 0
        for pid in pids:
            try:
                root = psutil.Process(pid)
                total += sum(p.memory_full_info().pss for p in [root, *root.children(recursive=True)])
            except psutil.NoSuchProcess:
                continue
        return total / 1_000_000

    def _processes(self) -> list[ManagedProcess]:
        out = [p for p in (self.postgres, self.nats, self.traefik) if p is not None and p.process]
        return [*(p.process for p in out if p.process is not None), *self.services.values()]

    def failed(self) -> list[str]:
        return [p.name for p in self._processes() if not p.running]

    def stop(self) -> None:
        if self.traefik is not None:
            self.traefik.stop()
        for name in list(self.services):
            self.stop_service(name)
        if self.nats is not None:
            self.nats.stop()
        if self.postgres is not None:
            self.postgres.stop()
