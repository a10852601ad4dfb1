"""The enabled-tenant copy: fed by registry events, in order, and answering the 404 problem; who is staff."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from puja_kit.auth import Grant, Principal
from puja_kit.bus import Bus
from puja_kit.db import new_id, transaction
from puja_kit.errors import Forbidden, LayananTidakAktif, NotFound
from puja_kit.events.catalog import (
    LayananSettings,
    Payload,
    TenantLayananDisabled,
    TenantLayananEnabled,
    TenantUpdated,
)
from puja_kit.events.consumer import ConsumerRunner
from puja_kit.events.envelope import Event, make_event
from puja_kit.outbox.models import InboxEvent
from puja_kit.tenancy import TENANT_CONSUMER, Tenant, TenantCache, ensure_staff, is_staff, on_tenant_event
from puja_kit.testing.plugin import eventually, publish
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

REF = {
    "kode": "63.08",
    "slug": "kab-hulu-sungai-utara",
    "nama": "Kabupaten Hulu Sungai Utara",
    "zona_waktu": "WITA",
}


async def settle(cache: TenantCache, check) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        cache.invalidate()
        try:
            if await check():
                return
        except NotFound:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("salinan daerah tidak diperbarui")


async def test_registry_events_enable_and_disable_layanan_for_a_region(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    cache = TenantCache(kit_db, ttl=0)
    runner = ConsumerRunner("kit", [TENANT_CONSUMER], kit_db, bus)
    runner.start()
    try:
        await publish(
            bus, "puja.tenant_registry.tenant.updated", TenantUpdated(**REF, aktif=True, layanan=[])
        )
        await settle(cache, lambda: cache.region("kab-hulu-sungai-utara"))
        with pytest.raises(LayananTidakAktif):
            await cache.get("kab-hulu-sungai-utara", "kesehatan")

        settings = LayananSettings(sla_hari=3, dokumen_wajib=["KTP"])
        await publish(
            bus,
            "puja.tenant_registry.tenant.layanan_enabled",
            TenantLayananEnabled(**REF, layanan="kesehatan", settings=settings),
        )
        await settle(cache, lambda: cache.get("kab-hulu-sungai-utara", "kesehatan"))
        tenant = await cache.get("kab-hulu-sungai-utara", "kesehatan")
        assert tenant.kode == "63.08"
        assert tenant.settings.sla_hari == 3

        await publish(
            bus,
            "puja.tenant_registry.tenant.layanan_disabled",
            TenantLayananDisabled(**REF, layanan="kesehatan"),
        )

        async def disabled() -> bool:
            try:
                await cache.get("kab-hulu-sungai-utara", "kesehatan")
            except LayananTidakAktif as exc:
                assert exc.status_code == 404
                assert exc.title == "Layanan tidak aktif di daerah ini"
                return True
            return False

        await settle(cache, disabled)
    finally:
        await runner.stop()


def test_staff_of_a_region_are_its_layanan_operators_and_its_admin() -> None:
    tenant = Tenant(
        kode="63.08",
        slug="kab-hulu-sungai-utara",
        nama="Kabupaten Hulu Sungai Utara",
        zona_waktu="WITA",
        layanan="kesehatan",
        settings=LayananSettings(),
    )

    def holder(*grants: Grant) -> Principal:
        return Principal(id=new_id(), sid=new_id(), nama="Uji", grants=grants)

    assert is_staff(holder(Grant("operator", "63.08", "kesehatan")), tenant)
    assert is_staff(holder(Grant("admin_daerah", "63.08")), tenant)
    for outsider in (
        holder(Grant("operator", "63.08", "perizinan")),
        holder(Grant("operator", "63.09", "kesehatan")),
        holder(Grant("admin_daerah", "63.09")),
        holder(Grant("warga")),
        holder(Grant("admin_pusat")),
    ):
        assert not is_staff(outsider, tenant)
        with pytest.raises(
            Forbidden, match="petugas kesehatan atau admin daerah Kabupaten Hulu Sungai Utara"
        ):
            ensure_staff(outsider, tenant)
    assert not is_staff(None, tenant)


async def test_a_region_switched_off_and_on_again_gets_its_layanan_back(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    cache = TenantCache(kit_db, ttl=0)
    runner = ConsumerRunner("kit", [TENANT_CONSUMER], kit_db, bus)
    runner.start()
    try:
        for layanan in ("kesehatan", "perizinan"):
            await publish(
                bus,
                "puja.tenant_registry.tenant.layanan_enabled",
                TenantLayananEnabled(**REF, layanan=layanan, settings=LayananSettings()),
            )
        await publish(
            bus,
            "puja.tenant_registry.tenant.layanan_disabled",
            TenantLayananDisabled(**REF, layanan="perizinan"),
        )
        await settle(cache, lambda: cache.get("kab-hulu-sungai-utara", "kesehatan"))
        await publish(
            bus,
            "puja.tenant_registry.tenant.updated",
            TenantUpdated(**REF, aktif=False, layanan=["kesehatan"]),
        )

        async def off() -> bool:
            return await cache.enabled_layanan("63.08") == []

        await settle(cache, off)
        await publish(
            bus,
            "puja.tenant_registry.tenant.updated",
            TenantUpdated(**REF, aktif=True, layanan=["kesehatan"]),
        )

        async def back() -> bool:
            return await cache.enabled_layanan("63.08") == ["kesehatan"]

        await settle(cache, back)
    finally:
        await runner.stop()


ENABLED = "puja.tenant_registry.tenant.layanan_enabled"
DISABLED = "puja.tenant_registry.tenant.layanan_disabled"
UPDATED = "puja.tenant_registry.tenant.updated"


def history(ref: dict[str, str]) -> list[Event]:
    """A region's life as the registry writes it, one version per change."""
    payloads: list[tuple[str, Payload]] = [
        (UPDATED, TenantUpdated(**ref, versi=1, aktif=True, layanan=[])),
        (
            ENABLED,
            TenantLayananEnabled(
                **ref, versi=2, daerah_aktif=True, layanan="kesehatan", settings=LayananSettings(sla_hari=3)
            ),
        ),
        (
            ENABLED,
            TenantLayananEnabled(
                **ref, versi=3, daerah_aktif=True, layanan="perizinan", settings=LayananSettings()
            ),
        ),
        (DISABLED, TenantLayananDisabled(**ref, versi=4, daerah_aktif=True, layanan="perizinan")),
        (UPDATED, TenantUpdated(**ref, versi=5, aktif=False, layanan=["kesehatan"])),
        # Reactivated: exactly kesehatan comes back.
        (UPDATED, TenantUpdated(**ref, versi=6, aktif=True, layanan=["kesehatan"])),
        (
            ENABLED,
            TenantLayananEnabled(
                **ref, versi=7, daerah_aktif=True, layanan="kesehatan", settings=LayananSettings(sla_hari=7)
            ),
        ),
        (UPDATED, TenantUpdated(**ref, versi=8, aktif=False, layanan=["kesehatan"])),
    ]
    return [make_event(kind, data, tenant=ref["kode"]) for kind, data in payloads]


