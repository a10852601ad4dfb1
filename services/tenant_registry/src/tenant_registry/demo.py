"""Demo region for `make run` (dev only): Kabupaten Hulu Sungai Utara with four layanan and their OPDs."""

from __future__ import annotations

from puja_kit.db import transaction
from puja_kit.demo import run_demo
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenant_registry import service
from tenant_registry.repository import OpdRepository, TenantRepository
from tenant_registry.schemas import LayananSettingsIn, OpdCreate
from tenant_registry.settings import Settings

KODE = "63.08"
SLUG = "kab-hulu-sungai-utara"
OPD = {
    "perizinan": ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    "kesehatan": ("Dinas Kesehatan", "Dinkes"),
    "kependudukan": ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    "pekerjaan_umum": ("Dinas Pekerjaan Umum dan Penataan Ruang", "PUPR"),
    "aspirasi": ("Sekretariat Dewan Perwakilan Rakyat Daerah", "Setwan"),
    "trantibumlinmas": ("Satuan Polisi Pamong Praja", "Satpol PP"),
}
# OPDs of the region that no layanan is set to, but that reports are disposed and re-routed to.
OPD_LAIN = (
    ("Dinas Perhubungan", "Dishub"),
    ("Dinas Lingkungan Hidup", "DLH"),
    # Where trantibumlinmas reports of disasters and fires go.
    ("Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("Dinas Pemadam Kebakaran dan Penyelamatan", "Damkar"),
)
SETTINGS = {
    "perizinan": LayananSettingsIn(sla_hari=5, biaya=0, dokumen_wajib=["KTP", "NIB", "Denah lokasi usaha"]),
    "kesehatan": LayananSettingsIn(sla_hari=1, biaya=0, dokumen_wajib=[]),
    "kependudukan": LayananSettingsIn(sla_hari=3, biaya=0, dokumen_wajib=["KTP", "KK"]),
    # The OPD's follow-up of a damage report (SP4N-LAPOR!: 5 working days).
    "pekerjaan_umum": LayananSettingsIn(sla_hari=5, biaya=0, dokumen_wajib=[]),
    # The commission's follow-up of an aspiration (SP4N-LAPOR!: 5 working days).
    "aspirasi": LayananSettingsIn(sla_hari=5, biaya=0, dokumen_wajib=[]),
    # The acting OPD's follow-up of a public-order report (SP4N-LAPOR!: 5 working days).
    "trantibumlinmas": LayananSettingsIn(sla_hari=5, biaya=0, dokumen_wajib=[]),
}


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessionmaker, tenant=KODE) as session:
        if await TenantRepository(session).get(KODE) is None:
            await service.onboard(session, kode=KODE)
        for layanan, (nama, singkatan) in OPD.items():
            opd = await OpdRepository(session, KODE).by_nama(nama)
            if opd is None:
                created = await service.create_opd(
                    session, slug=SLUG, data=OpdCreate(nama=nama, singkatan=singkatan)
                )
                opd_id = created.id
            else:
                opd_id = opd.id
            detail = await service.tenant_detail(session, SLUG)
            if layanan not in detail.layanan:
                wanted = SETTINGS[layanan].model_copy(update={"opd_id": opd_id})
                await service.enable_layanan(session, slug=SLUG, layanan=layanan, settings=wanted)
        for nama, singkatan in OPD_LAIN:
            if await OpdRepository(session, KODE).by_nama(nama) is None:
                await service.create_opd(session, slug=SLUG, data=OpdCreate(nama=nama, singkatan=singkatan))
    print(f"Daerah demo: {SLUG} ({KODE}) dengan layanan {', '.join(OPD)}")


def main() -> None:
    run_demo(Settings(), seed)


if __name__ == "__main__":
    main()
