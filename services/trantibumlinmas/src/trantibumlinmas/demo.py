"""Demo data for `make run` (dev only): linmas posts in five desa of 63.08 and one current SIAGA flood
warning for two of its kecamatan; running it again adds nothing while that warning is current."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.db import transaction, utcnow
from puja_kit.demo import run_demo
from puja_kit.events.catalog import LayananSettings
from puja_kit.tenancy import Tenant
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trantibumlinmas.repository import PeringatanRepository, PosRepository
from trantibumlinmas.schemas import PeringatanIn, PosCreate
from trantibumlinmas.service import peringatan, pos
from trantibumlinmas.settings import Settings

TENANT = Tenant(
    kode="63.08",
    slug="kab-hulu-sungai-utara",
    nama="Kabupaten Hulu Sungai Utara",
    zona_waktu="WITA",
    layanan="trantibumlinmas",
    settings=LayananSettings(),
)
PETUGAS = Principal(
    id=UUID("00000000-0000-7000-8000-00000000a108"),
    sid=UUID("00000000-0000-7000-8000-00000000a108"),
    nama="Petugas Trantibumlinmas Demo",
    grants=(),
)
# (name, desa code from the Kemendagri table, phone)
POS = (
    ("Pos Linmas Sungai Namang", "63.08.01.2003", "0812 5100 0101"),
    ("Pos Linmas Danau Panggang", "63.08.01.2004", "0812 5100 0102"),
    ("Pos Linmas Babirik Hilir", "63.08.02.2001", "0812 5100 0201"),
    ("Pos Linmas Antasari", "63.08.05.1001", "0812 5100 0501"),
    ("Pos Linmas Murung Sari", "63.08.05.1002", "0812 5100 0502"),
)


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessionmaker) as session:
        repo = PosRepository(session, TENANT.kode)
        await repo.scope()
        for nama, kode, telepon in POS:
            if await repo.named(nama) is None:
                await pos.create_pos(
                    session,
                    PETUGAS,
                    tenant=TENANT,
                    data=PosCreate(nama=nama, kode_wilayah=kode, telepon=telepon),
                )
        now = utcnow()
        if not await PeringatanRepository(session, TENANT.kode).running(now, with_cancelled=False):
            await peringatan.issue(
                session,
                PETUGAS,
                tenant=TENANT,
                data=PeringatanIn(
                    level="SIAGA",
                    bahaya="banjir",
                    judul="Siaga banjir di Danau Panggang dan Babirik",
                    uraian="Muka air Sungai Tabalong naik setelah hujan lebat dua hari; air mulai masuk ke "
                    "permukiman di tepi sungai.",
                    instruksi="Amankan dokumen dan barang berharga ke tempat tinggi, siapkan tas siaga, "
                    "ikuti arahan petugas linmas desa.",
                    wilayah=["63.08.01", "63.08.02"],
                    berlaku_mulai=now,
                    berlaku_sampai=now + timedelta(days=3),
                ),
            )
    print(f"trantibumlinmas: {len(POS)} pos linmas dan satu peringatan Siaga di {TENANT.kode}")


def main() -> None:
    run_demo(Settings(), seed)


if __name__ == "__main__":
    main()
