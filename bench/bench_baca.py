"""Read throughput of the platform against the ceiling of a bare FastAPI + raw psycopg read, in one run.

    make bench
    uv run python bench/bench_baca.py --connections 32 --seconds 5

The whole platform starts as `make run` starts it (LocalStack: every service one uvicorn worker, Traefik in
front), in a temporary folder on free ports, and is stopped on exit or Ctrl-C. Beside it runs the ceiling:
a bare FastAPI app, one uvicorn worker started the same way, reading one row through a psycopg_pool
AsyncConnectionPool from the same Postgres. Then, one target at a time, a load generator in a process
of its own (raw sockets on uvloop, HTTP/1.1 keep-alive, a fixed number of connections each with one
request in flight) warms up and then measures for a fixed time:

- the ceiling, and /healthz of a service (the framework alone);
- a public read: kesehatan's facility list of the demo region, anonymous;
- a staff list: kependudukan's resident list, as the demo operator;
- a citizen's own data: kependudukan's `penduduk/saya`, as the demo citizen;

each straight to the service's port and through Traefik. Reported: req/s, p50, p99, each read's ratio to
the ceiling (goal >= 0.5) and through-Traefik over direct (goal >= 0.85). The gateway runs with its
production middlewares, its rate limits raised so that one load generator's address is not what is measured.

On a machine with two cores or more, every target is measured twice, each time with one core given
to one part and every other process (Postgres, NATS, the other services, the load generator) on the
other cores:

- the measured processes alone (the ceiling, kesehatan, kependudukan): how a service's read compares
  with the ceiling's, neither sharing its core with the database or the load generator;
- Traefik alone: whether the gateway, which a deployment runs on machines of its own, holds a
  service's pace (on two shared cores Traefik's CPU would be taken from the service it is measured in
  front of).

The CPU each process spent per request is reported beside it (the service, and Traefik), so what the
gateway costs is seen whatever the placement.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REGION = "kab-hulu-sungai-utara"
PASSWORD = "pujaindah-demo"
CEILING_DSN_ENV = "PUJA_BENCH_CEILING_DSN"
GOAL_CEILING = 0.5
GOAL_GATEWAY = 0.85
# The services the reads need (the registry and akun for the region and the tokens); the others would
# only take memory and CPU from the machine being measured.
SERVICES = ("tenant_registry", "akun", "kependudukan", "kesehatan")
# The services whose reads are measured: on a core of their own (with the ceiling).
MEASURED = ("kependudukan", "kesehatan")


# --- the ceiling: a bare FastAPI app reading one row through psycopg_pool -----------------------------


def ceiling_app() -> Any:
    """uvicorn factory (`bench_baca:ceiling_app`): one row of the service's `daerah` table per request."""
    from contextlib import asynccontextmanager

    from fastapi import FastAPI
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(os.environ[CEILING_DSN_ENV], min_size=5, max_size=10, open=False)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        await pool.open(wait=True)
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/satu")
    async def one_row() -> dict[str, Any]:
        async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute("SELECT kode, slug, nama, zona_waktu FROM daerah WHERE slug = %s", (REGION,))
            row = await cur.fetchone()
        return row or {}

    return app


# --- the load generator (runs in a process of its own) -----------------------------------------------