# What a region serves after the first n changes of `history`: {layanan: sla_hari}.
SERVED_AFTER = {5: {}, 6: {"kesehatan": 3}, 7: {"kesehatan": 7}, 8: {}}


def region(i: int) -> dict[str, str]:
    return {"kode": f"99.{i:02d}", "slug": f"daerah-uji-{i}", "nama": f"Daerah Uji {i}", "zona_waktu": "WIB"}


async def served(cache: TenantCache, ref: dict[str, str]) -> dict[str, int]:
    cache.invalidate()
    out = {}
    for layanan in await cache.enabled_layanan(ref["kode"]):
        out[layanan] = (await cache.get(ref["slug"], layanan)).settings.sla_hari
    return out


async def publish_event(bus: Bus, event: Event) -> None:
    """Publish an event written earlier, as a relay retrying it late would."""
    stream = await bus.ensure_stream("tenant_registry")
    js = await bus.jetstream()
    await js.publish(
        bus.subject(event.type), event.to_bytes(), stream=stream, headers={"Nats-Msg-Id": event.id}
    )


async def test_a_late_layanan_enabled_does_not_switch_a_deactivated_region_back_on(
    kit_db: async_sessionmaker[AsyncSession], bus: Bus
) -> None:
    events = history(REF)
    cache = TenantCache(kit_db, ttl=0)
    runner = ConsumerRunner("kit", [TENANT_CONSUMER], kit_db, bus)
    runner.start()

    async def applied(*ids: str) -> None:
        async with kit_db() as session:
            count = await session.scalar(
                select(func.count()).select_from(InboxEvent).where(col(InboxEvent.event_id).in_(ids))
            )
        assert count == len(ids)

    try:
        # The registry wrote 1..5; the stream delivers 1, 4, 5 first and the enabling events late (a retry).
        for i in (0, 3, 4, 2, 1):
            await publish_event(bus, events[i])
        await eventually(lambda: applied(*(e.id for e in events[:5])))
        assert await served(cache, REF) == {}
        with pytest.raises(LayananTidakAktif):
            await cache.get(REF["slug"], "kesehatan")
        with pytest.raises(NotFound):
            await cache.region(REF["slug"])

        # Reactivated: exactly the layanan it had enabled, with their settings.
        await publish_event(bus, events[5])
        await eventually(lambda: applied(events[5].id))
        assert await served(cache, REF) == {"kesehatan": 3}
        assert (await cache.region(REF["slug"])).kode == REF["kode"]
    finally:
        await runner.stop()


