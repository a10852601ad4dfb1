"""The service layer on a clock the test controls: SLA days per permit type, numbering, expiry, RLS."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
from perizinan.models import Izin, JenisIzin, Permohonan, PermohonanDokumen, PermohonanRiwayat
from perizinan.service import izin, permohonan
from puja_kit.auth import Grant, Principal
from puja_kit.db import new_id, transaction
from puja_kit.rls import set_tenant
from sqlalchemy import select

if TYPE_CHECKING:
    from conftest import PerizinanDriver


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
    perizinan: PerizinanDriver,
) -> None:
    p = perizinan
    # The region's layanan default is 5 working days; this permit type promises 3.
    jenis = await p.jenis_izin(sla_hari=3)
    draf = await p.draf(jenis)
    for name in p.DOKUMEN:
        await p.upload(draf, name)
    tenant = await p.tenant()
    siti, petugas = citizen(p.SITI), operator(p.HSU)
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
    perizinan: PerizinanDriver,
) -> None:
    p = perizinan
    await p.enable(p.TABALONG)
    warung = await p.jenis_izin(masa_berlaku_tahun=5)
    pbg = await p.jenis_izin(nama="Persetujuan Bangunan Gedung", kbli="41011", masa_berlaku_tahun=None)
    tabalong = await p.jenis_izin(p.TABALONG)
    ready = [
        (p.HSU, await p.diproses(warung), "2026-12-30"),
        (p.HSU, await p.diproses(pbg, p.BUDI), "2026-12-31"),
        (p.TABALONG, await p.diproses(tabalong, kode=p.TABALONG), "2026-12-31"),
        (p.HSU, await p.diproses(warung, p.BUDI), "2027-01-04"),
    ]
    issued = []
    for kode, ready_one, when in ready:
        tenant = await p.tenant(kode)
        async with transaction(p.svc.sessionmaker, all_regions=True) as session:
            permit = await izin.terbitkan(
                session, operator(kode), tenant=tenant, permohonan_id=UUID(ready_one["id"]), now=at(when)
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


async def test_the_public_check_tells_an_expired_permit_apart(perizinan: PerizinanDriver) -> None:
    p = perizinan
    jenis = await p.jenis_izin(masa_berlaku_tahun=1)
    ready = await p.diproses(jenis)
    tenant = await p.tenant()
    async with transaction(p.svc.sessionmaker, all_regions=True) as session:
        permit = await izin.terbitkan(
            session,
            operator(p.HSU),
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
    perizinan: PerizinanDriver, caplog: pytest.LogCaptureFixture
) -> None:
    p = perizinan
    await p.diajukan(await p.jenis_izin())
    with caplog.at_level(logging.INFO, logger="puja_kit.privasi"):
        opened = await p.client.get(p.url(f"/pemohon/{p.SITI.nik}"), headers=p.operator())
    assert opened.status_code == 200
    assert opened.json()["nik"] == p.SITI.nik
    [logged] = [r.getMessage() for r in caplog.records if r.name == "puja_kit.privasi"]
    # The platform's one mask and audit line (puja_kit.privasi): the province/regency code and the last
    # four digits only.
    assert logged.startswith(f"akses data pemohon {p.SITI.nik[:4]}********{p.SITI.nik[-4:]} oleh akun ")
    assert p.SITI.nik not in logged


async def test_row_level_security_hides_other_regions_rows(perizinan: PerizinanDriver) -> None:
    p = perizinan
    await p.enable(p.TABALONG)
    ready = await p.diproses(await p.jenis_izin())
    issued = await p.client.post(p.url(f"/permohonan/{ready['id']}/terbitkan"), headers=p.operator())
    assert issued.status_code == 201
    async with transaction(p.svc.sessionmaker) as session:
        for model in (JenisIzin, Permohonan, PermohonanRiwayat, PermohonanDokumen, Izin):
            await set_tenant(session, p.TABALONG)
            # Deliberately unfiltered: the database itself must refuse the other region's rows.
            assert (await session.scalars(select(model))).all() == [], model.__name__
            await set_tenant(session, p.HSU)
            assert (await session.scalars(select(model))).all() != [], model.__name__
