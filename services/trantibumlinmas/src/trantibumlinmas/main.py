from fastapi import FastAPI
from puja_kit.app import create_service_app
from puja_kit.storage import LocalStorage
from puja_kit.workflow.aduan import auto_close_hooks

from trantibumlinmas.api import router
from trantibumlinmas.events import CONSUMERS
from trantibumlinmas.models import Laporan, LaporanRiwayat
from trantibumlinmas.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Prefix, title and migrations come from the service's entry in catalog.toml."""
    settings = settings or Settings()

    async def start_storage(app: FastAPI) -> None:
        """Report photos go to the storage folder (a local folder by default), never the database."""
        app.state.storage = LocalStorage(settings.storage_dir)

    # Answered reports whose reporter does not respond close by themselves (where background work runs).
    start_closing, stop_closing = auto_close_hooks(
        Laporan, LaporanRiwayat, layanan="trantibumlinmas", interval_seconds=settings.tutup_otomatis_detik
    )
    return create_service_app(
        settings,
        routers=[router],
        consumers=CONSUMERS,
        on_startup=[start_storage, start_closing],
        on_shutdown=[stop_closing],
    )
