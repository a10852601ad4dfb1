"""Demo accounts for `make run`: `python -m akun.demo`, dev mode only, safe to run again.

The registry's demo (run first) onboards 63.08 and enables some layanan; the operator gets one grant per
layanan that akun's own copy of the region (fed by the registry's events) shows as enabled.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Sequence

from puja_kit.auth import Grant
from puja_kit.db import transaction, utcnow
from puja_kit.demo import DemoRefused, Seed, run_demo, seed_demo
from puja_kit.tenancy import Daerah, LayananAktif
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from akun.repository import AkunRepository
from akun.service import Runtime, create_account
from akun.settings import Settings

PASSWORD = "pujaindah-demo"
KODE = "63.08"  # Kabupaten Hulu Sungai Utara
# Kecamatan Amuntai Tengah (63.08.05), born 17 August 1990, serial 0001.
NIK_WARGA = "6308051708900001"


async def _ensure(
    session: AsyncSession,
    runtime: Runtime,
    *,
    username: str,
    nama: str,
    grants: Sequence[Grant],
    tenant_id: str | None = None,
    nik: str | None = None,
    email: str | None = None,
    nik_verified: bool = False,
) -> str:
    peran = ", ".join(sorted({g.role for g in grants}))
    layanan = sorted(g.layanan for g in grants if g.layanan)
    if layanan:
        peran += f" ({', '.join(layanan)})"
    if await AkunRepository(session).by_username(username) is not None:
        return f"{username:<14} {peran:<24} sudah ada"
    akun = await create_account(
        session,
        runtime,
        nama=nama,
        password=PASSWORD,
        grants=grants,
        username=username,
        tenant_id=tenant_id,
        nik=nik,
        email=email,
    )
    if nik_verified:  # as if the person had already proved their NIK in kependudukan
        akun.nik_terverifikasi_pada = utcnow()
        akun.nik_terbukti_di = [KODE]
    return f"{username:<14} {peran:<24} dibuat (kata sandi {PASSWORD})"


async def _enabled_layanan(
    sessionmaker: async_sessionmaker[AsyncSession], *, wait_seconds: float
) -> list[str]:
    """Poll akun's own copy of the region until the registry's events have arrived."""
    deadline = time.monotonic() + wait_seconds
    seen: list[str] | None = None
    while True:
        async with sessionmaker() as session:
            region = await session.get(Daerah, KODE)
            rows = await session.scalars(
                select(col(LayananAktif.layanan))
                .where(col(LayananAktif.tenant_id) == KODE, col(LayananAktif.aktif))
                .order_by(col(LayananAktif.layanan))
            )
            layanan = list(rows.all())
        # The registry enables the demo's layanan one event each: the same list twice in a row (half a
        # second apart) means akun has heard them all, not just the first.
        if region is not None and region.aktif and layanan and layanan == seen:
            return layanan
        seen = layanan
        if time.monotonic() >= deadline:
            raise DemoRefused(
                f"Daerah {KODE} belum tercatat di akun dengan layanan aktif setelah {wait_seconds:.0f} detik; "
                "apakah demo registri sudah dijalankan dan layanan akun menyala?"
            )
        await asyncio.sleep(0.5)


def _accounts(settings: Settings, *, wait_seconds: float, report: Callable[[str], object]) -> Seed:
    async def seed_accounts(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        runtime = Runtime.from_settings(settings)
        async with transaction(sessionmaker) as session:
            report(
                await _ensure(
                    session,
                    runtime,
                    username="demo-pusat",
                    nama="Admin Pusat Demo",
                    grants=[Grant("admin_pusat")],
                )
            )
            report(
                await _ensure(
                    session,
                    runtime,
                    username="demo-admin",
                    nama="Admin Hulu Sungai Utara Demo",
                    grants=[Grant("admin_daerah", KODE)],
                    tenant_id=KODE,
                )
            )
            report(
                await _ensure(
                    session,
                    runtime,
                    username="demo-warga",
                    nama="Warga Demo",
                    grants=[Grant("warga")],
                    nik=NIK_WARGA,
                    email="demo-warga@example.com",
                    nik_verified=True,
                )
            )
        layanan = await _enabled_layanan(sessionmaker, wait_seconds=wait_seconds)
        async with transaction(sessionmaker) as session:
            report(
                await _ensure(
                    session,
                    runtime,
                    username="demo-operator",
                    nama="Operator Hulu Sungai Utara Demo",
                    grants=[Grant("operator", KODE, name) for name in layanan],
                    tenant_id=KODE,
                )
            )

    return seed_accounts


async def seed(
    settings: Settings, *, wait_seconds: float = 60, report: Callable[[str], object] = print
) -> None:
    await seed_demo(settings, _accounts(settings, wait_seconds=wait_seconds, report=report))


def main() -> None:
    try:
        settings = Settings()
    except ValidationError as exc:
        sys.exit(f"akun.demo: pengaturan tidak valid, tidak ada yang dibuat:\n{exc}")
    run_demo(settings, _accounts(settings, wait_seconds=60, report=print))


if __name__ == "__main__":
    main()
