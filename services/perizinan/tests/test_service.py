"""The service layer on a clock the test controls: SLA days per permit type, numbering, expiry, RLS."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from perizinan.models import Izin, JenisIzin, Permohonan, PermohonanDokumen, PermohonanRiwayat
from perizinan.service import izin, permohonan
from puja_kit.auth import Grant, Principal
from puja_kit.db import new_id, transaction
from puja_kit.rls import set_tenant
from puja_kit.testing.layanan import LayananDriver
from sqlalchemy import select

from .factories import DOKUMEN, diajukan, diproses, make_draf, make_jenis_izin, tenant_of, upload


def at(day: str, hour: int = 9) -> datetime:
    """A moment in Amuntai (WITA)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


def citizen(person: Any) -> Principal:
    return Principal(id=person.id, sid=new_id(), nama=person.nama, grants=(Grant("warga"),), nik=person.nik)


def operator(kode: str) -> Principal:
    return Principal(
        id=new_id(), sid=new_id(), nama="Petugas", grants=(Grant("operator", kode, "perizinan"),)
    )


async def test_sla_runs_on_the_permit_types_days_and_stops_while_the_citizen_corrects(
    layanan: LayananDriver,
) -> None:
    p = layanan
    # The region's layanan default is 5 working days; this permit type promises 3.
    jenis = await make_jenis_izin(p, sla_hari=3)
    draf = await make_draf(p, jenis)
    for name in DOKUMEN:
        await upload(p, draf, name)
    tenant = await tenant_of(p)
    siti, petugas = citizen(p.warga_a), operator(p.x.kode)
    permohonan_id = UUID(draf["id"])

    async def step(principal: Principal, action: str, when: str, catatan: str | None = None) -> Any:
        async with transaction(p.svc.sessionmaker, all_regions=True) as session:
            return await permohonan.transition(
                session,
                principal,
                tenant=tenant,
                permohonan_id=permohonan_id,
                action=action,
                catatan=catatan,
                now=at(when),
            )

    submitted = await step(siti, "ajukan", "2026-11-20")  # a Friday
    assert submitted.sla_jatuh_tempo == date(2026, 11, 25)
    await step(petugas, "verifikasi", "2026-11-23")
    paused = await step(petugas, "minta_perbaikan", "2026-11-23", "Lampirkan denah yang lebih jelas")
    assert paused.status == "PERLU_PERBAIKAN"
    assert paused.terlambat is False
    # The citizen answers two working days later: the promise moves by those two days.
    resumed = await step(siti, "ajukan_ulang", "2026-11-25")
    assert resumed.status == "DIAJUKAN"
    assert resumed.sla_jatuh_tempo == date(2026, 11, 27)


async def test_permit_numbers_run_per_region_and_year_and_validity_follows_the_type(
    layanan: LayananDriver,
) -> None:
    p = layanan
    warung = await make_jenis_izin(p, masa_berlaku_tahun=5)
    pbg = await make_jenis_izin(p, nama="Persetujuan Bangunan Gedung", kbli="41011", masa_berlaku_tahun=None)
    tabalong = await make_jenis_izin(p, p.y)
    ready = [
        (p.x, await diproses(p, warung), "2026-12-30"),
        (p.x, await diproses(p, pbg, p.warga_b), "2026-12-31"),
        (p.y, await diproses(p, tabalong, region=p.y), "2026-12-31"),
        (p.x, await diproses(p, warung, p.warga_b), "2027-01-04"),
    ]
    issued = []
    for region, ready_one, when in ready:
        tenant = await tenant_of(p, region)
        async with transaction(p.svc.sessionmaker, all_regions=True) as session:
            permit = await izin.terbitkan(
                session,
                operator(region.kode),
                tenant=tenant,
                permohonan_id=UUID(ready_one["id"]),
                now=at(when),
            )
        issued.append(permit)

    assert [i.nomor_izin for i in issued] == [
        "503/IZN/56102/2026/0001",
        "503/IZN/41011/2026/0002",
        "503/IZN/56102/2026/0001",
        "503/IZN/56102/2027/0001",
    ]
    assert issued[0].berlaku_sampai == date(2031, 12, 30)
    assert issued[1].berlaku_sampai is None
    assert issued[0].tanggal_terbit == date(2026, 12, 30)
    assert len({i.kode_verifikasi for i in issued}) == 4


async def test_the_public_check_tells_an_expired_permit_apart(layanan: LayananDriver) -> None:
    p = layanan
    jenis = await make_jenis_izin(p, masa_berlaku_tahun=1)
    ready = await diproses(p, jenis)
    tenant = await tenant_of(p)
    async with transaction(p.svc.sessionmaker, all_regions=True) as session:
        permit = await izin.terbitkan(
            session,
            operator(p.x.kode),
            tenant=tenant,
            permohonan_id=UUID(ready["id"]),
            now=at("2026-01-05"),
        )
    assert permit.berlaku_sampai == date(2027, 1, 5)

    async def check(when: str) -> str:
        async with transaction(p.svc.sessionmaker, all_regions=True) as session:
            result = await izin.verifikasi(session, tenant=tenant, kode=permit.kode_verifikasi, now=at(when))
        return result.status

    assert await check("2027-01-05") == "BERLAKU"
    assert await check("2027-01-06") == "KEDALUWARSA"


async def test_an_applicants_data_opened_by_staff_is_logged_with_the_nik_masked(
    layanan: LayananDriver, caplog: pytest.LogCaptureFixture
) -> None:
    p = layanan
    await diajukan(p, await make_jenis_izin(p))
    with caplog.at_level(logging.INFO, logger="puja_kit.privasi"):
        opened = await p.client.get(p.url(f"/pemohon/{p.warga_a.nik}"), headers=p.operator_x)
    assert opened.status_code == 200
    assert opened.json()["nik"] == p.warga_a.nik
    [logged] = [r.getMessage() for r in caplog.records if r.name == "puja_kit.privasi"]
    # The platform's one mask and audit line (puja_kit.privasi): the province/regency code and the last
    # four digits only.
    assert logged.startswith(f"akses data pemohon {p.warga_a.nik[:4]}********{p.warga_a.nik[-4:]} oleh akun ")
    assert p.warga_a.nik not in logged


async def test_row_level_security_hides_other_regions_rows(layanan: LayananDriver) -> None:
    p = layanan
    ready = await diproses(p, await make_jenis_izin(p))
    issued = await p.client.post(p.url(f"/permohonan/{ready['id']}/terbitkan"), headers=p.operator_x)
    assert issued.status_code == 201
    async with transaction(p.svc.sessionmaker) as session:
        for model in (JenisIzin, Permohonan, PermohonanRiwayat, PermohonanDokumen, Izin):
            await set_tenant(session, p.y.kode)
            # Deliberately unfiltered: the database itself must refuse the other region's rows.
            assert (await session.scalars(select(model))).all() == [], model.__name__
            await set_tenant(session, p.x.kode)
            assert (await session.scalars(select(model))).all() != [], model.__name__
