from fastapi import FastAPI
from puja_kit.app import create_service_app
from puja_kit.penduduk import penduduk_consumer

from perizinan.api import router
from perizinan.events import on_change
from perizinan.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        routers=[router],
        consumers=[penduduk_consumer(on_change)],
        uses_tenants=True,
    )
