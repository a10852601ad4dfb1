"""`puja`: run the platform locally, migrate or serve one service (the container entry point), make a
new layanan or a service's next migration, list, inspect and replay a service's dead letters."""

from __future__ import annotations

import asyncio
import importlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer

from puja_kit import migrations
from puja_kit.catalog import load_catalog
from puja_kit.settings import BaseServiceSettings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from puja_kit.events.consumer import ReplayOutcome

app = typer.Typer(help="Puja Indah: platform layanan publik daerah", no_args_is_help=True)
dead_letter_app = typer.Typer(
    help="Dead letter: pesan yang gagal di setiap pengiriman, untuk diperiksa dan diulang",
    no_args_is_help=True,
)
app.add_typer(dead_letter_app, name="dead-letter")


def _settings(service: str) -> BaseServiceSettings:
    settings: BaseServiceSettings = importlib.import_module(f"{service}.settings").Settings()
    return settings


@app.command()
def migrate(service: str) -> None:
    """Apply a service's migrations up to head (its DATABASE_URL from the environment)."""
    settings = _settings(service)
    path = load_catalog().root / "services" / service / "migrations"
    migrations.upgrade(path, settings.database_url.get_secret_value())


@app.command()
def serve(service: str, host: str = "0.0.0.0", port: int = 8000, workers: int = 1) -> None:
    """Serve one service with uvicorn."""
    import uvicorn

    entry = load_catalog().service(service)
    # proxy_headers off: the app believes X-Forwarded-For itself, from its settings' trusted_proxies.
    uvicorn.run(
        entry.module,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=False,
    )


@app.command()
def run(
    gateway_port: Annotated[int, typer.Option(envvar="PUJA_GATEWAY_PORT")] = 0,
    data_dir: Annotated[Path, typer.Option(envvar="PUJA_DATA_DIR")] = Path(".data"),
    demo: Annotated[bool, typer.Option(help="Isi daerah dan akun demo")] = True,
    free_ports: Annotated[bool, typer.Option(help="Port acak yang bebas (untuk uji)")] = False,
) -> None:
    """The whole platform on this machine, with the demo region; Ctrl-C stops everything."""
    from puja_kit.stack import LocalStack, StackPorts

    catalog = load_catalog()
    ports = (
        StackPorts.free(catalog)
        if free_ports
        else StackPorts.from_catalog(catalog, gateway_port=gateway_port or None)
    )
    stack = LocalStack(data_dir.resolve(), ports)
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        typer.echo("Menyalakan Postgres, NATS, layanan dan gateway ...")
        stack.start()
        if demo:
            stack.seed_demo()
        elapsed = time.monotonic() - stack.started_at
        url = stack.gateway_url
        typer.echo(
            f"\nPuja Indah siap dalam {elapsed:.1f} detik, memakai {stack.memory_mb():.0f} MB memori.\n"
            f"  Portal           {url}  (buka ini di peramban)\n"
            f"  Daerah           {url}/api/tenants/v1/tenants\n"
            + "".join(
                f"  API {s.prefix:<13}{url}/api/{s.prefix}/docs\n" for s in catalog.services if not s.root
            )
            + f"  Log              {stack.logs}\n"
            "Akun demo (kata sandi pujaindah-demo): demo-pusat, demo-admin, demo-operator, demo-warga\n"
            "Tekan Ctrl-C untuk berhenti."
        )
        while not stopping:
            failed = stack.failed()
            if failed:
                typer.echo(f"Proses berhenti tak terduga: {', '.join(failed)}; lihat {stack.logs}", err=True)
                raise typer.Exit(1)
            time.sleep(0.5)
    finally:
        typer.echo("Menghentikan semua proses ...")
        stack.stop()


@app.command("new-layanan")
def new_layanan(
    name: Annotated[str, typer.Argument(help="Nama layanan dari puja_kit/layanan.py, mis. pariwisata")],
    lock: Annotated[bool, typer.Option(help="Perbarui uv.lock dengan anggota baru")] = True,
) -> None:
    """Make services/<name>/ (a service that starts, migrates and passes its tests), its catalog entry,
    and re-render the gateway, compose and k8s files."""
    from puja_kit import scaffold

    try:
        written = scaffold.create(name)
    except scaffold.ScaffoldError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for path in written:
        typer.echo(f"ditulis: {path}")
    root = load_catalog().root
    if lock:
        uv = os.environ.get("UV") or shutil.which("uv") or str(root / ".tools" / "bin" / "uv")
        done = Path(uv).exists() and subprocess.run([uv, "lock", "--quiet"], cwd=root).returncode == 0
        typer.echo(
            "ditulis: uv.lock" if done else "uv.lock belum diperbarui: jalankan `uv lock`", err=not done
        )
    typer.echo(
        f"\nLayanan {name} siap. Berikutnya:\n"
        "  make install                      (uv sync --all-packages)\n"
        f"  uv run pytest services/{name}\n"
        f'  uv run puja revision {name} -m "..."   (setelah mengubah models.py)'
    )


