from fastapi import FastAPI
from puja_kit.app import create_service_app, migrations_path_of

import tenant_registry
from tenant_registry import service
from tenant_registry.api import router
from tenant_registry.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        prefix="tenants",
        title="Puja Indah — Registri Daerah",
        routers=[router],
        migrations_path=migrations_path_of(tenant_registry.__file__),
        uses_tenants=False,
        region_resolver=service.resolve_region,
    )
