"""The generator's checks and templates; tests/test_new_layanan.py runs what it makes."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from puja_kit import scaffold
from puja_kit.catalog import load_catalog
from puja_kit.cli import app
from typer.testing import CliRunner

CATALOG = load_catalog()
NEW = scaffold.NewLayanan(
    name="pekerjaan_umum", port=8106, revision="0123456789ab", created=datetime(2026, 12, 1, tzinfo=UTC)
)


def test_only_a_known_layanan_that_does_not_exist_yet_is_made() -> None:
    with pytest.raises(scaffold.ScaffoldError, match="bukan layanan yang dikenal"):
        scaffold.check_name(CATALOG, "wisata")
    with pytest.raises(scaffold.ScaffoldError, match="sudah ada"):
        scaffold.check_name(CATALOG, "kesehatan")

    refused = CliRunner().invoke(app, ["new-layanan", "wisata"])
    assert refused.exit_code == 1
    assert "'wisata' bukan layanan yang dikenal platform" in refused.output


def test_the_next_port_skips_the_platforms_own() -> None:
    highest = max(entry.port for entry in CATALOG.services)
    assert scaffold.next_port(CATALOG) == highest + 1
    crowded = replace(CATALOG, gateway_port=highest + 1, nats_port=highest + 2)
    assert scaffold.next_port(crowded) == highest + 3


def test_the_service_has_the_house_shape_and_every_placeholder_filled() -> None:
    files = scaffold.render(NEW)
    package = "src/pekerjaan_umum"
    modules = ("__init__", "main", "settings", "models", "schemas", "repository", "service", "api")
    assert {f"{package}/{m}.py" for m in (*modules, "events", "demo")} <= set(files)
    assert {"pyproject.toml", "migrations/env.py", "migrations/script.py.mako"} <= set(files)
    assert {"tests/conftest.py", "tests/test_api.py"} <= set(files)
    assert "migrations/versions/20261201_0123456789ab_pekerjaan_umum_awal.py" in files

    for path, text in files.items():
        if path.endswith(".py"):
            ast.parse(text, filename=path)
            assert "$" not in text, f"{path}: a placeholder is left"
    assert 'name = "pekerjaan-umum"' in files["pyproject.toml"]
    assert 'env_prefix="PUJA_PEKERJAAN_UMUM_"' in files[f"{package}/settings.py"]
    assert 'prefix = "pekerjaan-umum"' in NEW.catalog_entry()
    assert 'title = "Puja Indah — Pekerjaan Umum"' in NEW.catalog_entry()


@pytest.mark.parametrize("name", ["pariwisata", "sosial"])
def test_the_migration_env_imports_come_in_isorts_order(name: str) -> None:
    # "sosial" sorts after "puja_kit": its model import goes second, or ruff refuses the new service.
    new = scaffold.NewLayanan(
        name=name, port=8199, revision="abc123def456", created=datetime(2026, 12, 1, tzinfo=UTC)
    )
    env = scaffold.render(new)["migrations/env.py"]
    imports = [line for line in env.splitlines() if line.startswith("from ")]
    assert imports == sorted(imports) and len(imports) == 2