@app.command()
def revision(
    service: str,
    message: Annotated[str, typer.Option("-m", "--message", help="Judul revisi")],
) -> None:
    """Autogenerate the service's next migration against a throwaway Postgres migrated to head."""
    from puja_kit.infra import Postgres, free_port

    catalog = load_catalog()
    if service not in {entry.name for entry in catalog.services}:
        typer.echo(f"Layanan {service} tidak ada di catalog.toml.", err=True)
        raise typer.Exit(1)
    path = catalog.root / "services" / service / "migrations"
    before = set((path / "versions").glob("*.py"))
    with tempfile.TemporaryDirectory(prefix="puja-revision-") as folder:
        postgres = Postgres(
            Path(folder) / "pg", free_port(), log_path=Path(folder) / "postgres.log", fast_unsafe=True
        )
        try:
            postgres.start()
            url = postgres.ensure_database(service, secrets.token_urlsafe(16))
            migrations.upgrade(path, url)
            migrations.revision(path, url, message)
        finally:
            postgres.stop()
    for created in sorted(set((path / "versions").glob("*.py")) - before):
        typer.echo(f"ditulis: {created.relative_to(catalog.root)}")


@asynccontextmanager
async def _service_database(service: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    from puja_kit.db import make_engine, make_sessionmaker

    engine = make_engine(_settings(service).database_url.get_secret_value(), pool_size=1)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


def _refuse(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


@dead_letter_app.command("list")
def dead_letter_list(
    service: str,
    semua: Annotated[bool, typer.Option("--semua", help="Termasuk yang sudah diulang")] = False,
    batas: Annotated[int, typer.Option(help="Paling banyak sekian baris, terbaru dulu")] = 100,
) -> None:
    """A service's dead letters, newest first (those not replayed yet, unless --semua)."""
    from puja_kit.events.dead_letters import list_dead_letters, summary

    async def load() -> list[str]:
        async with _service_database(service) as sessionmaker:
            letters = await list_dead_letters(sessionmaker, include_replayed=semua, limit=batas)
        return [summary(letter) for letter in letters]

    lines = asyncio.run(load())
    if not lines:
        typer.echo(f"Tidak ada dead letter {'' if semua else 'yang menunggu '}di {service}.")
    for line in lines:
        typer.echo(line)


@dead_letter_app.command("show")
def dead_letter_show(service: str, letter_id: UUID) -> None:
    """One dead letter: its event, consumer, deliveries, status and the last error in full."""
    from puja_kit.errors import DomainError
    from puja_kit.events.dead_letters import describe, get_dead_letter

    async def load() -> str:
        async with _service_database(service) as sessionmaker:
            return describe(await get_dead_letter(sessionmaker, letter_id))

    try:
        typer.echo(asyncio.run(load()))
    except DomainError as exc:
        raise _refuse(exc.detail) from exc


@dead_letter_app.command("replay")
def dead_letter_replay(service: str, letter_id: UUID) -> None:
    """Apply a dead letter's event through the service's own handler and inbox, once: a second replay
    changes nothing. Run it after the cause (a bug, missing data) is fixed."""
    from puja_kit.errors import DomainError
    from puja_kit.events.consumer import ReplayOutcome

    async def replay() -> ReplayOutcome:
        settings = _settings(service)
        settings.run_background = False  # this process replays one letter; the replicas consume
        module, _, factory = load_catalog().service(service).module.partition(":")
        service_app = getattr(importlib.import_module(module), factory)(settings)
        # The service's lifespan builds its handlers exactly as a running replica has them.
        async with service_app.router.lifespan_context(service_app):
            outcome: ReplayOutcome = await service_app.state.consumers.replay(letter_id)
        return outcome

    try:
        outcome = asyncio.run(replay())
    except DomainError as exc:
        raise _refuse(exc.detail) from exc
    except Exception as exc:
        raise _refuse(f"Dead letter {letter_id} gagal diulang, tetap menunggu: {exc}") from exc
    messages = {
        ReplayOutcome.APPLIED: f"Dead letter {letter_id} diulang: event-nya diterapkan.",
        ReplayOutcome.ALREADY_APPLIED: (
            f"Dead letter {letter_id} ditandai diulang: event-nya sudah pernah diterapkan, "
            "tidak ada yang berubah."
        ),
        ReplayOutcome.ALREADY_REPLAYED: f"Dead letter {letter_id} sudah diulang sebelumnya; tidak ada yang berubah.",
    }
    typer.echo(messages[outcome])


if __name__ == "__main__":
    app()
