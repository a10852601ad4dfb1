"""Who may call each route, as reviewed: `access_snapshot.json` holds every route's declared kinds
(`x-puja-akses`), read here from each catalog service's OpenAPI without starting anything.

Any change of a declaration fails until the snapshot is rewritten on purpose
(`PUJA_TULIS_AKSES=1 uv run pytest tests/test_access_snapshot.py`), so a loosened route shows in the
diff a reviewer reads. Routes not in it yet (a new layanan) are walked by the matrix all the same;
tests/test_access_matrix.py checks that the platform does what these say.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

from puja_kit.access import OPENAPI_KEY
from puja_kit.catalog import load_catalog

SNAPSHOT = Path(__file__).with_name("access_snapshot.json")
METHODS = ("get", "post", "put", "patch", "delete")


def declared() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in load_catalog().services:
        module, factory = entry.module.split(":")
        settings = importlib.import_module(f"{entry.name}.settings").Settings(environment="dev")
        app = getattr(importlib.import_module(module), factory)(settings)
        for path, item in app.openapi()["paths"].items():
            for method in METHODS:
                if method in item and path.startswith(f"/api/{entry.prefix}/v1"):
                    found[f"{method.upper()} {path}"] = sorted(item[method][OPENAPI_KEY])
    return found


def test_every_route_declares_what_was_reviewed() -> None:
    now = declared()
    if os.environ.get("PUJA_TULIS_AKSES") == "1":
        SNAPSHOT.write_text(json.dumps(dict(sorted(now.items())), indent=1, ensure_ascii=False) + "\n")
    reviewed: dict[str, list[str]] = json.loads(SNAPSHOT.read_text())
    changed = [
        f"{route}: {reviewed[route]} -> {kinds}"
        + (" (dilonggarkan)" if not set(kinds) <= set(reviewed[route]) else "")
        for route, kinds in now.items()
        if route in reviewed and kinds != reviewed[route]
    ]
    assert not changed, "akses berubah (tinjau lalu tulis ulang cuplikan):\n" + "\n".join(changed)
    gone = sorted(set(reviewed) - set(now))
    assert not gone, f"rute dalam cuplikan akses tidak ada lagi: {gone}"
