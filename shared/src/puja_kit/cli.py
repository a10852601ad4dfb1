"""`puja`: run the platform locally, migrate or serve one service (the container entry point), make a
new layanan or a service's next migration."""

from __future__ import annotations

import importlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from puja_kit import migrations
from puja_kit.catalog import load_catalog
from puja_kit.settings import BaseServiceSettings

app = typer.Typer(help="Puja Indah: platform layanan publik daerah", no_args_is_help=True)


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
    uvicorn.run(entry.module, factory=True, host=host, port=port, workers=workers, access_log=False)


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
            f"  Gateway          {url}\n"
            f"  Daerah           {url}/api/tenants/v1/tenants\n"
            + "".join(f"  API {s.prefix:<13}{url}/api/{s.prefix}/docs\n" for s in catalog.services)
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


if __name__ == "__main__":
    app()
