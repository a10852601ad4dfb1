"""Every layanan answers how active it is in a region, from that region's rows only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from puja_kit.aktivitas import service_metadata
from puja_kit.app import create_service_app
from puja_kit.db import IdModel, TenantModel, TimestampedModel, new_id, service_registry, transaction, utcnow
from puja_kit.rls import apply_tenant_policies
from puja_kit.settings import BaseServiceSettings
from puja_kit.tenancy import Daerah, LayananAktif, TenantCache
from puja_kit.workflow import PermohonanBase
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel


class _Base(SQLModel, registry=service_registry()):
    pass


class Catatan(IdModel, TenantModel, TimestampedModel, _Base, table=True):
    __tablename__ = "catatan_aktivitas"

    isi: str = Field(max_length=50)


class TanpaWaktu(IdModel, TenantModel, _Base, table=True):
    __tablename__ = "tanpa_waktu_aktivitas"


class Permohonan(PermohonanBase, _Base, table=True):
    __tablename__ = "permohonan_aktivitas"


LAYANAN = "pendidikan"
REGIONS = {
    "63.08": "kab-hulu-sungai-utara",
    "63.09": "kab-tabalong",
    "63.10": "kab-tanah-bumbu",
}
NOW = utcnow()


def _permohonan(tenant: str, nomor: str, days_ago: int) -> Permohonan:
    return Permohonan(
        tenant_id=tenant,
        nomor=nomor,
        status="DIAJUKAN",
        pemohon_id=new_id(),
        pemohon_nik="6308011708900001",
        created_at=NOW - timedelta(days=days_ago),
        updated_at=NOW - timedelta(days=days_ago),
    )


@pytest.fixture
async def client(
    kit_db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    engine = kit_db.kw["bind"]
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
        await conn.run_sync(lambda sync: apply_tenant_policies(sync, _Base.metadata))
    async with transaction(kit_db, all_regions=True) as session:
        for kode, slug in REGIONS.items():
            ref: dict[str, Any] = {"slug": slug, "nama": slug, "zona_waktu": "WITA", "event_time": NOW}
            session.add(Daerah(kode=kode, **ref))
            session.add(LayananAktif(tenant_id=kode, layanan=LAYANAN, **ref))
    # Region X: an update three days ago, an application this week and one last month.
    async with transaction(kit_db, tenant="63.08") as session:
        session.add(
            Catatan(
                tenant_id="63.08",
                isi="hulu",
                created_at=NOW - timedelta(days=40),
                updated_at=NOW - timedelta(days=3),
            )
        )
        session.add(TanpaWaktu(tenant_id="63.08"))
        session.add_all([_permohonan("63.08", "A-1", 2), _permohonan("63.08", "A-2", 30)])
    # Region Y is busier and newer: none of it may show in X's answer.
    async with transaction(kit_db, tenant="63.09") as session:
        session.add(Catatan(tenant_id="63.09", isi="tabalong"))
        session.add_all([_permohonan("63.09", f"B-{n}", 0) for n in range(3)])

    settings = BaseServiceSettings(environment="test", service_name=LAYANAN, run_background=False)
    app = create_service_app(
        settings,
        prefix=LAYANAN,
        title="Uji",
        routers=[APIRouter()],
        migrations_path=tmp_path,
        models=_Base.metadata,
    )
    app.state.sessionmaker = kit_db
    app.state.tenants = TenantCache(kit_db, ttl=0)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http, app


async def test_a_layanan_answers_its_activity_in_a_region_from_that_regions_rows(
    client: tuple[httpx.AsyncClient, FastAPI],
) -> None:
    http, _ = client
    response = await http.get(f"/api/{LAYANAN}/v1/kab-hulu-sungai-utara/aktivitas")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["layanan"] == LAYANAN
    assert body["permohonan_minggu_ini"] == 1
    # The newest change of its rows: the application two days ago, not region Y's of today.
    latest = body["data_terakhir_diperbarui"]
    assert latest is not None
    assert abs((NOW - timedelta(days=2)).timestamp() - _ts(latest)) < 1

    other = (await http.get(f"/api/{LAYANAN}/v1/kab-tabalong/aktivitas")).json()
    assert other["permohonan_minggu_ini"] == 3


async def test_a_region_without_data_answers_nothing_yet_and_one_without_the_layanan_404(
    client: tuple[httpx.AsyncClient, FastAPI],
) -> None:
    http, _ = client
    empty = (await http.get(f"/api/{LAYANAN}/v1/kab-tanah-bumbu/aktivitas")).json()
    assert empty == {"layanan": LAYANAN, "permohonan_minggu_ini": 0, "data_terakhir_diperbarui": None}
    missing = await http.get(f"/api/{LAYANAN}/v1/kab-balangan/aktivitas")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_the_answer_is_kept_a_minute_and_read_again_after(
    client: tuple[httpx.AsyncClient, FastAPI], kit_db: async_sessionmaker[AsyncSession]
) -> None:
    http, app = client
    url = f"/api/{LAYANAN}/v1/kab-hulu-sungai-utara/aktivitas"
    assert (await http.get(url)).json()["permohonan_minggu_ini"] == 1
    async with transaction(kit_db, tenant="63.08") as session:
        session.add(_permohonan("63.08", "A-3", 0))
    assert (await http.get(url)).json()["permohonan_minggu_ini"] == 1
    app.state.aktivitas.seconds = 0
    assert (await http.get(url)).json()["permohonan_minggu_ini"] == 2


def test_the_route_is_public_and_declared() -> None:
    settings = BaseServiceSettings(environment="test", service_name=LAYANAN, run_background=False)
    app = create_service_app(
        settings, prefix=LAYANAN, title="Uji", routers=[], migrations_path=Path("."), models=_Base.metadata
    )
    operation = app.openapi()["paths"][f"/api/{LAYANAN}/v1/{{tenant}}/aktivitas"]["get"]
    assert operation["x-puja-akses"] == ["publik"]


def test_a_services_tables_are_found_in_its_package() -> None:
    assert service_metadata(Catatan.__module__) is _Base.metadata
    assert service_metadata("tidak_ada_paket") is None


def _ts(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()
