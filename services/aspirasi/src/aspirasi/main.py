from fastapi import FastAPI
from puja_kit.app import create_service_app
from puja_kit.storage import LocalStorage
from puja_kit.workflow.aduan import auto_close_hooks

from aspirasi.api import router
from aspirasi.events import CONSUMERS
from aspirasi.models import Aspirasi, AspirasiRiwayat
from aspirasi.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Prefix, title and migrations come from the service's entry in catalog.toml."""
    settings = settings or Settings()

    async def start_storage(app: FastAPI) -> None:
        """Photos of aspirations go to the storage folder (a local folder by default), never the database."""
        app.state.storage = LocalStorage(settings.storage_dir)

    # Answered aspirations whose reporter does not respond close by themselves (where background work runs).
    start_closing, stop_closing = auto_close_hooks(
        Aspirasi, AspirasiRiwayat, layanan="aspirasi", interval_seconds=settings.tutup_otomatis_detik
    )
    return create_service_app(
        settings,
        routers=[router],
        consumers=CONSUMERS,
        on_startup=[start_storage, start_closing],
        on_shutdown=[stop_closing],
    )
