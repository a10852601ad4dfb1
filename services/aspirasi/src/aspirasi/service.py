"""Aspirasi DPRD's rules for the region's DPRD and its agenda. Routes call these; only the request's
session dependency commits."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from puja_kit import wilayah
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, InvalidInput, NotFound
from puja_kit.repository import CursorParams, Page, PageParams
from puja_kit.rls import set_tenant
from puja_kit.tenancy import Tenant
from sqlalchemy.ext.asyncio import AsyncSession

from aspirasi.models import (
    AGENDA_MAKS_HARI,
    JABATAN,
    JENIS_AGENDA,
    STATUS_AGENDA,
    Agenda,
    AgendaAnggota,
    Anggota,
    Fraksi,
    Komisi,
)
from aspirasi.repository import AgendaRepository, AnggotaRepository, FraksiRepository, KomisiRepository
from aspirasi.schemas import (
    AgendaCreate,
    AgendaRead,
    AgendaStatusIn,
    AnggotaCreate,
    AnggotaRead,
    AnggotaRingkas,
    AnggotaUpdate,
    FraksiCreate,
    FraksiRead,
    FraksiUpdate,
    KomisiCreate,
    KomisiRead,
    KomisiUpdate,
)


class StatusTidakSesuai(Conflict):
    code = "status_tidak_sesuai"
    title = "Status tidak memungkinkan tindakan ini"


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message[0].upper() + message[1:] + ".", errors=[{"field": field, "message": message}])


async def _scope(session: AsyncSession, tenant: Tenant) -> None:
    # Row-level security, the second wall behind the repositories' tenant filter.
    await set_tenant(session, tenant.kode)


# --- fraksi -------------------------------------------------------------------------------------------


async def list_fraksi(
    session: AsyncSession, *, tenant: Tenant, page: PageParams, aktif: bool | None
) -> Page[FraksiRead]:
    repo = FraksiRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.listing(aktif=aktif), page)
    return Page(
        items=[FraksiRead.model_validate(r) for r in rows], total=total, page=page.page, size=page.size
    )


async def create_fraksi(session: AsyncSession, *, tenant: Tenant, data: FraksiCreate) -> FraksiRead:
    await _scope(session, tenant)
    repo = FraksiRepository(session, tenant.kode)
    if await repo.clash(data.nama, data.singkatan) is not None:
        raise Conflict(f"Fraksi {data.nama} ({data.singkatan}) sudah ada di DPRD {tenant.nama}.")
    row = repo.add(Fraksi(tenant_id=tenant.kode, nama=data.nama, singkatan=data.singkatan))
    await session.flush()
    return FraksiRead.model_validate(row)


async def update_fraksi(
    session: AsyncSession, *, tenant: Tenant, fraksi_id: UUID, data: FraksiUpdate
) -> FraksiRead:
    await _scope(session, tenant)
    repo = FraksiRepository(session, tenant.kode)
    row = await repo.get_or_404(fraksi_id)
    nama, singkatan = data.nama or row.nama, data.singkatan or row.singkatan
    if await repo.clash(nama, singkatan, besides=row.id) is not None:
        raise Conflict(f"Nama atau singkatan fraksi {nama} ({singkatan}) sudah dipakai fraksi lain.")
    for key, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    await session.flush()
    return FraksiRead.model_validate(row)


# --- komisi -------------------------------------------------------------------------------------------


def _ringkas(row: Anggota, fraksi: dict[UUID, Fraksi]) -> AnggotaRingkas:
    return AnggotaRingkas(
        id=row.id,
        nama=row.nama,
        jabatan=row.jabatan,
        jabatan_label=JABATAN[row.jabatan],
        fraksi_singkatan=fraksi[row.fraksi_id].singkatan if row.fraksi_id in fraksi else "",
    )


async def _fraksi_of(session: AsyncSession, tenant: Tenant, rows: list[Anggota]) -> dict[UUID, Fraksi]:
    repo = FraksiRepository(session, tenant.kode)
    return {f.id: f for f in (await session.scalars(repo.listing(aktif=None))).all()} if rows else {}


async def _komisi_read(session: AsyncSession, tenant: Tenant, rows: list[Komisi]) -> list[KomisiRead]:
    members = await AnggotaRepository(session, tenant.kode).of_komisi([r.id for r in rows])
    fraksi = await _fraksi_of(session, tenant, members)
    by_komisi: dict[UUID, list[AnggotaRingkas]] = defaultdict(list)
    for member in members:
        assert member.komisi_id is not None
        by_komisi[member.komisi_id].append(_ringkas(member, fraksi))
    return [
        KomisiRead(
            id=r.id,
            nama=r.nama,
            bidang=r.bidang,
            mitra=r.mitra,
            aktif=r.aktif,
            updated_at=r.updated_at,
            anggota=by_komisi[r.id],
        )
        for r in rows
    ]


async def list_komisi(
    session: AsyncSession, *, tenant: Tenant, page: PageParams, aktif: bool | None
) -> Page[KomisiRead]:
    repo = KomisiRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.listing(aktif=aktif), page)
    items = await _komisi_read(session, tenant, rows)
    return Page(items=items, total=total, page=page.page, size=page.size)


async def get_komisi(session: AsyncSession, *, tenant: Tenant, komisi_id: UUID) -> KomisiRead:
    row = await KomisiRepository(session, tenant.kode).get_or_404(komisi_id)
    return (await _komisi_read(session, tenant, [row]))[0]


async def create_komisi(session: AsyncSession, *, tenant: Tenant, data: KomisiCreate) -> KomisiRead:
    await _scope(session, tenant)
    repo = KomisiRepository(session, tenant.kode)
    if await repo.named(data.nama) is not None:
        raise Conflict(f"{data.nama} sudah ada di DPRD {tenant.nama}.")
    row = repo.add(Komisi(tenant_id=tenant.kode, nama=data.nama, bidang=data.bidang, mitra=data.mitra))
    await session.flush()
    return (await _komisi_read(session, tenant, [row]))[0]


async def update_komisi(
    session: AsyncSession, *, tenant: Tenant, komisi_id: UUID, data: KomisiUpdate
) -> KomisiRead:
    await _scope(session, tenant)
    repo = KomisiRepository(session, tenant.kode)
    row = await repo.get_or_404(komisi_id)
    if data.nama and await repo.named(data.nama, besides=row.id) is not None:
        raise Conflict(f"{data.nama} sudah ada di DPRD {tenant.nama}.")
    for key, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    await session.flush()
    return (await _komisi_read(session, tenant, [row]))[0]


# --- anggota ------------------------------------------------------------------------------------------


async def _anggota_read(session: AsyncSession, tenant: Tenant, rows: list[Anggota]) -> list[AnggotaRead]:
    fraksi = await _fraksi_of(session, tenant, rows)
    komisi = await KomisiRepository(session, tenant.kode).many([r.komisi_id for r in rows if r.komisi_id])
    return [
        AnggotaRead(
            id=r.id,
            nama=r.nama,
            fraksi_id=r.fraksi_id,
            fraksi_nama=fraksi[r.fraksi_id].nama,
            fraksi_singkatan=fraksi[r.fraksi_id].singkatan,
            komisi_id=r.komisi_id,
            komisi_nama=komisi[r.komisi_id].nama if r.komisi_id in komisi else None,
            dapil=r.dapil,
            jabatan=r.jabatan,
            jabatan_label=JABATAN[r.jabatan],
            periode_mulai=r.periode_mulai,
            periode_selesai=r.periode_selesai,
            aktif=r.aktif,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


async def list_anggota(
    session: AsyncSession,
    *,
    tenant: Tenant,
    page: PageParams,
    fraksi_id: UUID | None,
    komisi_id: UUID | None,
    aktif: bool | None,
) -> Page[AnggotaRead]:
    repo = AnggotaRepository(session, tenant.kode)
    rows, total = await repo.paginate(
        repo.listing(fraksi_id=fraksi_id, komisi_id=komisi_id, aktif=aktif), page
    )
    items = await _anggota_read(session, tenant, rows)
    return Page(items=items, total=total, page=page.page, size=page.size)


async def get_anggota(session: AsyncSession, *, tenant: Tenant, anggota_id: UUID) -> AnggotaRead:
    row = await AnggotaRepository(session, tenant.kode).get_or_404(anggota_id)
    return (await _anggota_read(session, tenant, [row]))[0]


async def _check_refs(session: AsyncSession, tenant: Tenant, fraksi_id: UUID, komisi_id: UUID | None) -> None:
    """A member's faction and commission must be this region's and active (another region's id is
    simply unknown here)."""
    fraksi = await FraksiRepository(session, tenant.kode).get(fraksi_id)
    if fraksi is None or not fraksi.aktif:
        raise _invalid("fraksi_id", "fraksi tidak ada atau tidak aktif di DPRD daerah ini")
    if komisi_id is not None:
        komisi = await KomisiRepository(session, tenant.kode).get(komisi_id)
        if komisi is None or not komisi.aktif:
            raise _invalid("komisi_id", "komisi tidak ada atau tidak aktif di DPRD daerah ini")


async def create_anggota(session: AsyncSession, *, tenant: Tenant, data: AnggotaCreate) -> AnggotaRead:
    await _scope(session, tenant)
    await _check_refs(session, tenant, data.fraksi_id, data.komisi_id)
    repo = AnggotaRepository(session, tenant.kode)
    row = repo.add(Anggota(tenant_id=tenant.kode, **data.model_dump()))
    await session.flush()
    return (await _anggota_read(session, tenant, [row]))[0]


async def update_anggota(
    session: AsyncSession, *, tenant: Tenant, anggota_id: UUID, data: AnggotaUpdate
) -> AnggotaRead:
    await _scope(session, tenant)
    repo = AnggotaRepository(session, tenant.kode)
    row = await repo.get_or_404(anggota_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("fraksi_id") is None:
        changes.pop("fraksi_id", None)  # a member always has a faction
    if "fraksi_id" in changes or changes.get("komisi_id") is not None:
        await _check_refs(session, tenant, changes.get("fraksi_id", row.fraksi_id), changes.get("komisi_id"))
    for key, value in changes.items():
        if value is not None or key == "komisi_id":
            setattr(row, key, value)
    if row.periode_mulai >= row.periode_selesai:
        raise _invalid("periode_selesai", "periode_selesai harus setelah periode_mulai")
    row.updated_at = utcnow()
    await session.flush()
    return (await _anggota_read(session, tenant, [row]))[0]


# --- agenda -------------------------------------------------------------------------------------------


async def _agenda_read(session: AsyncSession, tenant: Tenant, rows: list[Agenda]) -> list[AgendaRead]:
    anggota_repo = AnggotaRepository(session, tenant.kode)
    pairs = await anggota_repo.of_agenda([r.id for r in rows])
    fraksi = await _fraksi_of(session, tenant, [a for _, a in pairs])
    komisi = await KomisiRepository(session, tenant.kode).many([r.komisi_id for r in rows if r.komisi_id])
    by_agenda: dict[UUID, list[AnggotaRingkas]] = defaultdict(list)
    for agenda_id, member in pairs:
        by_agenda[agenda_id].append(_ringkas(member, fraksi))
    return [
        AgendaRead(
            id=r.id,
            jenis=r.jenis,
            jenis_label=JENIS_AGENDA[r.jenis],
            judul=r.judul,
            komisi_id=r.komisi_id,
            komisi_nama=komisi[r.komisi_id].nama if r.komisi_id in komisi else None,
            anggota=by_agenda[r.id],
            kode_wilayah=r.kode_wilayah,
            nama_wilayah=r.nama_wilayah,
            tempat=r.tempat,
            mulai=r.mulai,
            selesai=r.selesai,
            keterangan=r.keterangan,
            status=r.status,
            status_label=STATUS_AGENDA[r.status],
            catatan_status=r.catatan_status,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


async def list_agenda(
    session: AsyncSession,
    *,
    tenant: Tenant,
    page: CursorParams,
    mendatang: bool,
    jenis: str | None,
    status: str | None,
) -> tuple[list[AgendaRead], str | None]:
    repo = AgendaRepository(session, tenant.kode)
    stmt = repo.listing(mendatang=mendatang, now=utcnow(), jenis=jenis, status=status)
    rows, cursor = await repo.keyset(stmt, page)
    return await _agenda_read(session, tenant, rows), cursor


async def get_agenda(session: AsyncSession, *, tenant: Tenant, agenda_id: UUID) -> AgendaRead:
    row = await AgendaRepository(session, tenant.kode).get_or_404(agenda_id)
    return (await _agenda_read(session, tenant, [row]))[0]


async def create_agenda(session: AsyncSession, *, tenant: Tenant, data: AgendaCreate) -> AgendaRead:
    await _scope(session, tenant)
    if (data.selesai - data.mulai).total_seconds() > AGENDA_MAKS_HARI * 86400:
        raise _invalid(
            "selesai", f"satu agenda paling lama {AGENDA_MAKS_HARI} hari; pecah menjadi beberapa agenda"
        )
    if data.komisi_id is not None:
        komisi = await KomisiRepository(session, tenant.kode).get(data.komisi_id)
        if komisi is None or not komisi.aktif:
            raise _invalid("komisi_id", "komisi tidak ada atau tidak aktif di DPRD daerah ini")
    ids = list(dict.fromkeys(data.anggota_ids))
    found = await AnggotaRepository(session, tenant.kode).many(ids)
    if any(i not in found or not found[i].aktif for i in ids):
        raise _invalid("anggota_ids", "ada anggota yang tidak ada atau tidak aktif di DPRD daerah ini")
    tempat_wilayah = None
    if data.kode_wilayah is not None:
        tempat_wilayah = wilayah.in_region(data.kode_wilayah, tenant.kode)
    repo = AgendaRepository(session, tenant.kode)
    row = repo.add(
        Agenda(
            tenant_id=tenant.kode,
            jenis=data.jenis,
            judul=data.judul,
            komisi_id=data.komisi_id,
            kode_wilayah=data.kode_wilayah,
            nama_wilayah=tempat_wilayah.name if tempat_wilayah else None,
            edisi_kode=wilayah.EDISI if tempat_wilayah else None,
            tempat=data.tempat,
            mulai=data.mulai,
            selesai=data.selesai,
            keterangan=data.keterangan,
        )
    )
    await session.flush()
    for anggota_id in ids:
        session.add(AgendaAnggota(tenant_id=tenant.kode, agenda_id=row.id, anggota_id=anggota_id))
    await session.flush()
    return (await _agenda_read(session, tenant, [row]))[0]


async def set_agenda_status(
    session: AsyncSession, *, tenant: Tenant, agenda_id: UUID, data: AgendaStatusIn
) -> AgendaRead:
    """TERJADWAL -> SELESAI | DIBATALKAN, once; a cancellation says why."""
    await _scope(session, tenant)
    repo = AgendaRepository(session, tenant.kode)
    row = await repo.get_for_update(agenda_id)
    if row is None:
        raise NotFound(AgendaRepository.not_found)
    if row.status != "TERJADWAL":
        raise StatusTidakSesuai(
            f"Agenda ini sudah {STATUS_AGENDA[row.status].lower()}; statusnya tidak dapat diubah lagi."
        )
    if data.status == "DIBATALKAN" and not data.catatan:
        raise _invalid("catatan", "alasan pembatalan wajib diisi")
    row.status = data.status
    row.catatan_status = data.catatan
    row.updated_at = utcnow()
    await session.flush()
    return (await _agenda_read(session, tenant, [row]))[0]
