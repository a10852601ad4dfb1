from fastapi import FastAPI
from puja_kit.app import create_service_app, migrations_path_of
from puja_kit.db import transaction

import akun
from akun.api import router
from akun.events import nik_released_consumer, nik_verified_consumer, penduduk_died_consumer
from akun.keys import AkunTokenVerifier
from akun.notifikasi import aduan_consumers, status_changed_consumers
from akun.service import Runtime
from akun.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = Runtime.from_settings(settings)

    async def start_akun(app: FastAPI) -> None:
        """A current signing key (rotated when too old), and akun's own verifier reading its tables."""
        async with transaction(app.state.sessionmaker) as session:
            await runtime.keys.rotate(session, force=False)
        await runtime.passwords.prepare()
        app.state.runtime = runtime
        app.state.verifier = AkunTokenVerifier(settings, runtime.keys, app.state.sessionmaker)

    return create_service_app(
        settings,
        prefix="akun",
        title="Puja Indah — Akun",
        routers=[router],
        migrations_path=migrations_path_of(akun.__file__),
        uses_tenants=True,
        consumers=[
            penduduk_died_consumer(runtime),
            nik_verified_consumer(runtime),
            nik_released_consumer(runtime),
            *status_changed_consumers(),
            *aduan_consumers(),
        ],
        on_startup=[start_akun],
    )
