from fastapi import FastAPI
from puja_kit.app import create_service_app
from puja_kit.penduduk import penduduk_consumer

from kesehatan.api import router
from kesehatan.events import on_change
from kesehatan.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        routers=[router],
        uses_tenants=True,
        consumers=[penduduk_consumer(on_change)],
    )
