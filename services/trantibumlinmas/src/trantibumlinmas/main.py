from fastapi import FastAPI
from puja_kit.app import create_service_app

from trantibumlinmas.api import router
from trantibumlinmas.events import CONSUMERS
from trantibumlinmas.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Prefix, title and migrations come from the service's entry in catalog.toml."""
    return create_service_app(settings or Settings(), routers=[router], consumers=CONSUMERS)
