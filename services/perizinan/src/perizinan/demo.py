"""Demo permit types for `make run` (dev only): what a kabupaten's DPMPTSP typically opens first."""

from __future__ import annotations

from uuid import UUID

from puja_kit.auth import Grant, Principal
from puja_kit.db import transaction
from puja_kit.demo import run_demo
from puja_kit.events.catalog import LayananSettings
from puja_kit.tenancy import Tenant
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from perizinan.repository import JenisIzinRepository
from perizinan.schemas import JenisIzinCreate
from perizinan.service import izin, jenis_izin
from perizinan.settings import Settings

KODE = "63.08"
TENANT = Tenant(
    kode=KODE,
    slug="kab-hulu-sungai-utara",
    nama="Kabupaten Hulu Sungai Utara",
    zona_waktu="WITA",
    layanan=izin.LAYANAN,
    settings=LayananSettings(),
)
SYSTEM = Principal(
    id=UUID(int=0), sid=UUID(int=0), nama="Penyemai demo", grants=(Grant("admin_daerah", KODE),)
)
JENIS_IZIN = [
    JenisIzinCreate(
        nama="Persetujuan Bangunan Gedung (PBG) rumah toko",
        kbli="41011",
        tingkat_risiko="menengah_tinggi",
        sla_hari=28,
        dokumen_wajib=["KTP", "Bukti kepemilikan tanah", "Gambar rencana bangunan", "Perhitungan struktur"],
        masa_berlaku_tahun=None,
        biaya=0,
    ),
    JenisIzinCreate(
        nama="Sertifikat Standar Usaha Warung Makan",
        kbli="56102",
        tingkat_risiko="menengah_rendah",
        sla_hari=5,
        dokumen_wajib=["KTP", "NIB", "Denah lokasi usaha", "Foto tempat usaha"],
        masa_berlaku_tahun=None,
        biaya=0,
    ),
    JenisIzinCreate(
        nama="Izin Usaha Perdagangan Eceran (toko kelontong)",
        kbli="47111",
        tingkat_risiko="rendah",
        sla_hari=3,
        dokumen_wajib=["KTP", "NIB", "Foto tempat usaha"],
        masa_berlaku_tahun=None,
        biaya=0,
    ),
    JenisIzinCreate(
        nama="Sertifikat Laik Higiene Sanitasi (rumah makan)",
        kbli="56101",
        tingkat_risiko="menengah_tinggi",
        sla_hari=14,
        dokumen_wajib=[
            "KTP",
            "NIB",
            "Hasil uji laboratorium air dan makanan",
            "Sertifikat pelatihan penjamah makanan",
            "Denah dapur",
        ],
        masa_berlaku_tahun=3,
        biaya=0,
    ),
]


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessionmaker, tenant=KODE) as session:
        repo = JenisIzinRepository(session, KODE)
        for data in JENIS_IZIN:
            if await repo.by_nama(data.nama) is None:
                await jenis_izin.create_jenis_izin(session, SYSTEM, tenant=TENANT, data=data)
    print(f"Jenis izin demo untuk {TENANT.slug}: {len(JENIS_IZIN)}")


def main() -> None:
    run_demo(Settings(), seed)


if __name__ == "__main__":
    main()
