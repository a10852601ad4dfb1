"""Demo data for `make run` (dev only): the DPRD of Hulu Sungai Utara (three factions, three commissions,
six members) and two upcoming reses; running it again adds nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from puja_kit import wilayah
from puja_kit.db import transaction
from puja_kit.demo import run_demo
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from aspirasi.models import Agenda, AgendaAnggota, Anggota, Fraksi, Komisi
from aspirasi.settings import Settings

KODE = "63.08"  # Kabupaten Hulu Sungai Utara
WITA = ZoneInfo("Asia/Makassar")
PERIODE = (date(2024, 8, 26), date(2029, 8, 26))
FRAKSI = (("Fraksi Golongan Karya", "F-Golkar"), ("Fraksi PKB", "F-PKB"), ("Fraksi Gabungan Amanat", "F-GA"))
KOMISI = (
    ("Komisi I", "Pemerintahan, hukum dan kependudukan", "Sekretariat Daerah, Disdukcapil, Satpol PP"),
    ("Komisi II", "Perekonomian dan keuangan", "DPMPTSP, Dinas Perdagangan, Bappeda"),
    ("Komisi III", "Pembangunan dan kesejahteraan rakyat", "Dinas PUPR, Dinas Kesehatan, Dinas Pendidikan"),
)
# name, faction (short), commission, dapil, position
ANGGOTA = (
    ("H. Ahmad Fauzan", "F-Golkar", "Komisi I", "Dapil 1 (Amuntai Tengah, Banjang)", "KETUA"),
    ("Hj. Siti Aminah", "F-PKB", "Komisi I", "Dapil 2 (Amuntai Selatan, Danau Panggang)", "ANGGOTA"),
    ("Muhammad Rizky", "F-GA", "Komisi II", "Dapil 3 (Babirik, Sungai Pandan)", "KETUA"),
    ("Nurul Hidayah", "F-Golkar", "Komisi II", "Dapil 1 (Amuntai Tengah, Banjang)", "WAKIL_KETUA"),
    ("Abdul Haris", "F-PKB", "Komisi III", "Dapil 4 (Amuntai Utara, Haur Gading)", "KETUA"),
    ("Rahmawati", "F-GA", "Komisi III", "Dapil 2 (Amuntai Selatan, Danau Panggang)", "ANGGOTA"),
)
# title, member, kecamatan, place, days from today
RESES = (
    ("Reses masa sidang I: Desa Sungai Malang", "H. Ahmad Fauzan", "63.08.05", "Balai Desa Sungai Malang", 3),
    ("Reses masa sidang I: Babirik", "Muhammad Rizky", "63.08.02", "Aula Kantor Camat Babirik", 5),
)


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessionmaker, tenant=KODE) as session:
        fraksi: dict[str, Fraksi] = {}
        for nama, singkatan in FRAKSI:
            found = (await session.scalars(select(Fraksi).where(col(Fraksi.singkatan) == singkatan))).first()
            fraksi[singkatan] = found or Fraksi(tenant_id=KODE, nama=nama, singkatan=singkatan)
            session.add(fraksi[singkatan])
        komisi: dict[str, Komisi] = {}
        for nama, bidang, mitra in KOMISI:
            found_k = (await session.scalars(select(Komisi).where(col(Komisi.nama) == nama))).first()
            komisi[nama] = found_k or Komisi(tenant_id=KODE, nama=nama, bidang=bidang, mitra=mitra)
            session.add(komisi[nama])
        await session.flush()
        anggota: dict[str, Anggota] = {}
        for nama, singkatan, nama_komisi, dapil, jabatan in ANGGOTA:
            found_a = (await session.scalars(select(Anggota).where(col(Anggota.nama) == nama))).first()
            anggota[nama] = found_a or Anggota(
                tenant_id=KODE,
                nama=nama,
                fraksi_id=fraksi[singkatan].id,
                komisi_id=komisi[nama_komisi].id,
                dapil=dapil,
                jabatan=jabatan,
                periode_mulai=PERIODE[0],
                periode_selesai=PERIODE[1],
            )
            session.add(anggota[nama])
        await session.flush()
        today = datetime.now(WITA).date()
        for judul, nama, kecamatan, tempat, days in RESES:
            if (await session.scalars(select(Agenda).where(col(Agenda.judul) == judul))).first() is not None:
                continue
            mulai = datetime.combine(today + timedelta(days=days), time(9, 0), WITA)
            row = Agenda(
                tenant_id=KODE,
                jenis="RESES",
                judul=judul,
                komisi_id=anggota[nama].komisi_id,
                kode_wilayah=kecamatan,
                nama_wilayah=wilayah.in_region(kecamatan, KODE).name,
                edisi_kode=wilayah.EDISI,
                tempat=tempat,
                mulai=mulai,
                selesai=mulai + timedelta(hours=3),
                keterangan="Terbuka untuk umum. Sampaikan aspirasi Anda secara langsung.",
            )
            session.add(row)
            await session.flush()
            session.add(AgendaAnggota(tenant_id=KODE, agenda_id=row.id, anggota_id=anggota[nama].id))
    print(f"aspirasi: DPRD {KODE} dengan {len(FRAKSI)} fraksi, {len(KOMISI)} komisi, {len(ANGGOTA)} anggota")


def main() -> None:
    run_demo(Settings(), seed)


if __name__ == "__main__":
    main()
