from fastapi import FastAPI
from puja_kit.app import create_service_app

from aspirasi.api import router
from aspirasi.events import CONSUMERS
from aspirasi.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Prefix, title and migrations come from the service's entry in catalog.toml."""
    return create_service_app(settings or Settings(), routers=[router], consumers=CONSUMERS)
