"""Citizens' aspirations to the DPRD on the kit's report layanan (`puja_kit.workflow.laporan`): the
categories, and the disposition target, which for aspirasi is a commission of the region's DPRD (not an
OPD). "Bukan kewenangan" sends it out of the region's authority (a province, a ministry) as in the kit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from puja_kit.errors import InvalidInput
from puja_kit.tenancy import Tenant
from puja_kit.workflow.aduan_models import LaporanBase
from puja_kit.workflow.laporan import JenisLaporan, Kategori
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from aspirasi.models import POKIR, Aspirasi, AspirasiAturan, AspirasiFoto, AspirasiRiwayat, Komisi

KATEGORI = (
    Kategori(
        "pemerintahan",
        "Pemerintahan dan pelayanan publik",
        "Pelayanan kantor pemerintah, desa, kependudukan, ketertiban, hukum.",
        opd_saran="Komisi I",
        kata_kunci=("pelayanan", "desa", "KTP"),
    ),
    Kategori(
        "ekonomi",
        "Ekonomi, pertanian dan UMKM",
        "Pasar, harga, pertanian, perikanan, usaha kecil, lapangan kerja.",
        opd_saran="Komisi II",
        kata_kunci=("pasar", "petani", "UMKM"),
    ),
    Kategori(
        "pembangunan",
        "Jalan, jembatan dan sarana umum",
        "Pembangunan dan perbaikan jalan, jembatan, irigasi, air bersih, listrik desa.",
        opd_saran="Komisi III",
        kata_kunci=("jalan", "jembatan", "irigasi"),
    ),
    Kategori(
        "kesejahteraan",
        "Pendidikan, kesehatan dan sosial",
        "Sekolah, puskesmas, bantuan sosial, rumah layak huni.",
        opd_saran="Komisi III",
        kata_kunci=("sekolah", "puskesmas", "bansos"),
    ),
    Kategori("lainnya", "Lainnya", "Aspirasi lain untuk DPRD."),
)


async def komisi_tujuan(
    session: AsyncSession, tenant: Tenant, komisi_id: UUID, _nama: str | None
) -> tuple[UUID, str]:
    """An aspiration is disposed to an active commission of this region's DPRD (its id in `opd_id`)."""
    stmt = select(Komisi).where(col(Komisi.tenant_id) == tenant.kode, col(Komisi.id) == komisi_id)
    komisi = (await session.scalars(stmt)).first()
    if komisi is None or not komisi.aktif:
        message = "komisi tidak ada atau tidak aktif di DPRD daerah ini"
        raise InvalidInput(
            "Komisi tujuan tidak ada atau tidak aktif di DPRD daerah ini.",
            errors=[{"field": "opd_id", "code": "komisi", "message": message}],
        )
    return komisi.id, komisi.nama


# An aspiration can be taken up as pokir once a commission has it.
DI_KOMISI = frozenset({"DIDISPOSISI", "DITINDAKLANJUTI", "SELESAI", "DITUTUP"})


def ekstra(obj: LaporanBase) -> dict[str, Any]:
    """The pokir state of an aspiration, on its page for the reporter and staff, and whether the
    commission may still take it up as pokir."""
    status = getattr(obj, "pokir_status", None)
    return {
        "pokir_status": status,
        "pokir_status_label": POKIR.get(status or ""),
        "boleh_pokir": status is None and obj.status in DI_KOMISI and obj.opd_id is not None,
    }


JENIS = JenisLaporan(
    layanan="aspirasi",
    nama="Aspirasi",
    prefix="AS",
    kategori=KATEGORI,
    laporan=Aspirasi,
    riwayat=AspirasiRiwayat,
    foto=AspirasiFoto,
    aturan=AspirasiAturan,
    lokasi_wajib=False,
    tujuan=komisi_tujuan,
    ekstra=ekstra,
)
