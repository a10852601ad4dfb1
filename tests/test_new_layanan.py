"""`puja new-layanan` makes a service that installs, migrates, is routed and passes its own tests, with no
hand edit outside its folder.

In a copy of the working tree (uncommitted changes included), the generator makes `pariwisata` (or, once
that exists, the next layanan the catalog does not have); then the copy installs it (`uv sync
--all-packages --frozen`: the generator updated uv.lock), lints it, and runs the new service's generated
tests, its migrations checks and tests/test_catalog.py there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from puja_kit import deploy
from puja_kit.catalog import load_catalog
from puja_kit.layanan import LAYANAN

ROOT = load_catalog().root
UNUSED = [name for name in LAYANAN if name not in {entry.name for entry in load_catalog().services}]
NAME = "pariwisata" if "pariwisata" in UNUSED else next(iter(UNUSED), None)
SKIPPED_PARTS = {".venv", ".data", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def _uv() -> str | None:
    found = os.environ.get("UV") or shutil.which("uv")
    local = ROOT / ".tools" / "bin" / "uv"
    return found or (str(local) if local.exists() else None)


def _copy_working_tree(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)


def _snapshot(root: Path) -> dict[str, str]:
    out = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and not SKIPPED_PARTS & set(relative.parts):
            out[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _env() -> dict[str, str]:
    """The outer run's environment without what would point the inner one back at this tree."""
    drop = ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PUJA_")}


def _run(argv: list[str], cwd: Path, timeout: float) -> str:
    done = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(argv)} gagal ({done.returncode}):\n{output[-6000:]}"
    return output


def test_a_generated_layanan_installs_migrates_and_passes_its_tests(tmp_path: Path) -> None:
    uv = _uv()
    if uv is None or NAME is None:
        pytest.skip("uv tidak ditemukan" if uv is None else "setiap layanan sudah ada")
    started = time.monotonic()
    repo = tmp_path / "repo"
    _copy_working_tree(repo)
    sync = [uv, "sync", "--all-packages", "--frozen", "--compile-bytecode", "--quiet"]
    _run(sync, repo, timeout=180)
    before = _snapshot(repo)

    output = _run([uv, "run", "--frozen", "puja", "new-layanan", NAME], repo, timeout=120)
    assert "ditulis: uv.lock" in output, output

    after = _snapshot(repo)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    catalog = load_catalog(repo / "catalog.toml")
    allowed = {"catalog.toml", "uv.lock", *deploy.render_files(catalog)}
    pages = {
        f"services/portal/src/portal/halaman/{NAME}.py",
        f"services/portal/src/portal/templates/{NAME}/beranda.html",
    }
    assert pages <= changed, "the generator starts the layanan's pages in the portal"
    allowed |= pages
    outside = sorted(p for p in changed if p not in allowed and not p.startswith(f"services/{NAME}/"))
    assert outside == [], f"the generator changed files outside services/{NAME}/: {outside}"
    assert {"catalog.toml", "uv.lock", "docker-compose.yml", "gateway/dynamic.yml"} <= changed
    assert f"deploy/k8s/services/{NAME}.yaml" in changed
    assert catalog.service(NAME).prefix == NAME.replace("_", "-")

    _run(sync, repo, timeout=120)  # --frozen: the generator's uv.lock already holds the new member
    folder = f"services/{NAME}"
    page_module = f"services/portal/src/portal/halaman/{NAME}.py"
    _run([uv, "run", "--frozen", "ruff", "check", folder, page_module], repo, timeout=60)
    _run([uv, "run", "--frozen", "ruff", "format", "--check", folder, page_module], repo, timeout=60)
    # The portal finds the new module by its name, and its pages are routed.
    found = "from portal.halaman import LAYANAN_PAGES as P; print(sorted(P)); P['{0}'].router.routes[0]"
    assert NAME in _run([uv, "run", "--frozen", "python", "-c", found.format(NAME)], repo, timeout=60)
    tests = [f"services/{NAME}/tests", "tests/test_catalog.py", "tests/test_migrations.py"]
    select = f"{NAME} or test_catalog"
    _run([uv, "run", "--frozen", "pytest", "-q", "-p", "no:cacheprovider", *tests, "-k", select], repo, 240)
    print(f"generate, install and test {NAME}: {time.monotonic() - started:.1f} s")
