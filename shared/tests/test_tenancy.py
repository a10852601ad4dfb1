"""The enabled-tenant copy: fed by registry events, in order, and answering the 404 problem; who is staff."""

from __future__ import annotations

import asyncio

import pytest
from puja_kit.auth import Grant, Principal
from puja_kit.bus import Bus
from puja_kit.db import new_id
from puja_kit.errors import Forbidden, LayananTidakAktif, NotFound
from puja_kit.events.catalog import (
    LayananSettings,
    TenantLayananDisabled,
    TenantLayananEnabled,
    TenantUpdated,
)
from puja_kit.events.consumer import ConsumerRunner
from puja_kit.tenancy import TENANT_CONSUMER, Tenant, TenantCache, ensure_staff, is_staff
from puja_kit.testing.plugin import publish
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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
