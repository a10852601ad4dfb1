"""`make run`'s launcher: it starts everything, stops everything on Ctrl-C, and keeps the data."""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from puja_kit.catalog import load_catalog


def start(data_dir: Path) -> tuple[subprocess.Popen[str], str, list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "puja_kit.cli", "run", "--free-ports", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Tekan Ctrl-C" in line:
            url = re.search(r"Portal\s+(http://\S+)", "".join(lines))
            assert url is not None
            return proc, url.group(1), lines
    proc.kill()
    raise AssertionError("".join(lines))


def stop(proc: subprocess.Popen[str]) -> list[int]:
    children = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 0
    return children


@pytest.fixture
def running_make_run() -> Iterator[list[int]]:
    """The catalog's fixed ports held, as a `make run` on the same machine would hold them."""
    catalog = load_catalog()
    ports = [catalog.gateway_port, catalog.gateway_internal_port, catalog.postgres_port, catalog.nats_port]
    ports += [service.port for service in catalog.services]
    with contextlib.ExitStack() as held:
        for port in ports:
            sock = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            with contextlib.suppress(OSError):  # already taken: held by someone else, just as well
                sock.bind(("127.0.0.1", port))
                sock.listen()
        yield ports


def test_run_ctrl_c_stops_everything_and_a_second_run_keeps_the_data(
    tmp_path: Path, running_make_run: list[int]
) -> None:
    proc, url, lines = start(tmp_path)
    try:
        assert any("siap dalam" in line for line in lines)
        assert int(url.rsplit(":", 1)[1]) not in running_make_run
        # The printed address opens the portal, with the demo region to choose.
        home = httpx.get(url)
        assert home.status_code == 200 and "text/html" in home.headers["content-type"]
        assert "Kabupaten Hulu Sungai Utara" in home.text
        login = httpx.post(
            f"{url}/api/akun/v1/login", json={"username": "demo-pusat", "password": "pujaindah-demo"}
        )
        token = login.json()["access_token"]
        onboarded = httpx.post(
            f"{url}/api/tenants/v1/tenants",
            json={"kode": "63.10"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert onboarded.status_code == 201
    finally:
        children = stop(proc)
    assert children, "the launcher had started child processes"
    assert not [
        pid for pid in children if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"
    ]

    proc, url, _ = start(tmp_path)
    try:
        slugs = [t["slug"] for t in httpx.get(f"{url}/api/tenants/v1/tenants").json()["items"]]
        assert "kab-hulu-sungai-utara" in slugs
        assert "kab-tanah-bumbu" in slugs
    finally:
        stop(proc)
