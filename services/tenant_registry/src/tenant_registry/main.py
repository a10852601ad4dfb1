from fastapi import FastAPI
from puja_kit.app import create_service_app

from tenant_registry import service
from tenant_registry.api import router
from tenant_registry.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        routers=[router],
        uses_tenants=False,
        region_resolver=service.resolve_region,
    )
