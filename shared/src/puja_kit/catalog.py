"""The one service catalog (`catalog.toml` at the repository root), read once."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    prefix: str
    port: int
    module: str
    title: str = ""
    """The OpenAPI title (`Puja Indah — Kesehatan`); the app factory takes it from here."""
    demo: str | None = None
    consumes: tuple[str, ...] = field(default_factory=tuple)
    credential_paths: tuple[str, ...] = field(default_factory=tuple)
    """Paths under `/api/<prefix>` that take a password or a refresh token: the gateway holds them to a
    strict per-address limit, whatever Authorization they carry."""
    root: bool = False
    """Served at the gateway's root (`/`) below every other route: the portal. Its API prefix still
    routes to it, since no other service has that prefix."""

    @property
    def stream(self) -> str:
        return f"PUJA_{self.name.upper()}"

    @property
    def env_prefix(self) -> str:
        return f"PUJA_{self.name.upper()}_"


@dataclass(frozen=True)
class Catalog:
    path: Path
    gateway_port: int
    gateway_internal_port: int
    postgres_port: int
    nats_port: int
    services: tuple[ServiceEntry, ...]
    max_body_mib: int

    @property
    def max_body_bytes(self) -> int:
        """The most one request may carry: the gateway's limit and the services' default."""
        return self.max_body_mib * 1024 * 1024

    def service(self, name: str) -> ServiceEntry:
        for entry in self.services:
            if entry.name == name:
                return entry
        raise KeyError(name)

    @property
    def root(self) -> Path:
        return self.path.parent


def find_catalog_path(start: Path | None = None) -> Path:
    explicit = os.environ.get("PUJA_CATALOG")
    if explicit:
        return Path(explicit)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "catalog.toml"
        if candidate.is_file():
            return candidate
    # Installed from the workspace in editable mode: the repository holds the kit.
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "catalog.toml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("catalog.toml tidak ditemukan (atur PUJA_CATALOG)")


@cache
def load_catalog(path: Path | None = None) -> Catalog:
    path = path or find_catalog_path()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    platform = data.get("platform", {})
    services = tuple(
        ServiceEntry(
            name=name,
            prefix=spec["prefix"],
            port=int(spec["port"]),
            module=spec["module"],
            title=spec.get("title", f"Puja Indah — {name}"),
            demo=spec.get("demo"),
            consumes=tuple(spec.get("consumes", [])),
            credential_paths=tuple(spec.get("credential_paths", [])),
            root=bool(spec.get("root", False)),
        )
        for name, spec in data["services"].items()
    )
    return Catalog(
        path=path,
        gateway_port=int(platform.get("gateway_port", 8080)),
        gateway_internal_port=int(platform.get("gateway_internal_port", 8081)),
        postgres_port=int(platform.get("postgres_port", 55432)),
        nats_port=int(platform.get("nats_port", 14222)),
        services=services,
        max_body_mib=int(platform["max_body_mib"]),
    )
