"""Below the API: the death hook, the database's own guards, the demo data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from kesehatan import demo
from kesehatan.events import on_change
from kesehatan.models import Antrian, Fasilitas, Poli
from kesehatan.settings import Settings
from lokal.wilayah import list_wilayah
from puja_kit.db import new_id, transaction, utcnow
from puja_kit.demo import seed_demo
from puja_kit.events.catalog import PendudukDied
from puja_kit.events.envelope import make_event
from puja_kit.penduduk import WargaSalinan
from puja_kit.rls import set_tenant
from puja_kit.testing.layanan import REGION_X, LayananDriver
from puja_kit.testing.plugin import StartService
from puja_kit.workflow.sla import local_date
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncSession

from .factories import in_days, make_booking, make_warga

HSU = REGION_X


async def make_fasilitas(session: AsyncSession, **overrides: Any) -> Fasilitas:
    values: dict[str, Any] = {
        "tenant_id": HSU,
        "jenis": "puskesmas",
        "nama": f"Puskesmas {new_id().hex[:8]}",
        "alamat": "Jl. Uji",
        "kode_wilayah": "63.08.05",
        "nama_wilayah": "Kecamatan Amuntai Tengah",
        "edisi_kode": "Kepmendagri 300.2.2-2138/2025",
    }
    values.update(overrides)
    row = Fasilitas(**values)
    session.add(row)
    await session.flush()
    return row


async def make_poli(session: AsyncSession, fasilitas: Fasilitas, **overrides: Any) -> Poli:
    values: dict[str, Any] = {
        "tenant_id": fasilitas.tenant_id,
        "fasilitas_id": fasilitas.id,
        "nama": "Poli Umum",
    }
    values.update(overrides)
    row = Poli(kode="U", **values)
    session.add(row)
    await session.flush()
    return row


async def make_antrian(session: AsyncSession, poli: Poli, **overrides: Any) -> Antrian:
    values: dict[str, Any] = {
        "tenant_id": poli.tenant_id,
        "poli_id": poli.id,
        "fasilitas_id": poli.fasilitas_id,
        "tanggal": local_date(utcnow(), "WIB"),
        "nomor": 1,
        "pasien_id": new_id(),
        "pasien_nik": "6308051708900001",
        "pasien_nama": "Siti Aminah",
    }
    values.update(overrides)
    row = Antrian(**values)
    session.add(row)
    await session.flush()
    return row


async def test_a_death_cancels_only_waiting_bookings_from_today_on(start_service: StartService) -> None:
    svc = await start_service("kesehatan")
    nik = "6308051708900001"
    today = local_date(utcnow(), "WIB")  # the region is not announced here, so its zone defaults to WIB
    async with transaction(svc.sessionmaker, all_regions=True) as session:
        poli = await make_poli(session, await make_fasilitas(session))
        rows = {
            "yesterday": await make_antrian(session, poli, tanggal=today - timedelta(days=1), nomor=1),
            "today": await make_antrian(session, poli, tanggal=today, nomor=1),
            "today_served": await make_antrian(
                session, poli, tanggal=today, nomor=2, status="DILAYANI", pasien_nik="6308051708900009"
            ),
            "later": await make_antrian(session, poli, tanggal=today + timedelta(days=5), nomor=1),
            "someone_else": await make_antrian(
                session, poli, tanggal=today + timedelta(days=5), nomor=2, pasien_nik="6308054708900002"
            ),
        }
        ids = {name: row.id for name, row in rows.items()}

    copy = WargaSalinan(tenant_id=HSU, nik=nik, status="MENINGGAL", versi=1)
    event = make_event(
        "puja.kependudukan.penduduk.died", PendudukDied(nik=nik, versi=1, tanggal_meninggal=today), tenant=HSU
    )
    for _ in range(2):  # a second run finds nothing left to cancel
        async with transaction(svc.sessionmaker, all_regions=True) as session:
            await on_change(session, copy, event)

    async with transaction(svc.sessionmaker, all_regions=True) as session:
        found = {row.id: row for row in (await session.scalars(select(Antrian))).all()}
    status = {name: found[row_id].status for name, row_id in ids.items()}
    assert status == {
        "yesterday": "TERDAFTAR",
        "today": "DIBATALKAN",
        "today_served": "DILAYANI",
        "later": "DIBATALKAN",
        "someone_else": "TERDAFTAR",
    }
    assert found[ids["today"]].alasan_batal == "pemohon meninggal dunia"


async def test_row_level_security_keeps_regions_apart(start_service: StartService) -> None:
    svc = await start_service("kesehatan")
    async with transaction(svc.sessionmaker, all_regions=True) as session:
        await make_fasilitas(session, nama="Puskesmas Amuntai Selatan")
        await make_fasilitas(session, tenant_id="63.09", nama="Puskesmas Paringin", kode_wilayah="63.09.01")

    async with svc.sessionmaker() as session:
        assert (await session.scalars(select(Fasilitas.nama))).all() == [], "no region named: no rows"
    async with svc.sessionmaker() as session:
        await set_tenant(session, "63.09")
        # Even a query that forgets the tenant filter sees only the region in scope.
        names = (await session.scalars(select(Fasilitas.nama))).all()
        assert names == ["Puskesmas Paringin"]
        with pytest.raises(ProgrammingError, match="row-level security"):
            await make_fasilitas(session, nama="Puskesmas Titipan")


async def test_the_database_refuses_a_number_given_twice(start_service: StartService) -> None:
    svc = await start_service("kesehatan")
    async with transaction(svc.sessionmaker, all_regions=True) as session:
        poli = await make_poli(session, await make_fasilitas(session))
        await make_antrian(session, poli, nomor=1)
    with pytest.raises(IntegrityError, match="uq_antrian_poli_id"):
        async with transaction(svc.sessionmaker, all_regions=True) as session:
            await make_antrian(session, poli, nomor=1, pasien_nik="6308054708900002")
    with pytest.raises(IntegrityError, match="uq_antrian_pasien_aktif"):
        async with transaction(svc.sessionmaker, all_regions=True) as session:
            await make_antrian(session, poli, nomor=2)


async def test_the_demo_lists_hulu_sungai_utara_facilities_once(layanan: LayananDriver) -> None:
    settings = layanan.svc.settings.model_copy(update={"environment": "dev"})
    assert isinstance(settings, Settings)
    await seed_demo(settings, demo.seed)
    await seed_demo(settings, demo.seed)

    listed = (await layanan.client.get(layanan.url("/fasilitas"), params={"size": 100})).json()
    names = {f["nama"] for f in listed["items"]}
    assert {"RSUD Pambalah Batung", "Puskesmas Amuntai Selatan", "Puskesmas Babirik"} <= names
    assert listed["total"] == len(demo.FASILITAS)
    kecamatan = {w.code for w in list_wilayah(HSU)}
    assert all(f["kode_wilayah"] in kecamatan for f in listed["items"])
    jenis = {f["jenis"] for f in listed["items"]}
    assert jenis == {"rumah_sakit", "puskesmas", "klinik"}

    emergency = (await layanan.client.get(layanan.url("/fasilitas"), params={"igd": "true"})).json()
    assert "RSUD Pambalah Batung" in {f["nama"] for f in emergency["items"]}
    rsud = next(f for f in listed["items"] if f["nama"] == "RSUD Pambalah Batung")
    detail = (await layanan.client.get(layanan.url(f"/fasilitas/{rsud['id']}"))).json()
    assert len(detail["poli"]) == 3
    assert all(len(p["jadwal"]) == 5 for p in detail["poli"])  # Monday to Friday, once each

    # A citizen can book at a demo poli on a day it practises.
    poli = detail["poli"][0]
    day = next(in_days(layanan, n) for n in range(7) if in_days(layanan, n).weekday() < 5)
    booked = await make_booking(layanan, make_warga(layanan), poli["id"], day)
    assert booked["nomor_antrian"] == f"{poli['kode']}-001"


def test_demo_is_dev_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUJA_KESEHATAN_ENVIRONMENT", "production")
    monkeypatch.setenv(
        "PUJA_KESEHATAN_DATABASE_URL", "postgresql+psycopg://kesehatan:rahasia@127.0.0.1/kesehatan"
    )
    monkeypatch.setenv("PUJA_KESEHATAN_SECRET_KEY", "rahasia-produksi")
    with pytest.raises(SystemExit, match="mode dev"):
        demo.main()
