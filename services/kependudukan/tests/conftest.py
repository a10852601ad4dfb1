from __future__ import annotations

from typing import Any

import pytest
from kependudukan.contoh import csv_text
from puja_kit.bus import Bus
from puja_kit.testing.plugin import StartService
from puja_kit.testing.tokens import TokenFactory

from .factories import Region, enable, family_rows


@pytest.fixture
async def region(start_service: StartService, bus: Bus, tokens: TokenFactory, tmp_path: Any) -> Region:
    svc = await start_service("kependudukan", storage_dir=tmp_path / "uploads")
    await enable(svc, bus, dokumen_wajib=["KTP", "KK"])
    r = Region(svc, tokens)
    job = await r.import_csv(csv_text(family_rows()))
    assert job["berhasil"] == 5
    return r
