"""Aspirasi DPRD's tests run on the kit's `layanan` fixture (puja_kit.testing.layanan): the service in-process,
regions X and Y that enabled it, and every kind of caller. This layanan's data factories live here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from puja_kit.testing.layanan import LayananDriver, Wilayah

MakeContoh = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_contoh(layanan: LayananDriver) -> MakeContoh:
    """make_contoh(region=None, **fields): a row added through the API by the region's operator."""

    async def make(region: Wilayah | None = None, **fields: Any) -> dict[str, Any]:
        body = {"nama": "Contoh Uji", **fields}
        url = layanan.url("/contoh", region)
        response = await layanan.client.post(url, json=body, headers=layanan.operator(region))
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make