async def apply(kit_db: async_sessionmaker[AsyncSession], event: Event) -> None:
    async with transaction(kit_db) as session:
        await on_tenant_event(session, event)


async def test_the_copy_converges_to_the_registrys_latest_whatever_the_order(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    cache = TenantCache(kit_db, ttl=0)
    shuffle = random.Random(8)
    cases: list[tuple[dict[str, str], int]] = []
    for n in SERVED_AFTER:
        for _ in range(12):
            ref = region(len(cases))
            order = history(ref)[:n]
            shuffle.shuffle(order)
            for event in order:
                await apply(kit_db, event)
            cases.append((ref, n))
    for ref, n in cases:
        assert await served(cache, ref) == SERVED_AFTER[n], (ref["kode"], n)


async def test_two_replicas_applying_at_once_converge_to_the_latest(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    """Replica A applies the deactivation while replica B applies the older enabling of a layanan."""
    enable, off = (
        history(REF)[1],
        make_event(
            UPDATED, TenantUpdated(**REF, versi=5, aktif=False, layanan=["kesehatan"]), tenant=REF["kode"]
        ),
    )

    async def waiting_for_a_lock() -> None:
        async with kit_db() as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        assert waiting == 1

    async with transaction(kit_db) as replica_a:
        await on_tenant_event(replica_a, off)
        replica_b = asyncio.create_task(apply(kit_db, enable))
        await eventually(waiting_for_a_lock)
    await replica_b
    cache = TenantCache(kit_db, ttl=0)
    assert await served(cache, REF) == {}
    with pytest.raises(LayananTidakAktif):
        await cache.get(REF["slug"], "kesehatan")


async def test_a_stale_cache_is_reloaded_once_while_the_other_requests_use_the_copy_they_have(
    kit_db: async_sessionmaker[AsyncSession],
) -> None:
    for event in history(REF)[:3]:
        await apply(kit_db, event)
    reads: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM layanan_aktif" in statement:
            reads.append(statement)

    engine = kit_db.kw["bind"]
    sa_event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        cache = TenantCache(kit_db, ttl=60)
        # The very first load: everyone waits for it, and it is read once.
        first = await asyncio.gather(*(cache.get(REF["slug"], "kesehatan") for _ in range(20)))
        assert [t.kode for t in first] == [REF["kode"]] * 20
        assert len(reads) == 1

        # Stale (the registry's news came): one request reloads, the others answer from the copy in hand.
        await apply(kit_db, history(REF)[3])
        cache.invalidate()
        answers = await asyncio.gather(
            *(cache.get(REF["slug"], "perizinan") for _ in range(20)), return_exceptions=True
        )
        assert len(reads) == 2
        assert sum(isinstance(a, LayananTidakAktif) for a in answers) == 1
        assert all(isinstance(a, Tenant) for a in answers if not isinstance(a, LayananTidakAktif))
        with pytest.raises(LayananTidakAktif):
            await cache.get(REF["slug"], "perizinan")
        assert len(reads) == 2

        # Stale by age: the same.
        cache.ttl = 0
        aged = await asyncio.gather(*(cache.get(REF["slug"], "kesehatan") for _ in range(20)))
        assert len(aged) == 20
        assert len(reads) == 3
    finally:
        sa_event.remove(engine.sync_engine, "before_cursor_execute", count)
