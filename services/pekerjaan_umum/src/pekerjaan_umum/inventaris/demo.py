"""Demo data of the inventory, projects and rental in the demo region (dev only; running it again adds
nothing): three road segments, a bridge and a drainage channel with surveys, a running project with
progress, two machines with their tariffs and one booking an OPD made."""

from __future__ import annotations

import uuid
from datetime import timedelta

from puja_kit.db import transaction
from puja_kit.workflow.sla import today_in
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from pekerjaan_umum.inventaris.models import Aset, AsetSurvei, Proyek, ProyekAset, ProyekProgres
from pekerjaan_umum.sewa.models import Alat, Pemesanan, PemesananRiwayat, Tarif

KODE = "63.08"
# The staff member the demo's entries are recorded by (no account signs in as them).
PETUGAS = uuid.uuid5(uuid.NAMESPACE_URL, "puja-indah/demo/pekerjaan_umum/petugas")
# (nomor, nama, km, lebar, surface, kecamatan, surveys as (days ago, condition, note))
RUAS = (
    (
        "001",
        "Ruas Amuntai - Alabio",
        9.4,
        6.0,
        "aspal",
        ["63.08.05", "63.08.02"],
        ((400, "SEDANG", None), (30, "BAIK", "Selesai pelapisan ulang")),
    ),
    (
        "014",
        "Ruas Sungai Malang - Palampitan",
        3.2,
        4.5,
        "aspal",
        ["63.08.05"],
        ((45, "RUSAK_RINGAN", "Lubang di beberapa titik"),),
    ),
    (
        "027",
        "Ruas Banjang - Telaga Silaba",
        5.8,
        4.0,
        "kerikil",
        ["63.08.06"],
        ((60, "RUSAK_BERAT", "Badan jalan tergerus banjir"),),
    ),
)
TARIF = (
    ("excavator", 1_750_000),
    ("dump_truck", 650_000),
    ("motor_grader", 1_500_000),
    ("vibro_roller", 1_100_000),
)
PERDA = "Perda Kab. Hulu Sungai Utara tentang Pajak Daerah dan Retribusi Daerah"
ALAT = (
    ("Ekskavator Komatsu PC-200", "excavator", "HSU-EXC-01"),
    ("Dump Truck Hino 130 HD", "dump_truck", "DA 8123 AH"),
)


async def seed_inventaris_dan_sewa(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    today = today_in("WITA")
    async with transaction(sessionmaker, tenant=KODE) as session:
        found = await session.scalars(
            select(Aset).where(col(Aset.tenant_id) == KODE, col(Aset.nomor_ruas) == "001")
        )
        if found.first() is not None:
            return
        ruas: list[Aset] = []
        for nomor, nama, km, lebar, tipe, kecamatan, _surveys in RUAS:
            obj = Aset(
                tenant_id=KODE,
                jenis="ruas_jalan",
                nama=nama,
                nomor_ruas=nomor,
                panjang_km=km,
                lebar_m=lebar,
                tipe=tipe,
                kecamatan=kecamatan,
            )
            ruas.append(obj)
        jembatan = Aset(
            tenant_id=KODE,
            jenis="jembatan",
            nama="Jembatan Sungai Tabalong Kiwa",
            panjang_m=48,
            lebar_m=7,
            tipe="beton",
            kecamatan=["63.08.05"],
        )
        saluran = Aset(
            tenant_id=KODE,
            jenis="drainase",
            nama="Saluran Jl. Norman Umar",
            panjang_m=850,
            lebar_m=1.2,
            tipe="terbuka",
            kecamatan=["63.08.05"],
        )
        session.add_all([*ruas, jembatan, saluran])
        await session.flush()
        jembatan.ruas_id = ruas[0].id
        surveyed = [
            *zip(ruas, (r[6] for r in RUAS), strict=True),
            (jembatan, ((90, "BAIK", None),)),
            (saluran, ((20, "SEDANG", "Sedimentasi 30 cm"),)),
        ]
        for obj, surveys in surveyed:
            for days, kondisi, catatan in surveys:
                tanggal = today - timedelta(days=days)
                session.add(
                    AsetSurvei(
                        tenant_id=KODE,
                        aset_id=obj.id,
                        tanggal=tanggal,
                        kondisi=kondisi,
                        catatan=catatan,
                        surveyor="Bidang Bina Marga",
                        dicatat_oleh=PETUGAS,
                    )
                )
                obj.kondisi, obj.kondisi_tanggal = kondisi, tanggal
        proyek = Proyek(
            tenant_id=KODE,
            nama="Rehabilitasi Ruas Banjang - Telaga Silaba",
            uraian="Perkerasan ulang dan perbaikan bahu jalan sepanjang 5,8 km.",
            anggaran=3_275_000_000,
            kontraktor="CV Banua Karya Mandiri",
            mulai=today - timedelta(days=50),
            selesai=today + timedelta(days=70),
            status="BERJALAN",
        )
        session.add(proyek)
        await session.flush()
        session.add(ProyekAset(tenant_id=KODE, proyek_id=proyek.id, aset_id=ruas[2].id))
        for days, fisik, uang in ((35, 12.5, 20.0), (7, 38.0, 45.0)):
            session.add(
                ProyekProgres(
                    tenant_id=KODE,
                    proyek_id=proyek.id,
                    tanggal=today - timedelta(days=days),
                    persen_fisik=fisik,
                    persen_keuangan=uang,
                    dicatat_oleh=PETUGAS,
                )
            )
        proyek.persen_fisik, proyek.persen_keuangan, proyek.progres_tanggal = (
            38.0,
            45.0,
            today - timedelta(days=7),
        )

        for jenis, tarif in TARIF:
            session.add(Tarif(tenant_id=KODE, jenis=jenis, tarif_harian=tarif, dasar_hukum=PERDA))
        mesin = [Alat(tenant_id=KODE, nama=nama, jenis=jenis, nomor=nomor) for nama, jenis, nomor in ALAT]
        session.add_all(mesin)
        await session.flush()
        pesan = Pemesanan(
            tenant_id=KODE,
            alat_id=mesin[0].id,
            pemohon_id=PETUGAS,
            pemohon_nama="Petugas Dinas PUPR",
            opd_nama="Dinas Pekerjaan Umum dan Penataan Ruang",
            mulai=today + timedelta(days=10),
            selesai=today + timedelta(days=12),
            hari=3,
            tarif_harian=1_750_000,
            biaya=3 * 1_750_000,
            keperluan="Normalisasi saluran Jl. Norman Umar.",
            lokasi="Jl. Norman Umar, Amuntai",
            status="DISETUJUI",
        )
        session.add(pesan)
        await session.flush()
        for dari, ke, aksi in ((None, "DIAJUKAN", "ajukan"), ("DIAJUKAN", "DISETUJUI", "setujui")):
            session.add(
                PemesananRiwayat(
                    tenant_id=KODE,
                    pemesanan_id=pesan.id,
                    dari=dari,
                    ke=ke,
                    aksi=aksi,
                    actor_id=PETUGAS,
                    actor_role="petugas",
                )
            )
    print(f"pekerjaan_umum: {len(RUAS) + 2} aset, 1 proyek, {len(ALAT)} alat, 1 pemesanan di {KODE}")
