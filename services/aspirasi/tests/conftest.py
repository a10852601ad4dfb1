"""Aspirasi DPRD's tests run on the kit's `layanan` fixture (puja_kit.testing.layanan): the service in-process,
regions X and Y that enabled it, and every kind of caller. This layanan's data factories live here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from puja_kit.testing.layanan import LayananDriver, Wilayah

from .factories import in_hours

Make = Callable[..., Awaitable[dict[str, Any]]]


def _maker(layanan: LayananDriver, path: str, defaults: Callable[[], dict[str, Any]]) -> Make:
    async def make(region: Wilayah | None = None, **fields: Any) -> dict[str, Any]:
        body = {**defaults(), **fields}
        response = await layanan.client.post(
            layanan.url(path, region), json=body, headers=layanan.operator(region)
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make


@pytest.fixture
def make_fraksi(layanan: LayananDriver) -> Make:
    """make_fraksi(region=None, **fields): a faction added by the region's operator."""
    counter = iter(range(1, 1000))

    def defaults() -> dict[str, Any]:
        n = next(counter)
        return {"nama": f"Fraksi Uji {n}", "singkatan": f"F-U{n}"}

    return _maker(layanan, "/fraksi", defaults)


@pytest.fixture
def make_komisi(layanan: LayananDriver) -> Make:
    counter = iter(range(1, 1000))

    def defaults() -> dict[str, Any]:
        return {"nama": f"Komisi {next(counter)}", "bidang": "Pemerintahan dan hukum"}

    return _maker(layanan, "/komisi", defaults)


@pytest.fixture
def make_anggota(layanan: LayananDriver) -> Make:
    """make_anggota(region=None, fraksi_id=..., **fields)."""

    def defaults() -> dict[str, Any]:
        return {
            "nama": "Anggota Uji",
            "dapil": "Dapil 1",
            "periode_mulai": "2024-08-26",
            "periode_selesai": "2029-08-26",
        }

    return _maker(layanan, "/anggota", defaults)


@pytest.fixture
def make_agenda(layanan: LayananDriver) -> Make:
    """make_agenda(region=None, **fields): an RDP of a commission (give komisi_id or anggota_ids)."""

    def defaults() -> dict[str, Any]:
        return {
            "jenis": "RDP",
            "judul": "Rapat dengar pendapat",
            "tempat": "Gedung DPRD",
            "mulai": in_hours(24),
            "selesai": in_hours(26),
        }

    return _maker(layanan, "/agenda", defaults)