class _Client(asyncio.Protocol):
    """One keep-alive connection with one request in flight at a time."""

    def __init__(self, request: bytes, run: _Run) -> None:
        self.request = request
        self.run = run
        self.buffer = bytearray()
        self.started = 0.0
        self.transport: Any = None
        self.closed = run.loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # uvloop's TCPTransport is no asyncio.Transport subclass
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        if self.run.stopping:
            self.transport.close()
            return
        self.started = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).split(b"\r\n")
            status = int(head[0].split(b" ", 2)[1])
            length = None
            chunked = False
            for line in head[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding" and b"chunked" in value.lower():
                    chunked = True
            body_start = end + 4
            if chunked:
                finish = self.buffer.find(b"\r\n0\r\n\r\n", body_start - 2)
                if finish < 0:
                    return
                total = finish + 7
            else:
                total = body_start + (length or 0)
                if len(self.buffer) < total:
                    return
            del self.buffer[:total]
            self.run.record(status, time.perf_counter() - self.started)
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


class _Run:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.stopping = False
        self.measuring = False
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.served = 0  # warm-up included

    def record(self, status: int, latency: float) -> None:
        self.served += 1
        if self.measuring:
            self.latencies.append(latency)
            self.statuses[status] = self.statuses.get(status, 0) + 1


async def _load(
    url: str, token: str | None, connections: int, warmup: float, seconds: float
) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    request = ("\r\n".join(headers) + "\r\n\r\n").encode()
    loop = asyncio.get_running_loop()
    run = _Run(loop)
    clients = []
    for _ in range(connections):
        _, client = await loop.create_connection(lambda: _Client(request, run), host, port)
        clients.append(client)
    await asyncio.sleep(warmup)
    run.measuring = True
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    run.measuring = False
    elapsed = time.perf_counter() - started
    run.stopping = True
    await asyncio.wait([c.closed for c in clients], timeout=10)
    latencies = sorted(run.latencies)
    ok = run.statuses.get(200, 0)
    return {
        "served": run.served,
        "rps": ok / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000 if latencies else 0.0,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0.0,
        "statuses": run.statuses,
    }


def _load_main(args: argparse.Namespace) -> None:
    import uvloop

    if args.cores:
        os.sched_setaffinity(0, {int(c) for c in args.cores.split(",")})

    result = uvloop.run(_load(args.url, args.token, args.connections, args.warmup, args.seconds))
    print(json.dumps(result))


# --- the benchmark ------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    url: str
    token: str | None = None
    kind: str = "direct"  # direct | gateway | ceiling | framework
    pid: int = 0  # the process that answers it (its CPU per request is reported)


def measure(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "load",
        target.url,
        "--connections",
        str(args.connections),
        "--warmup",
        str(args.warmup),
        "--seconds",
        str(args.seconds),
    ]
    if target.token:
        command += ["--token", target.token]
    if args.other_cores:
        command += ["--cores", ",".join(map(str, sorted(args.other_cores)))]
    watched = {"layanan": target.pid, "traefik": args.traefik_pid}
    before = {name: _cpu_seconds(pid) for name, pid in watched.items()}
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    result: dict[str, Any] = json.loads(out.stdout)
    # Each watched process's CPU per request over warm-up and measurement (all requests of the run).
    served = result["served"] or 1
    result["cpu_us"] = {
        name: (_cpu_seconds(pid) - before[name]) / served * 1e6 for name, pid in watched.items()
    }
    errors = {k: v for k, v in result["statuses"].items() if k != "200"}
    if errors or not result["statuses"]:
        raise SystemExit(f"{target.name} ({target.kind}): jawaban selain 200: {errors}")
    return result


def _cpu_seconds(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def _tree(pid: int) -> list[Any]:
    import psutil

    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def pin(stack: Any, ceiling: Any, args: argparse.Namespace, *, alone: str) -> str:
    """One core for `alone` ("layanan": the measured processes; "gateway": Traefik), the other cores
    for every other process and the load generator (see the module's docstring)."""
    cores = sorted(os.sched_getaffinity(0))
    args.other_cores = set()
    if len(cores) < 2:
        return f"{len(cores)} core: semua proses berbagi"
    own, others = {cores[0]}, set(cores[1:])
    assert stack.traefik is not None and stack.traefik.process is not None
    if alone == "layanan":
        chosen = {ceiling.proc.pid, *(stack.services[name].proc.pid for name in MEASURED)}
        label = "batas, kesehatan, kependudukan"
    else:
        chosen = {stack.traefik.process.proc.pid}
        label = "Traefik"
    for process in [*stack._processes(), ceiling]:
        if process.proc is None:
            continue
        for member in _tree(process.proc.pid):
            member.cpu_affinity(sorted(own if process.proc.pid in chosen else others))
    args.other_cores = others
    return f"core {cores[0]}: {label}; core {','.join(map(str, sorted(others)))}: selebihnya"


def login(gateway_url: str, username: str) -> str:
    import httpx

    response = httpx.post(
        f"{gateway_url}/api/akun/v1/login", json={"username": username, "password": PASSWORD}, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def start_ceiling(stack: Any, port: int) -> Any:
    import httpx
    from puja_kit.infra import ManagedProcess

    known = stack._secrets()
    dsn = stack.postgres.url("kesehatan", known["kesehatan.db"], "kesehatan").replace("+psycopg", "", 1)
    env = {**os.environ, CEILING_DSN_ENV: dsn}
    # The same uvicorn settings as every service of LocalStack (one worker, no access log).
    process = ManagedProcess(
        "ceiling",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench_baca:ceiling_app",
            "--factory",
            "--app-dir",
            str(Path(__file__).parent),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--no-proxy-headers",
        ],
        env=env,
        log_path=stack.logs / "ceiling.log",
    ).start()
    process.wait_until(
        lambda: httpx.get(f"http://127.0.0.1:{port}/satu", timeout=2).status_code == 200,
        timeout=60,
        what="siap",
    )
    return process


def run(args: argparse.Namespace) -> None:
    from puja_kit.catalog import load_catalog
    from puja_kit.gateway import GatewayPolicy
    from puja_kit.infra import free_port
    from puja_kit.stack import LocalStack, StackPorts

    full = load_catalog()
    catalog = dataclasses.replace(full, services=tuple(s for s in full.services if s.name in SERVICES))
    # Production middlewares; limits high enough that one address at full speed is not cut off.
    policy = GatewayPolicy(
        rate_average=1_000_000,
        rate_burst=1_000_000,
        account_rate_average=1_000_000,
        account_rate_burst=1_000_000,
        anonymous_rate_average=1_000_000,
        anonymous_rate_burst=1_000_000,
    )
    with tempfile.TemporaryDirectory() as folder:
        stack = LocalStack(Path(folder), StackPorts.free(catalog), catalog=catalog, gateway_policy=policy)
        ceiling = None
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        try:
            print("menyalakan platform ...", file=sys.stderr)
            # What the start-up and the demo seeds print goes to stderr: stdout is the table.
            stdout = os.dup(1)
            os.dup2(2, 1)
            try:
                stack.start()
                stack.seed_demo()
            finally:
                os.dup2(stdout, 1)
                os.close(stdout)
            ceiling_port = free_port()
            ceiling = start_ceiling(stack, ceiling_port)
            operator, warga = (
                login(stack.gateway_url, "demo-operator"),
                login(stack.gateway_url, "demo-warga"),
            )
            assert stack.traefik is not None and stack.traefik.process is not None
            args.traefik_pid = stack.traefik.process.proc.pid
            kes, kdk = stack.ports.services["kesehatan"], stack.ports.services["kependudukan"]
            kes_pid, kdk_pid = (stack.services[n].proc.pid for n in ("kesehatan", "kependudukan"))
            reads = [
                ("publik: fasilitas kesehatan", kes, kes_pid, f"/api/kesehatan/v1/{REGION}/fasilitas", None),
                (
                    "petugas: daftar penduduk",
                    kdk,
                    kdk_pid,
                    f"/api/kependudukan/v1/{REGION}/penduduk",
                    operator,
                ),
                ("warga: data sendiri", kdk, kdk_pid, f"/api/kependudukan/v1/{REGION}/penduduk/saya", warga),
            ]
            ceiling_url = f"http://127.0.0.1:{ceiling_port}/satu"
            targets = [
                Target("batas: FastAPI + psycopg", ceiling_url, kind="ceiling", pid=ceiling.proc.pid),
                Target(
                    "kerangka: /healthz", f"http://127.0.0.1:{kes}/healthz", kind="framework", pid=kes_pid
                ),
            ]
            for name, port, pid, path, token in reads:
                targets.append(Target(name, f"http://127.0.0.1:{port}{path}", token, "direct", pid))
                targets.append(Target(name, f"{stack.gateway_url}{path}", token, "gateway", pid))
            # The ceiling again at the end: the spread of the two says how steady the machine was.
            targets.append(
                Target("batas: FastAPI + psycopg", ceiling_url, kind="ceiling", pid=ceiling.proc.pid)
            )
            for alone in ("layanan", "gateway"):
                placement = pin(stack, ceiling, args, alone=alone)
                results: list[tuple[Target, dict[str, Any]]] = []
                for target in targets:
                    print(f"mengukur {target.name} ({target.kind}, {alone}) ...", file=sys.stderr)
                    results.append((target, measure(target, args)))
                report(results, args, placement)
                if len(os.sched_getaffinity(0)) < 2:
                    break  # one core: one placement
        finally:
            signal.signal(signal.SIGTERM, previous)
            if ceiling is not None:
                ceiling.stop()
            stack.stop()


def report(results: list[tuple[Target, dict[str, Any]]], args: argparse.Namespace, placement: str) -> None:
    ceilings = [r["rps"] for t, r in results if t.kind == "ceiling"]
    ceiling = statistics.mean(ceilings)
    direct = {t.name: r["rps"] for t, r in results if t.kind == "direct"}
    print(
        f"\nbaca: {args.connections} koneksi, {args.seconds:g} s per target setelah {args.warmup:g} s pemanasan,"
        " satu worker uvicorn per proses"
    )
    print(f"batas (rata-rata dua ukuran): {ceiling:,.0f} req/s ({' / '.join(f'{c:,.0f}' for c in ceilings)})")
    print(f"penempatan: {placement}; CPU per permintaan (us): proses yang diukur, Traefik")
    header = (
        f"{'target':<30} {'jalur':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'/batas':>7} {'gw/dir':>7}"
        f" {'cpu':>6} {'traefik':>7}"
    )
    print(header)
    print("-" * len(header))
    for target, result in results:
        ratio = result["rps"] / ceiling
        gateway = f"{result['rps'] / direct[target.name]:.2f}" if target.kind == "gateway" else ""
        cpu = result["cpu_us"]
        traefik = f"{cpu['traefik']:.0f}" if target.kind == "gateway" else ""
        print(
            f"{target.name:<30} {target.kind:<8} {result['rps']:>8,.0f} {result['p50']:>8.1f} "
            f"{result['p99']:>8.1f} {ratio:>7.2f} {gateway:>7} {cpu['layanan']:>6.0f} {traefik:>7}"
        )
    print(f"sasaran: bacaan langsung >= {GOAL_CEILING} x batas, lewat Traefik >= {GOAL_GATEWAY} x langsung")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command")
    load = sub.add_parser("load", help="(internal) the load generator")
    load.add_argument("url")
    load.add_argument("--token")
    load.add_argument("--cores", help="(internal) the cores the load generator runs on")
    for p in (parser, load):
        p.add_argument("--connections", type=int, default=32)
        p.add_argument("--warmup", type=float, default=2.0)
        p.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if args.command == "load":
        _load_main(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
