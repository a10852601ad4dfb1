from fastapi import FastAPI
from puja_kit.app import create_service_app
from puja_kit.workflow.laporan_api import laporan_hooks

from pekerjaan_umum.api import router
from pekerjaan_umum.events import CONSUMERS
from pekerjaan_umum.inventaris import api as inventaris_api
from pekerjaan_umum.laporan import JENIS
from pekerjaan_umum.settings import Settings
from pekerjaan_umum.sewa import api as sewa_api


def create_app(settings: Settings | None = None) -> FastAPI:
    """Prefix, title and migrations come from the service's entry in catalog.toml; photos go to
    `settings.storage_dir`, never the database."""
    settings = settings or Settings()
    start_closing, stop_closing = laporan_hooks(JENIS, settings)
    return create_service_app(
        settings,
        routers=[router, inventaris_api.router, sewa_api.router],
        consumers=CONSUMERS,
        on_startup=[start_closing],
        on_shutdown=[stop_closing],
    )
