"""Demo data for `make run` (dev only): residents of Kabupaten Hulu Sungai Utara, the demo citizen's
family among them, and a few applications to look at."""

from __future__ import annotations

from puja_kit.db import transaction
from puja_kit.demo import run_demo
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from kependudukan.contoh import csv_text, rows
from kependudukan.impor import run_import
from kependudukan.models import Impor, Penduduk
from kependudukan.settings import Settings

KODE = "63.08"
# The demo citizen of akun (demo-warga) and their family card.
KELUARGA_DEMO = [
    {"nik": "6308051708900001", "nama": "Warga Demo", "tanggal_lahir": "1990-08-17", "jenis_kelamin": "L"},
    {"nik": "6308055203920002", "nama": "Rahmah Aulia", "tanggal_lahir": "1992-03-12", "jenis_kelamin": "P"},
    {
        "nik": "6308050906150003",
        "nama": "Muhammad Rizki",
        "tanggal_lahir": "2015-06-09",
        "jenis_kelamin": "L",
    },
    {"nik": "6308051511550004", "nama": "Abdul Hamid", "tanggal_lahir": "1955-11-15", "jenis_kelamin": "L"},
]

# Mothers' names, which with the KK number let a family member prove their NIK (see the README).
IBU_KANDUNG = {
    "6308051708900001": "Siti Aminah",
    "6308055203920002": "Halimah",
    "6308050906150003": "Rahmah Aulia",
    "6308051511550004": "Fatimah",
}


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessionmaker, tenant=KODE) as session:
        exists = await session.scalar(
            select(col(Penduduk.id)).where(col(Penduduk.nik) == KELUARGA_DEMO[0]["nik"])
        )
    if exists:
        print("Penduduk demo sudah ada")
        return
    family = [
        {
            **person,
            "no_kk": "6308050101100001",
            "tempat_lahir": "Amuntai",
            "alamat": "Jl. Norman Umar No. 12",
            "rt": "004",
            "rw": "002",
            "kode_wilayah": "63.08.05.1001",
            "nama_ibu": IBU_KANDUNG[person["nik"]],
        }
        for person in KELUARGA_DEMO
    ]
    text = csv_text([*family, *rows(KODE, 200, seed=7)])
    async with transaction(sessionmaker, tenant=KODE) as session:
        job = Impor(tenant_id=KODE, nama_berkas="demo.csv")
        session.add(job)
    result = await run_import(
        sessionmaker, tenant_kode=KODE, impor_id=job.id, lines=iter(text.splitlines(True))
    )
    print(f"Penduduk demo: {result.berhasil} dicatat")


def main() -> None:
    run_demo(Settings(), seed, pool_size=2)


if __name__ == "__main__":
    main()
