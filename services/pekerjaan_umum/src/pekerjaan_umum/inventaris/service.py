"""The inventory and the projects: the staff enter items and their surveys, projects and their progress;
the public reads them. A survey may be entered late: the item's condition is always its survey of the
latest date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, InvalidInput, NotFound
from puja_kit.repository import CursorParams, RepositoryBase
from puja_kit.rls import set_tenant
from puja_kit.tenancy import Tenant
from puja_kit.workflow.machine import ADUAN
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from pekerjaan_umum.inventaris.models import Aset, AsetSurvei, Proyek, ProyekAset, ProyekProgres
from pekerjaan_umum.inventaris.schemas import (
    JENIS,
    KONDISI,
    STATUS_PROYEK,
    TIPE,
    AsetIn,
    AsetRead,
    AsetRingkas,
    AsetSingkat,
    AsetUbah,
    KondisiJalan,
    LaporanAset,
    ProgresIn,
    ProgresRead,
    ProyekIn,
    ProyekRead,
    ProyekRingkas,
    Ringkasan,
    StatusProyekIn,
    SurveiIn,
    SurveiRead,
)
from pekerjaan_umum.models import Laporan

# A project's steps: from each status, where it may go.
LANGKAH_PROYEK = {
    "RENCANA": ("BERJALAN", "DIHENTIKAN"),
    "BERJALAN": ("SELESAI", "DIHENTIKAN"),
    "SELESAI": (),
    "DIHENTIKAN": (),
}


class AsetRepository(RepositoryBase[Aset]):
    model = Aset
    not_found = "Aset tidak ditemukan di daerah ini"

    def listed(self, *, jenis: str | None, kondisi: str | None, kecamatan: str | None) -> Select[tuple[Aset]]:
        stmt = self.base_statement()
        if jenis:
            stmt = stmt.where(col(Aset.jenis) == jenis)
        if kondisi:
            stmt = stmt.where(col(Aset.kondisi) == kondisi)
        if kecamatan:
            stmt = stmt.where(col(Aset.kecamatan).contains([kecamatan]))
        return stmt.order_by(col(Aset.nama), col(Aset.id))

    async def get_for_update(self, aset_id: UUID) -> Aset | None:
        stmt = self.base_statement().where(col(Aset.id) == aset_id).with_for_update()
        return (await self.session.scalars(stmt)).first()


class ProyekRepository(RepositoryBase[Proyek]):
    model = Proyek
    not_found = "Proyek tidak ditemukan di daerah ini"

    async def get_for_update(self, proyek_id: UUID) -> Proyek | None:
        stmt = self.base_statement().where(col(Proyek.id) == proyek_id).with_for_update()
        return (await self.session.scalars(stmt)).first()


def _invalid(field: str, message: str, detail: str) -> InvalidInput:
    return InvalidInput(detail, errors=[{"field": field, "code": "tidak_sesuai", "message": message}])


def _ringkas(obj: Aset) -> AsetRingkas:
    return AsetRingkas(
        id=obj.id,
        jenis=obj.jenis,
        jenis_label=JENIS.get(obj.jenis, obj.jenis),
        nama=obj.nama,
        nomor_ruas=obj.nomor_ruas,
        panjang_km=obj.panjang_km,
        panjang_m=obj.panjang_m,
        lebar_m=obj.lebar_m,
        tipe=obj.tipe,
        tipe_label=TIPE.get(obj.jenis, {}).get(obj.tipe, obj.tipe),
        kecamatan=list(obj.kecamatan),
        ruas_id=obj.ruas_id,
        kondisi=obj.kondisi,
        kondisi_label=KONDISI.get(obj.kondisi) if obj.kondisi else None,
        kondisi_tanggal=obj.kondisi_tanggal,
        diperbarui_at=obj.updated_at,
    )


def _singkat(obj: Aset) -> AsetSingkat:
    return AsetSingkat(
        id=obj.id, jenis=obj.jenis, jenis_label=JENIS[obj.jenis], nama=obj.nama, nomor_ruas=obj.nomor_ruas
    )


async def _ruas(session: AsyncSession, tenant: Tenant, ruas_id: UUID | None) -> None:
    if ruas_id is None:
        return
    ruas = await AsetRepository(session, tenant.kode).get(ruas_id)
    if ruas is None or ruas.jenis != "ruas_jalan":
        raise _invalid("ruas_id", "bukan ruas jalan daerah ini", "Ruas jalan tidak ditemukan di daerah ini.")


def _check(tenant: Tenant, jenis: str, fields: dict[str, object]) -> None:
    """What each kind needs: a road its number, length in km and the kecamatan it runs through; a bridge
    or a channel its length in metres; every kind a type of its own list, kecamatan of this region."""
    if fields.get("tipe") not in TIPE[jenis]:
        pilihan = ", ".join(TIPE[jenis])
        raise _invalid("tipe", f"pilih salah satu: {pilihan}", f"Tipe {JENIS[jenis].lower()}: {pilihan}.")
    kecamatan = fields.get("kecamatan") or []
    assert isinstance(kecamatan, list)
    for kode in kecamatan:
        if not str(kode).startswith(f"{tenant.kode}."):
            raise _invalid(
                "kecamatan", "bukan kecamatan daerah ini", f"Kecamatan {kode} bukan di {tenant.nama}."
            )
    if jenis == "ruas_jalan":
        for name, label in (("nomor_ruas", "nomor ruas"), ("panjang_km", "panjang (km)")):
            if fields.get(name) is None:
                raise _invalid(name, "wajib diisi", f"Ruas jalan perlu {label}.")
        if not kecamatan:
            raise _invalid("kecamatan", "wajib diisi", "Sebutkan kecamatan yang dilalui ruas jalan.")
        if fields.get("ruas_id") is not None or fields.get("panjang_m") is not None:
            raise _invalid(
                "panjang_m", "untuk jembatan/drainase", "Panjang ruas jalan dalam km (panjang_km)."
            )
    else:
        if fields.get("panjang_m") is None:
            raise _invalid("panjang_m", "wajib diisi", f"{JENIS[jenis]} perlu panjang (m).")
        if fields.get("nomor_ruas") is not None or fields.get("panjang_km") is not None:
            raise _invalid(
                "nomor_ruas", "hanya untuk ruas jalan", "Nomor ruas dan panjang km hanya untuk ruas jalan."
            )
        if jenis == "drainase" and fields.get("ruas_id") is not None:
            raise _invalid("ruas_id", "hanya untuk jembatan", "Hanya jembatan yang dicatat pada ruas jalan.")


async def _flush_unique(session: AsyncSession) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("Nomor ruas ini sudah tercatat di daerah ini.") from exc


# --- the inventory ------------------------------------------------------------------------------------


async def list_aset(
    session: AsyncSession,
    *,
    tenant: Tenant,
    page: CursorParams,
    jenis: str | None,
    kondisi: str | None,
    kecamatan: str | None,
) -> tuple[list[AsetRingkas], str | None]:
    repo = AsetRepository(session, tenant.kode)
    await repo.scope()
    rows, cursor = await repo.keyset(repo.listed(jenis=jenis, kondisi=kondisi, kecamatan=kecamatan), page)
    return [_ringkas(r) for r in rows], cursor


async def ringkasan(session: AsyncSession, *, tenant: Tenant) -> Ringkasan:
    await set_tenant(session, tenant.kode)
    base = col(Aset.tenant_id) == tenant.kode
    per_kondisi = {
        k: (float(km or 0), int(n))
        for k, km, n in (
            await session.execute(
                select(col(Aset.kondisi), func.sum(col(Aset.panjang_km)), func.count())
                .where(base, col(Aset.jenis) == "ruas_jalan")
                .group_by(col(Aset.kondisi))
            )
        ).all()
    }
    jumlah = {
        j: int(n)
        for j, n in (
            await session.execute(select(col(Aset.jenis), func.count()).where(base).group_by(col(Aset.jenis)))
        ).all()
    }
    latest = await session.scalar(select(func.max(col(Aset.updated_at))).where(base))
    surveyed = sum(km for k, (km, _) in per_kondisi.items() if k is not None)
    jalan = [
        KondisiJalan(
            kondisi=k or "BELUM_DISURVEI",
            kondisi_label=KONDISI.get(k, "Belum disurvei") if k else "Belum disurvei",
            panjang_km=round(per_kondisi.get(k, (0.0, 0))[0], 3),
            jumlah_ruas=per_kondisi.get(k, (0.0, 0))[1],
            persen=round(100 * per_kondisi.get(k, (0.0, 0))[0] / surveyed, 1) if surveyed and k else None,
        )
        for k in (*KONDISI, None)
        if k is not None or None in per_kondisi
    ]
    mantap = sum(per_kondisi.get(k, (0.0, 0))[0] for k in ("BAIK", "SEDANG"))
    return Ringkasan(
        jalan=jalan,
        total_km=round(sum(km for km, _ in per_kondisi.values()), 3),
        mantap_persen=round(100 * mantap / surveyed, 1) if surveyed else None,
        jumlah={j: jumlah.get(j, 0) for j in JENIS},
        diperbarui_at=latest,
    )


async def create_aset(session: AsyncSession, *, tenant: Tenant, data: AsetIn) -> AsetRead:
    fields = data.model_dump()
    _check(tenant, data.jenis, fields)
    repo = AsetRepository(session, tenant.kode)
    await repo.scope()
    await _ruas(session, tenant, data.ruas_id)
    obj = Aset(tenant_id=tenant.kode, **fields)
    session.add(obj)
    await _flush_unique(session)
    return await _detail(session, tenant, obj)


async def update_aset(session: AsyncSession, *, tenant: Tenant, aset_id: UUID, data: AsetUbah) -> AsetRead:
    repo = AsetRepository(session, tenant.kode)
    await repo.scope()
    obj = await repo.get_for_update(aset_id)
    if obj is None:
        raise NotFound(AsetRepository.not_found)
    changes = data.model_dump(exclude_unset=True)
    merged = {**obj.model_dump(), **changes}
    _check(tenant, obj.jenis, merged)
    if changes.get("ruas_id") == obj.id:
        raise _invalid("ruas_id", "aset yang sama", "Jembatan tidak dapat dicatat pada dirinya sendiri.")
    await _ruas(session, tenant, changes.get("ruas_id"))
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.updated_at = utcnow()
    await _flush_unique(session)
    return await _detail(session, tenant, obj)


async def add_survei(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, aset_id: UUID, data: SurveiIn
) -> AsetRead:
    """A survey's row; the item's condition follows the survey of the latest date (one entered late for
    an earlier date is history only)."""
    repo = AsetRepository(session, tenant.kode)
    await repo.scope()
    obj = await repo.get_for_update(aset_id)
    if obj is None:
        raise NotFound(AsetRepository.not_found)
    session.add(
        AsetSurvei(
            tenant_id=tenant.kode,
            aset_id=obj.id,
            tanggal=data.tanggal,
            kondisi=data.kondisi,
            catatan=data.catatan,
            surveyor=data.surveyor,
            dicatat_oleh=principal.id,
        )
    )
    if obj.kondisi_tanggal is None or data.tanggal >= obj.kondisi_tanggal:
        obj.kondisi, obj.kondisi_tanggal = data.kondisi, data.tanggal
    obj.updated_at = utcnow()
    await session.flush()
    return await _detail(session, tenant, obj)


async def _detail(session: AsyncSession, tenant: Tenant, obj: Aset) -> AsetRead:
    survei = await session.scalars(
        select(AsetSurvei)
        .where(col(AsetSurvei.tenant_id) == tenant.kode, col(AsetSurvei.aset_id) == obj.id)
        .order_by(col(AsetSurvei.tanggal).desc(), col(AsetSurvei.dicatat_at).desc())
    )
    ruas = await AsetRepository(session, tenant.kode).get(obj.ruas_id) if obj.ruas_id else None
    proyek = await session.scalars(
        select(Proyek)
        .join(ProyekAset, col(ProyekAset.proyek_id) == col(Proyek.id))
        .where(col(Proyek.tenant_id) == tenant.kode, col(ProyekAset.aset_id) == obj.id)
        .order_by(col(Proyek.mulai).desc())
    )
    return AsetRead(
        **_ringkas(obj).model_dump(),
        ruas_nama=ruas.nama if ruas else None,
        survei=[
            SurveiRead.model_validate(s).model_copy(
                update={"kondisi_label": KONDISI.get(s.kondisi, s.kondisi)}
            )
            for s in survei
        ],
        proyek=[_proyek_ringkas(p) for p in proyek],
    )


async def aset_detail(session: AsyncSession, *, tenant: Tenant, aset_id: UUID) -> AsetRead:
    repo = AsetRepository(session, tenant.kode)
    await repo.scope()
    return await _detail(session, tenant, await repo.get_or_404(aset_id))


# --- damage reports tied to an item -------------------------------------------------------------------


def _laporan_aset(obj: Laporan) -> LaporanAset:
    return LaporanAset(
        id=obj.id,
        nomor=obj.nomor,
        kategori=obj.kategori,
        status=obj.status,
        status_label=ADUAN.states.get(obj.status, obj.status),
        isi=obj.isi,
        diterima_at=obj.diterima_at,
    )


async def link_laporan(
    session: AsyncSession, *, tenant: Tenant, aset_id: UUID, laporan_id: UUID
) -> LaporanAset:
    repo = AsetRepository(session, tenant.kode)
    await repo.scope()
    await repo.get_or_404(aset_id)
    laporan = (
        await session.scalars(
            select(Laporan)
            .where(col(Laporan.tenant_id) == tenant.kode, col(Laporan.id) == laporan_id)
            .with_for_update()
        )
    ).first()
    if laporan is None:
        raise NotFound("Laporan tidak ditemukan di daerah ini")
    laporan.aset_id = aset_id
    await session.flush()
    return _laporan_aset(laporan)


async def laporan_of_aset(session: AsyncSession, *, tenant: Tenant, aset_id: UUID) -> list[LaporanAset]:
    repo = AsetRepository(session, tenant.kode)
    await repo.scope()
    await repo.get_or_404(aset_id)
    rows = await session.scalars(
        select(Laporan)
        .where(col(Laporan.tenant_id) == tenant.kode, col(Laporan.aset_id) == aset_id)
        .order_by(col(Laporan.id).desc())
        .limit(200)
    )
    return [_laporan_aset(r) for r in rows]


# --- projects -----------------------------------------------------------------------------------------


def _proyek_ringkas(obj: Proyek) -> ProyekRingkas:
    return ProyekRingkas(
        id=obj.id,
        nama=obj.nama,
        anggaran=obj.anggaran,
        kontraktor=obj.kontraktor,
        mulai=obj.mulai,
        selesai=obj.selesai,
        status=obj.status,
        status_label=STATUS_PROYEK.get(obj.status, obj.status),
        persen_fisik=obj.persen_fisik,
        persen_keuangan=obj.persen_keuangan,
        progres_tanggal=obj.progres_tanggal,
        diperbarui_at=obj.updated_at,
    )


async def _aset_of(session: AsyncSession, tenant: Tenant, ids: Sequence[UUID]) -> list[Aset]:
    if not ids:
        return []
    rows = list(
        (
            await session.scalars(
                AsetRepository(session, tenant.kode).base_statement().where(col(Aset.id).in_(set(ids)))
            )
        ).all()
    )
    if len(rows) != len(set(ids)):
        raise _invalid("aset_ids", "aset tidak dikenal", "Ada aset yang tidak tercatat di daerah ini.")
    return rows


async def create_proyek(session: AsyncSession, *, tenant: Tenant, data: ProyekIn) -> ProyekRead:
    if data.selesai < data.mulai:
        raise _invalid(
            "selesai", "sebelum tanggal mulai", "Tanggal selesai tidak boleh sebelum tanggal mulai."
        )
    await set_tenant(session, tenant.kode)
    aset = await _aset_of(session, tenant, data.aset_ids)
    obj = Proyek(tenant_id=tenant.kode, **data.model_dump(exclude={"aset_ids"}))
    session.add(obj)
    await session.flush()
    for item in aset:
        session.add(ProyekAset(tenant_id=tenant.kode, proyek_id=obj.id, aset_id=item.id))
    await session.flush()
    return await _proyek_detail(session, tenant, obj)


async def list_proyek(
    session: AsyncSession, *, tenant: Tenant, page: CursorParams, status: str | None
) -> tuple[list[ProyekRingkas], str | None]:
    repo = ProyekRepository(session, tenant.kode)
    await repo.scope()
    stmt = repo.base_statement()
    if status:
        stmt = stmt.where(col(Proyek.status) == status)
    rows, cursor = await repo.keyset(stmt.order_by(col(Proyek.id).desc()), page)
    return [_proyek_ringkas(r) for r in rows], cursor


async def _proyek_detail(session: AsyncSession, tenant: Tenant, obj: Proyek) -> ProyekRead:
    aset = await session.scalars(
        select(Aset)
        .join(ProyekAset, col(ProyekAset.aset_id) == col(Aset.id))
        .where(col(Aset.tenant_id) == tenant.kode, col(ProyekAset.proyek_id) == obj.id)
        .order_by(col(Aset.nama))
    )
    progres = await session.scalars(
        select(ProyekProgres)
        .where(col(ProyekProgres.tenant_id) == tenant.kode, col(ProyekProgres.proyek_id) == obj.id)
        .order_by(col(ProyekProgres.tanggal).desc(), col(ProyekProgres.dicatat_at).desc())
    )
    return ProyekRead(
        **_proyek_ringkas(obj).model_dump(),
        uraian=obj.uraian,
        aset=[_singkat(a) for a in aset],
        progres=[ProgresRead.model_validate(p) for p in progres],
    )


async def proyek_detail(session: AsyncSession, *, tenant: Tenant, proyek_id: UUID) -> ProyekRead:
    repo = ProyekRepository(session, tenant.kode)
    await repo.scope()
    return await _proyek_detail(session, tenant, await repo.get_or_404(proyek_id))


async def _locked_proyek(session: AsyncSession, tenant: Tenant, proyek_id: UUID) -> Proyek:
    repo = ProyekRepository(session, tenant.kode)
    await repo.scope()
    obj = await repo.get_for_update(proyek_id)
    if obj is None:
        raise NotFound(ProyekRepository.not_found)
    return obj


async def set_status_proyek(
    session: AsyncSession, *, tenant: Tenant, proyek_id: UUID, data: StatusProyekIn
) -> ProyekRead:
    obj = await _locked_proyek(session, tenant, proyek_id)
    if data.status not in LANGKAH_PROYEK[obj.status]:
        raise Conflict(
            f"Proyek berstatus {STATUS_PROYEK[obj.status]} tidak dapat menjadi {STATUS_PROYEK[data.status]}."
        )
    if data.status == "DIHENTIKAN" and not data.catatan:
        raise _invalid("catatan", "wajib diisi", "Sebutkan alasan proyek dihentikan.")
    obj.status = data.status
    if data.catatan:
        obj.uraian = f"{obj.uraian}\n\n{data.catatan}" if obj.uraian else data.catatan
    obj.updated_at = utcnow()
    await session.flush()
    return await _proyek_detail(session, tenant, obj)


async def add_progres(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    proyek_id: UUID,
    data: ProgresIn,
    now: datetime | None = None,
) -> ProyekRead:
    """A progress report of a running project. Its date is not before the last report's; a percentage
    lower than the last report's is a correction, marked as one and with its note."""
    obj = await _locked_proyek(session, tenant, proyek_id)
    if obj.status != "BERJALAN":
        raise Conflict("Laporan kemajuan hanya untuk proyek yang sedang berjalan.")
    if data.tanggal < obj.mulai:
        raise _invalid("tanggal", "sebelum proyek mulai", "Tanggal laporan sebelum proyek dimulai.")
    if obj.progres_tanggal is not None and data.tanggal < obj.progres_tanggal:
        raise _invalid(
            "tanggal", "sebelum laporan terakhir", "Tanggal laporan tidak boleh sebelum laporan terakhir."
        )
    turun = data.persen_fisik < obj.persen_fisik or data.persen_keuangan < obj.persen_keuangan
    if turun and not (data.koreksi and data.catatan):
        raise _invalid(
            "koreksi",
            "persentase turun",
            "Persentase lebih rendah dari laporan sebelumnya: tandai sebagai koreksi dan tulis catatannya.",
        )
    session.add(
        ProyekProgres(
            tenant_id=tenant.kode,
            proyek_id=obj.id,
            tanggal=data.tanggal,
            persen_fisik=data.persen_fisik,
            persen_keuangan=data.persen_keuangan,
            catatan=data.catatan,
            koreksi=turun,
            dicatat_oleh=principal.id,
            dicatat_at=now or utcnow(),
        )
    )
    obj.persen_fisik, obj.persen_keuangan, obj.progres_tanggal = (
        data.persen_fisik,
        data.persen_keuangan,
        data.tanggal,
    )
    obj.updated_at = utcnow()
    await session.flush()
    return await _proyek_detail(session, tenant, obj)
