from fastapi import FastAPI
from puja_kit.app import create_service_app
from puja_kit.workflow.laporan_api import laporan_hooks

from aspirasi.api import router
from aspirasi.events import CONSUMERS
from aspirasi.laporan import JENIS
from aspirasi.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Prefix, title and migrations come from the service's entry in catalog.toml; photos go to
    `settings.storage_dir`, never the database."""
    settings = settings or Settings()
    start_closing, stop_closing = laporan_hooks(JENIS, settings)
    return create_service_app(
        settings,
        routers=[router],
        consumers=CONSUMERS,
        on_startup=[start_closing],
        on_shutdown=[stop_closing],
    )
