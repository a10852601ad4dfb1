"""The portal's pages: one module per layanan (named like the layanan) and the platform's own.

A layanan module has `router` (its pages under /{slug}/<layanan>) and `tautan(daerah, pengunjung)`, the
links it adds to the region's home for this visitor. `LAYANAN_PAGES` finds them by name, so a new
layanan's module appears on every region that enables it without an edit elsewhere.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from puja_kit.layanan import LAYANAN


def _modules() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for name in LAYANAN:
        try:
            found[name] = importlib.import_module(f"portal.halaman.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"portal.halaman.{name}":
                raise
    return found


LAYANAN_PAGES = _modules()
