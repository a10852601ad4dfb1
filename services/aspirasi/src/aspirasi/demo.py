"""Demo data for `make run` (dev only): a few rows in the demo region; running it again adds nothing."""

from __future__ import annotations

from puja_kit.db import transaction
from puja_kit.demo import run_demo
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aspirasi.models import Contoh
from aspirasi.repository import ContohRepository
from aspirasi.settings import Settings

KODE = "63.08"  # Kabupaten Hulu Sungai Utara
NAMA = ("Contoh pertama", "Contoh kedua")


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessionmaker) as session:
        repo = ContohRepository(session, KODE)
        await repo.scope()
        for nama in NAMA:
            if await repo.named(nama) is None:
                repo.add(Contoh(tenant_id=KODE, nama=nama))
    print(f"aspirasi: {len(NAMA)} contoh di {KODE}")


def main() -> None:
    run_demo(Settings(), seed)


if __name__ == "__main__":
    main()
