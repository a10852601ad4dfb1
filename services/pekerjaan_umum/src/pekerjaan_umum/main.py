from fastapi import FastAPI
from puja_kit.app import create_service_app
from puja_kit.storage import LocalStorage
from puja_kit.workflow.aduan import auto_close_hooks

from pekerjaan_umum.api import router
from pekerjaan_umum.events import CONSUMERS
from pekerjaan_umum.inventaris import api as inventaris_api
from pekerjaan_umum.models import Laporan, LaporanRiwayat
from pekerjaan_umum.settings import Settings
from pekerjaan_umum.sewa import api as sewa_api


def create_app(settings: Settings | None = None) -> FastAPI:
    """Prefix, title and migrations come from the service's entry in catalog.toml."""
    settings = settings or Settings()

    async def start_storage(app: FastAPI) -> None:
        """Report photos go to the storage folder (a local folder by default), never the database."""
        app.state.storage = LocalStorage(settings.storage_dir)

    # Answered reports whose reporter does not respond close by themselves (where background work runs).
    start_closing, stop_closing = auto_close_hooks(
        Laporan, LaporanRiwayat, layanan="pekerjaan_umum", interval_seconds=settings.tutup_otomatis_detik
    )
    return create_service_app(
        settings,
        routers=[router, inventaris_api.router, sewa_api.router],
        consumers=CONSUMERS,
        on_startup=[start_storage, start_closing],
        on_shutdown=[stop_closing],
    )
