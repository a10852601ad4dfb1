"""A driver for kesehatan in tests: the running service, its region switched on, staff and citizens."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from puja_kit.bus import Bus
from puja_kit.db import new_id, utcnow
from puja_kit.events.catalog import Payload
from puja_kit.testing.plugin import RunningService, StartService, enable_layanan, eventually, publish
from puja_kit.testing.tokens import TokenFactory, grant
from puja_kit.workflow.sla import local_date

HSU = "63.08"
SLUG = "kab-hulu-sungai-utara"
REGIONS = {
    "63.08": ("kab-hulu-sungai-utara", "Kabupaten Hulu Sungai Utara"),
    "63.09": ("kab-balangan", "Kabupaten Balangan"),
}
_serial = itertools.count(1)


def today() -> date:
    """Today in Hulu Sungai Utara (WITA), as the service counts it."""
    return local_date(utcnow(), "WITA")


def in_days(days: int) -> date:
    return today() + timedelta(days=days)


def new_nik() -> str:
    """A NIK of someone first registered in Amuntai Tengah (63.08.05), born 17-08-1990."""
    return f"630805170890{next(_serial):04d}"


@dataclass
class Warga:
    nik: str
    nama: str
    headers: dict[str, str]
    id: UUID = field(default_factory=new_id)


@dataclass
class KesehatanDriver:
    """Test modules cannot import conftest (importlib mode), so the helpers travel on the driver."""

    svc: RunningService
    bus: Bus
    tokens: TokenFactory

    eventually = staticmethod(eventually)
    today = staticmethod(today)
    in_days = staticmethod(in_days)
    new_nik = staticmethod(new_nik)

    @property
    def client(self) -> httpx.AsyncClient:
        return self.svc.client

    def url(self, path: str, slug: str = SLUG) -> str:
        return f"/api/kesehatan/v1/{slug}{path}"

    # --- who calls ---------------------------------------------------------------------------

    def operator(self, kode: str = HSU, layanan: str = "kesehatan") -> dict[str, str]:
        return self.tokens.headers(grant("operator", kode, layanan), name="Operator Dinkes")

    def admin_daerah(self, kode: str = HSU) -> dict[str, str]:
        return self.tokens.headers(grant("admin_daerah", kode), name="Admin Daerah")

    def warga(self, nama: str = "Siti Aminah", nik: str | None = None) -> Warga:
        nik = nik or new_nik()
        person_id = new_id()
        headers = self.tokens.headers(grant("warga"), sub=person_id, nik=nik, name=nama)
        return Warga(nik=nik, nama=nama, headers=headers, id=person_id)

    # --- the region ----------------------------------------------------------------------------

    async def publish(self, event_type: str, data: Payload, *, tenant: str = HSU) -> str:
        return await publish(self.bus, event_type, data, tenant=tenant)

    async def enable(self, kode: str = HSU) -> None:
        """The registry's announcement that the region enabled kesehatan, then wait until it is served."""
        slug, nama = REGIONS[kode]
        await enable_layanan(
            self.bus,
            self.client,
            kode=kode,
            slug=slug,
            nama=nama,
            layanan="kesehatan",
            probe_path=self.url("/fasilitas", slug),
        )

    # --- data through the API ------------------------------------------------------------------

    async def make_fasilitas(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "jenis": "puskesmas",
            "nama": f"Puskesmas Uji {next(_serial)}",
            "alamat": "Jl. Uji No. 1",
            "kode_wilayah": "63.08.05",
        }
        body.update(overrides)
        response = await self.client.post(self.url("/fasilitas"), json=body, headers=self.operator())
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def make_poli(self, fasilitas_id: str, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"nama": "Poli Umum"}
        body.update(overrides)
        response = await self.client.post(
            self.url(f"/fasilitas/{fasilitas_id}/poli"), json=body, headers=self.operator()
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def make_jadwal(self, poli_id: str, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "hari": today().weekday(),
            "jam_mulai": "08:00",
            "jam_selesai": "12:00",
            "tenaga": "dr. Siti Rahmah",
            "kuota": 30,
        }
        body.update(overrides)
        response = await self.client.post(
            self.url(f"/poli/{poli_id}/jadwal"), json=body, headers=self.operator()
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def make_open_poli(
        self, *, kuota: int = 30, fasilitas: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A poli with a schedule on every day of the week, so any date in the window can be booked."""
        fasilitas = fasilitas or await self.make_fasilitas()
        poli = await self.make_poli(fasilitas["id"], nama=f"Poli Umum {next(_serial)}", kode="U")
        for hari in range(7):
            await self.make_jadwal(poli["id"], hari=hari, kuota=kuota)
        return poli

    async def book(
        self, who: Warga, poli_id: str, tanggal: date | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        body = {"poli_id": poli_id, "tanggal": (tanggal or today()).isoformat()}
        return await self.client.post(
            self.url("/antrian"), json=body, headers={**who.headers, **(headers or {})}
        )

    async def booked(self, who: Warga, poli_id: str, tanggal: date | None = None) -> dict[str, Any]:
        response = await self.book(who, poli_id, tanggal)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def act(self, antrian_id: str, aksi: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(
            self.url(f"/antrian/{antrian_id}/{aksi}"), headers=headers or self.operator()
        )

    async def queue(self, poli_id: str, tanggal: date | None = None) -> list[dict[str, Any]]:
        response = await self.client.get(
            self.url(f"/poli/{poli_id}/antrian"),
            params={"tanggal": (tanggal or today()).isoformat()},
            headers=self.operator(),
        )
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()
        return rows


StartKesehatan = Callable[..., Awaitable[KesehatanDriver]]


@pytest.fixture
def start_kesehatan(start_service: StartService, bus: Bus, tokens: TokenFactory) -> StartKesehatan:
    async def start(**overrides: Any) -> KesehatanDriver:
        return KesehatanDriver(await start_service("kesehatan", **overrides), bus, tokens)

    return start


@pytest.fixture
async def kes(start_kesehatan: StartKesehatan) -> KesehatanDriver:
    """Kesehatan running, with Hulu Sungai Utara (63.08) having enabled it."""
    driver = await start_kesehatan()
    await driver.enable()
    return driver
