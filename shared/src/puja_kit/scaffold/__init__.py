"""`puja new-layanan <name>`: a new service from the kit's templates, its catalog entry and the renders.

The templates in `scaffold/layanan/` mirror a service's folder (`_name_` stands for the package, and
`_revision_` for the first revision's file name); those in `scaffold/portal/` are the layanan's first
pages in the portal (services/portal/src/portal/). A `.tmpl` file is rendered with `string.Template`
(`$name`, `$nama`, `$prefix` ...); any other file is copied as it is. Nothing outside services/<name>/
is written by hand: the catalog entry is appended here, and the committed renders (gateway/,
docker-compose.yml, .env.example, deploy/k8s) are rewritten as `python -m puja_kit.gateway --write` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template

from alembic.util import rev_id

from puja_kit import deploy
from puja_kit.catalog import Catalog, load_catalog
from puja_kit.layanan import LAYANAN

TEMPLATES = Path(__file__).parent / "layanan"
PORTAL_TEMPLATES = Path(__file__).parent / "portal"
PORTAL_PACKAGE = Path("services/portal/src/portal")
FIRST_PORT = 8101


class ScaffoldError(Exception):
    """The layanan cannot be made; the message says why, in Bahasa Indonesia."""


@dataclass(frozen=True)
class NewLayanan:
    name: str
    port: int
    revision: str
    created: datetime

    @property
    def prefix(self) -> str:
        return self.name.replace("_", "-")

    @property
    def nama(self) -> str:
        return LAYANAN[self.name]

    @property
    def title(self) -> str:
        return f"Puja Indah — {self.nama}"

    def values(self) -> dict[str, str]:
        return {
            "name": self.name,
            "dist": self.name.replace("_", "-"),
            "prefix": self.prefix,
            "nama": self.nama,
            "title": self.title,
            "env_prefix": f"PUJA_{self.name.upper()}_",
            "revision": self.revision,
            "create_date": self.created.strftime("%Y-%m-%d %H:%M:%S"),
            # migrations/env.py's two imports in the order ruff's isort wants (by module name).
            "env_imports": "\n".join(
                sorted([f"from {self.name}.models import Base", "from puja_kit.migrations import run_env"])
            ),
        }

    def catalog_entry(self) -> str:
        return (
            f"\n[services.{self.name}]\n"
            f'title = "{self.title}"\n'
            f'prefix = "{self.prefix}"\n'
            f"port = {self.port}\n"
            f'module = "{self.name}.main:create_app"\n'
            f'demo = "{self.name}.demo"\n'
            'consumes = ["puja.tenant_registry.tenant.>"]\n'
        )


def check_name(catalog: Catalog, name: str) -> None:
    if name not in LAYANAN:
        known = ", ".join(sorted(LAYANAN))
        raise ScaffoldError(f"'{name}' bukan layanan yang dikenal platform (puja_kit/layanan.py): {known}.")
    if any(entry.name == name for entry in catalog.services):
        raise ScaffoldError(f"Layanan {name} sudah ada di catalog.toml.")
    if (catalog.root / "services" / name).exists():
        raise ScaffoldError(f"Folder services/{name}/ sudah ada.")


def next_port(catalog: Catalog) -> int:
    """One past the highest service port, skipping the platform's own ports."""
    taken = {entry.port for entry in catalog.services}
    taken |= {catalog.gateway_port, catalog.postgres_port, catalog.nats_port}
    port = max((entry.port for entry in catalog.services), default=FIRST_PORT - 1) + 1
    while port in taken:
        port += 1
    return port


def render(new: NewLayanan, templates: Path = TEMPLATES) -> dict[str, str]:
    """The files of one template tree (the service's by default), by path relative to where they go."""
    values = new.values()
    first_revision = f"{new.created:%Y%m%d}_{new.revision}_{new.name}_awal"
    files: dict[str, str] = {}
    for source in sorted(templates.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(templates).as_posix()
        relative = relative.replace("_name_", new.name).replace("_revision_", first_revision)
        text = source.read_text(encoding="utf-8")
        if relative.endswith(".tmpl"):
            relative = relative.removesuffix(".tmpl")
            text = Template(text).substitute(values)
        files[relative] = text
    return files


def create(name: str, *, catalog: Catalog | None = None, now: datetime | None = None) -> list[str]:
    """Write services/<name>/, append its catalog entry, re-render; returns the paths written."""
    catalog = catalog or load_catalog()
    check_name(catalog, name)
    new = NewLayanan(name=name, port=next_port(catalog), revision=rev_id(), created=now or datetime.now(UTC))
    root = catalog.root
    folder = root / "services" / name
    written = []
    pages = root / PORTAL_PACKAGE
    trees = [(folder, render(new))] + ([(pages, render(new, PORTAL_TEMPLATES))] if pages.is_dir() else [])
    for base, files in trees:
        for relative, text in files.items():
            target = base / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target.relative_to(root).as_posix())
    text = catalog.path.read_text(encoding="utf-8")
    catalog.path.write_text(text.rstrip("\n") + "\n" + new.catalog_entry(), encoding="utf-8")
    written.append(catalog.path.relative_to(root).as_posix())
    load_catalog.cache_clear()
    written += deploy.write_files(load_catalog(catalog.path), root)
    return written
