"""Demo data for `make run` (dev only): two damage reports in the demo region, far from each other;
running it again adds nothing."""

from __future__ import annotations

import uuid

from puja_kit.db import transaction
from puja_kit.demo import run_demo
from puja_kit.events.catalog import LayananSettings
from puja_kit.tenancy import Tenant
from puja_kit.workflow.aduan import receive_aduan
from puja_kit.workflow.laporan import aturan_of
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from pekerjaan_umum.inventaris.demo import seed_inventaris_dan_sewa
from pekerjaan_umum.laporan import JENIS
from pekerjaan_umum.models import Laporan, LaporanRiwayat
from pekerjaan_umum.settings import Settings

KODE = "63.08"  # Kabupaten Hulu Sungai Utara
TENANT = Tenant(
    kode=KODE,
    slug="kab-hulu-sungai-utara",
    nama="Kabupaten Hulu Sungai Utara",
    zona_waktu="WITA",
    layanan="pekerjaan_umum",
    settings=LayananSettings(),
)
# A reporter of the demo only (no account signs in as them).
PELAPOR = uuid.uuid5(uuid.NAMESPACE_URL, "puja-indah/demo/pekerjaan_umum/pelapor")
LAPORAN = (
    ("penerangan_jalan", "Lampu jalan padam tiga tiang berturut-turut di Jalan Negara.", -2.4190, 115.2410),
    ("drainase_banjir", "Saluran tersumbat sampah, air meluap ke jalan saat hujan.", -2.4520, 115.2790),
)


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessionmaker, tenant=KODE) as session:
        for kategori, isi, lat, lon in LAPORAN:
            found = await session.scalars(
                select(Laporan).where(col(Laporan.tenant_id) == KODE, col(Laporan.isi) == isi)
            )
            if found.first() is not None:
                continue
            obj = Laporan(
                tenant_id=KODE,
                nomor="",
                status="",
                kategori=kategori,
                isi=isi,
                pelapor_id=PELAPOR,
                pelapor_nama="Pelapor Demo",
                lat=lat,
                lon=lon,
            )
            aturan = await aturan_of(JENIS, session, TENANT, kategori)
            await receive_aduan(
                session, obj, LaporanRiwayat, tenant=TENANT, aturan=aturan, prefix=JENIS.prefix
            )
    print(f"pekerjaan_umum: {len(LAPORAN)} laporan di {KODE}")
    await seed_inventaris_dan_sewa(sessionmaker)


def main() -> None:
    run_demo(Settings(), seed)


if __name__ == "__main__":
    main()
