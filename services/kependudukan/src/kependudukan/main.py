from fastapi import FastAPI
from puja_kit.app import create_service_app

from kependudukan.api import router
from kependudukan.impor import fail_interrupted
from kependudukan.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    async def start_kependudukan(app: FastAPI) -> None:
        app.state.imports = set()
        await fail_interrupted(app.state.sessionmaker)

    return create_service_app(
        settings,
        routers=[router],
        on_startup=[start_kependudukan],
    )
