"""The registry's domain: a switched-off region refuses changes, and every change carries a newer version."""

from __future__ import annotations

import asyncio

import pytest
from puja_kit.db import transaction
from puja_kit.events.catalog import TenantRef
from puja_kit.events.envelope import Event
from puja_kit.outbox.models import OutboxEvent
from puja_kit.testing.plugin import RunningService, StartService, eventually
from puja_kit.testing.tokens import TokenFactory, grant
from sqlalchemy import select, text
from tenant_registry import service
from tenant_registry.schemas import LayananSettingsIn, OpdCreate, OpdUpdate

SLUG = "kab-hulu-sungai-utara"


async def onboarded(start_service: StartService, tokens: TokenFactory) -> RunningService:
    svc = await start_service("tenant_registry")
    response = await svc.client.post(
        "/api/tenants/v1/tenants", json={"kode": "63.08"}, headers=tokens.headers(grant("admin_pusat"))
    )
    assert response.status_code == 201, response.text
    return svc


async def test_a_switched_off_region_refuses_layanan_and_opd_changes(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await onboarded(start_service, tokens)
    async with transaction(svc.sessionmaker) as session:
        opd = await service.create_opd(session, slug=SLUG, data=OpdCreate(nama="Dinas Kesehatan"))
        await service.update_tenant(session, slug=SLUG, aktif=False)

    attempts = {
        "enable_layanan": lambda s: service.enable_layanan(
            s, slug=SLUG, layanan="kesehatan", settings=LayananSettingsIn(sla_hari=2)
        ),
        "update_opd": lambda s: service.update_opd(
            s, slug=SLUG, opd_id=opd.id, data=OpdUpdate(nama="Dinas Kesehatan dan KB")
        ),
        "create_opd": lambda s: service.create_opd(s, slug=SLUG, data=OpdCreate(nama="Dinas Sosial")),
    }
    for name, attempt in attempts.items():
        with pytest.raises(service.DaerahTidakAktif) as refused:
            async with transaction(svc.sessionmaker) as session:
                await attempt(session)
        assert refused.value.status_code == 409, name
        assert refused.value.code == "daerah_tidak_aktif"
        assert "dinonaktifkan oleh admin pusat" in refused.value.detail

    async with transaction(svc.sessionmaker) as session:
        detail = await service.tenant_detail(session, SLUG)
    assert detail.layanan == []
    assert [o.nama for o in detail.opd] == ["Dinas Kesehatan"]


async def test_enabling_a_layanan_while_the_region_is_being_switched_off_is_refused(
    start_service: StartService, tokens: TokenFactory
) -> None:
    """The admin's request passed the route's check before the ministry's change committed."""
    svc = await onboarded(start_service, tokens)

    async def enable() -> None:
        async with transaction(svc.sessionmaker) as session:
            await service.enable_layanan(
                session, slug=SLUG, layanan="kesehatan", settings=LayananSettingsIn(sla_hari=2)
            )

    async def waiting_for_the_region() -> None:
        async with svc.sessionmaker() as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        assert waiting == 1

    async with transaction(svc.sessionmaker) as ministry:
        await service.update_tenant(ministry, slug=SLUG, aktif=False)
        admin = asyncio.create_task(enable())
        await eventually(waiting_for_the_region)
    with pytest.raises(service.DaerahTidakAktif):
        await admin
    async with transaction(svc.sessionmaker) as session:
        assert (await service.tenant_detail(session, SLUG)).layanan == []


async def test_every_event_carries_the_regions_newer_version_and_its_state(
    start_service: StartService, tokens: TokenFactory
) -> None:
    svc = await onboarded(start_service, tokens)
    async with transaction(svc.sessionmaker) as session:
        opd = await service.create_opd(session, slug=SLUG, data=OpdCreate(nama="Dinas Kesehatan"))
    async with transaction(svc.sessionmaker) as session:
        await service.enable_layanan(
            session, slug=SLUG, layanan="kesehatan", settings=LayananSettingsIn(opd_id=opd.id)
        )
    async with transaction(svc.sessionmaker) as session:
        await service.update_opd(session, slug=SLUG, opd_id=opd.id, data=OpdUpdate(nama="Dinkes"))
    for aktif in (False, True):
        async with transaction(svc.sessionmaker) as session:
            await service.update_tenant(session, slug=SLUG, aktif=aktif)
    async with transaction(svc.sessionmaker) as session:
        await service.disable_layanan(session, slug=SLUG, layanan="kesehatan")

    async with transaction(svc.sessionmaker, all_regions=True) as session:
        rows = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()
    events = [Event.from_bytes(r.body) for r in rows]
    seen = []
    for event in events:
        assert isinstance(event.data, TenantRef)
        data = event.data.model_dump()
        seen.append(
            (event.type.rsplit(".", 1)[1], data["versi"], data.get("aktif", data.get("daerah_aktif")))
        )
    # onboard 1, create_opd 2 (no event), enable 3, rename 4, off 5, on 6, disable 7
    assert seen == [
        ("updated", 1, True),
        ("layanan_enabled", 3, True),
        ("layanan_enabled", 4, True),
        ("updated", 5, False),
        ("updated", 6, True),
        ("layanan_disabled", 7, True),
    ]
