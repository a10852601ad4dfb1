"""The declared workflow: roles, guards, history, the SLA clock in working days, events, tracking."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from puja_kit.auth import Grant, Principal
from puja_kit.db import new_id
from puja_kit.errors import Forbidden, InvalidInput
from puja_kit.events.catalog import LayananSettings
from puja_kit.outbox.models import OutboxEvent
from puja_kit.tenancy import Tenant
from puja_kit.workflow import (
    PERMOHONAN,
    PermohonanBase,
    RiwayatBase,
    TransitionNotAllowed,
    apply_transition,
    assign_number,
    is_overdue,
    tracking_view,
)
from puja_kit.workflow.sla import add_working_days, working_days_between
from puja_kit.workflow.tracking import ALPHABET
from sqlalchemy import UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class UjiPermohonan(PermohonanBase, table=True):
    __tablename__ = "uji_permohonan"
    __table_args__ = (UniqueConstraint("tenant_id", "nomor"),)


class UjiRiwayat(RiwayatBase, table=True):
    __tablename__ = "uji_riwayat"


TENANT = Tenant(
    kode="63.08",
    slug="kab-hulu-sungai-utara",
    nama="Kabupaten Hulu Sungai Utara",
    zona_waktu="WITA",
    layanan="kependudukan",
    settings=LayananSettings(sla_hari=3),
)
CITIZEN = Principal(id=new_id(), sid=new_id(), nama="Warga", grants=(Grant("warga"),), nik="6308014107900001")
OTHER = Principal(id=new_id(), sid=new_id(), nama="Lain", grants=(Grant("warga"),))
OPERATOR = Principal(
    id=new_id(), sid=new_id(), nama="Op", grants=(Grant("operator", "63.08", "kependudukan"),)
)
OPERATOR_ELSEWHERE = Principal(
    id=new_id(), sid=new_id(), nama="Op2", grants=(Grant("operator", "63.09", "kependudukan"),)
)


@pytest.fixture
async def db(kit_db: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with kit_db() as session:
        conn = await session.connection()
        await conn.run_sync(UjiPermohonan.__table__.create)  # type: ignore[attr-defined]
        await conn.run_sync(UjiRiwayat.__table__.create)  # type: ignore[attr-defined]
        yield session


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


async def new_permohonan(db: AsyncSession) -> UjiPermohonan:
    obj = UjiPermohonan(
        tenant_id="63.08", nomor="", status="DRAF", pemohon_id=CITIZEN.id, pemohon_nik=CITIZEN.nik or ""
    )
    await assign_number(db, obj, "KDK")
    return obj


def test_working_days_skip_weekends_holidays_and_cuti_bersama() -> None:
    # Friday 13 March 2026 + 3 working days: Idul Fitri holidays and cuti bersama 18-24 March are skipped.
    assert add_working_days(date(2026, 3, 13), 2) == date(2026, 3, 17)
    assert add_working_days(date(2026, 3, 13), 3) == date(2026, 3, 25)
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 25)) == 3


def test_tracking_numbers_are_readable_aloud() -> None:
    from puja_kit.workflow.tracking import tracking_number

    number = tracking_number("KDK")
    assert re.fullmatch(rf"KDK-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", number)
    assert not set("01ILOU") & set(number[4:])


async def test_a_permohonan_runs_through_its_states_with_history_sla_and_events(db: AsyncSession) -> None:
    obj = await new_permohonan(db)
    await apply_transition(
        db,
        PERMOHONAN,
        obj,
        UjiRiwayat,
        action="ajukan",
        principal=CITIZEN,
        tenant=TENANT,
        now=at("2026-11-20"),
    )
    assert obj.status == "DIAJUKAN"
    assert obj.sla_jatuh_tempo == date(2026, 11, 25)  # Friday + 3 working days

    with pytest.raises(Forbidden):
        await apply_transition(
            db, PERMOHONAN, obj, UjiRiwayat, action="verifikasi", principal=CITIZEN, tenant=TENANT
        )
    with pytest.raises(Forbidden):
        await apply_transition(
            db, PERMOHONAN, obj, UjiRiwayat, action="verifikasi", principal=OPERATOR_ELSEWHERE, tenant=TENANT
        )
    await apply_transition(
        db,
        PERMOHONAN,
        obj,
        UjiRiwayat,
        action="verifikasi",
        principal=OPERATOR,
        tenant=TENANT,
        now=at("2026-11-23"),
    )
    with pytest.raises(InvalidInput):
        await apply_transition(
            db, PERMOHONAN, obj, UjiRiwayat, action="minta_perbaikan", principal=OPERATOR, tenant=TENANT
        )
    await apply_transition(
        db,
        PERMOHONAN,
        obj,
        UjiRiwayat,
        action="minta_perbaikan",
        principal=OPERATOR,
        tenant=TENANT,
        note="Scan KK buram",
        now=at("2026-11-23"),
    )
    assert not is_overdue(obj, PERMOHONAN, "WITA", now=at("2026-12-10")), "the clock stops while waiting"
    # The citizen answers two working days later: the due date moves by two working days.
    await apply_transition(
        db,
        PERMOHONAN,
        obj,
        UjiRiwayat,
        action="ajukan_ulang",
        principal=CITIZEN,
        tenant=TENANT,
        now=at("2026-11-25"),
    )
    assert obj.sla_jatuh_tempo == date(2026, 11, 27)
    with pytest.raises(TransitionNotAllowed):
        await apply_transition(
            db, PERMOHONAN, obj, UjiRiwayat, action="selesaikan", principal=OPERATOR, tenant=TENANT
        )
    for action in ("verifikasi", "proses", "selesaikan"):
        await apply_transition(
            db,
            PERMOHONAN,
            obj,
            UjiRiwayat,
            action=action,
            principal=OPERATOR,
            tenant=TENANT,
            now=at("2026-11-26"),
        )
    assert obj.status == "SELESAI"
    assert obj.selesai_at is not None
    with pytest.raises(TransitionNotAllowed):
        await apply_transition(
            db, PERMOHONAN, obj, UjiRiwayat, action="batalkan", principal=CITIZEN, tenant=TENANT
        )
    await db.flush()

    history = (await db.scalars(select(UjiRiwayat).order_by(UjiRiwayat.waktu, UjiRiwayat.id))).all()
    assert [h.ke for h in history] == [
        "DIAJUKAN",
        "VERIFIKASI",
        "PERLU_PERBAIKAN",
        "DIAJUKAN",
        "VERIFIKASI",
        "DIPROSES",
        "SELESAI",
    ]
    assert history[2].catatan == "Scan KK buram"
    assert history[2].actor_role == "operator"
    events = (await db.scalars(select(OutboxEvent))).all()
    assert len(events) == 7
    assert {e.type for e in events} == {"puja.kependudukan.permohonan.status_changed"}

    view = await tracking_view(
        db, PERMOHONAN, UjiPermohonan, UjiRiwayat, tenant=TENANT, nomor=obj.nomor.lower()
    )
    assert view.status_label == "Selesai"
    assert len(view.timeline) == 7
    dumped = view.model_dump_json()
    assert CITIZEN.nik not in dumped and "Scan KK" not in dumped and str(CITIZEN.id) not in dumped


async def test_only_the_applicant_cancels_and_overdue_is_reported(db: AsyncSession) -> None:
    obj = await new_permohonan(db)
    await apply_transition(
        db,
        PERMOHONAN,
        obj,
        UjiRiwayat,
        action="ajukan",
        principal=CITIZEN,
        tenant=TENANT,
        now=at("2026-11-20"),
    )
    assert is_overdue(obj, PERMOHONAN, "WITA", now=at("2026-11-26"))
    assert not is_overdue(obj, PERMOHONAN, "WITA", now=at("2026-11-25"))
    with pytest.raises(Forbidden):
        await apply_transition(
            db, PERMOHONAN, obj, UjiRiwayat, action="batalkan", principal=OTHER, tenant=TENANT
        )
    await apply_transition(
        db, PERMOHONAN, obj, UjiRiwayat, action="batalkan", principal=CITIZEN, tenant=TENANT
    )
    assert obj.status == "DIBATALKAN"
    assert not is_overdue(obj, PERMOHONAN, "WITA", now=at("2026-12-26"))
    assert isinstance(obj.id, UUID)
