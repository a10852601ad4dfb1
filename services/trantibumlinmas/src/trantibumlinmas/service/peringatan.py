"""Early warnings and their versions: issued, updated as new versions, cancelled; the public feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, InvalidInput, NotFound
from puja_kit.repository import Page, PageParams
from puja_kit.tenancy import Tenant
from puja_kit.wilayah import EDISI, in_region
from sqlalchemy.ext.asyncio import AsyncSession

from trantibumlinmas import cap
from trantibumlinmas.models import Peringatan, PeringatanVersi
from trantibumlinmas.repository import (
    PeringatanRepository,
    VersiRepository,
)
from trantibumlinmas.schemas import (
    BAHAYA_LABEL,
    LEVEL_LABEL,
    STATUS_LABEL,
    BatalIn,
    FeedPeringatan,
    PeringatanIn,
    PeringatanPublik,
    PeringatanRead,
    StatusPeringatan,
    VersiRingkas,
    WilayahRead,
)

# A warning is issued for days, not months; a longer window is almost always a typing error.
MAKS_JENDELA = timedelta(days=30)
LEVEL_URUT = {"AWAS": 0, "SIAGA": 1, "WASPADA": 2}


# --- early warnings ------------------------------------------------------------------------------


def _areas(tenant: Tenant, kodes: Sequence[str]) -> list[dict[str, str]]:
    """The areas of a warning, each checked inside the region; a desa inside a listed kecamatan or a
    repeated code is refused, so no post is counted twice."""
    areas: list[dict[str, str]] = []
    seen = set(kodes)
    for i, kode in enumerate(kodes):
        found = in_region(kode, tenant.kode, field=f"wilayah.{i}")
        if kode in (a["kode"] for a in areas) or (found.level == 4 and kode.rsplit(".", 1)[0] in seen):
            raise InvalidInput(
                f"Wilayah {found.name} ({kode}) sudah tercakup dalam wilayah lain peringatan ini.",
                errors=[
                    {"field": f"wilayah.{i}", "code": "tumpang_tindih", "message": "wilayah tumpang tindih"}
                ],
            )
        areas.append({"kode": found.code, "nama": found.name})
    return areas


def _check_window(data: PeringatanIn, now: datetime) -> None:
    if data.berlaku_sampai <= now:
        raise InvalidInput(
            "Waktu berakhir peringatan sudah lewat.",
            errors=[{"field": "berlaku_sampai", "code": "sudah_lewat", "message": "sudah lewat"}],
        )
    if data.berlaku_sampai - data.berlaku_mulai > MAKS_JENDELA:
        raise InvalidInput(
            "Masa berlaku peringatan paling lama 30 hari; terbitkan peringatan baru bila perlu.",
            errors=[{"field": "berlaku_sampai", "code": "terlalu_lama", "message": "paling lama 30 hari"}],
        )


def _status(head: Peringatan, versi: PeringatanVersi, now: datetime) -> StatusPeringatan:
    if head.dibatalkan:
        return "DIBATALKAN"
    if versi.berlaku_sampai <= now:
        return "BERAKHIR"
    return "AKAN_BERLAKU" if versi.berlaku_mulai > now else "BERLAKU"


def public_view(head: Peringatan, versi: PeringatanVersi, now: datetime) -> PeringatanPublik:
    status = _status(head, versi, now)
    return PeringatanPublik(
        id=head.id,
        versi=versi.versi,
        versi_id=versi.id,
        jenis_pesan=versi.jenis_pesan,
        level=versi.level,
        level_label=LEVEL_LABEL[versi.level],
        bahaya=versi.bahaya,
        bahaya_label=BAHAYA_LABEL[versi.bahaya],
        judul=versi.judul,
        uraian=versi.uraian,
        instruksi=versi.instruksi,
        wilayah=[WilayahRead(kode=a["kode"], nama=a["nama"]) for a in versi.wilayah],
        berlaku_mulai=versi.berlaku_mulai,
        berlaku_sampai=versi.berlaku_sampai,
        dikirim_at=versi.dikirim_at,
        status=status,
        status_label=STATUS_LABEL[status],
        alasan_batal=versi.alasan_batal,
    )


def _read(head: Peringatan, versions: Sequence[PeringatanVersi], now: datetime) -> PeringatanRead:
    latest = versions[-1]
    riwayat = [
        VersiRingkas(
            versi=v.versi,
            versi_id=v.id,
            jenis_pesan=v.jenis_pesan,
            level=v.level,
            level_label=LEVEL_LABEL[v.level],
            judul=v.judul,
            dikirim_at=v.dikirim_at,
            alasan_batal=v.alasan_batal,
        )
        for v in versions
    ]
    return PeringatanRead(
        **public_view(head, latest, now).model_dump(), pengirim_nama=latest.pengirim_nama, riwayat=riwayat
    )


async def _versions(session: AsyncSession, tenant: Tenant, head: Peringatan) -> list[PeringatanVersi]:
    return await VersiRepository(session, tenant.kode).of_peringatan(head.id)


async def issue(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: PeringatanIn
) -> PeringatanRead:
    now = utcnow()
    _check_window(data, now)
    areas = _areas(tenant, data.wilayah)
    head = PeringatanRepository(session, tenant.kode).add(
        Peringatan(tenant_id=tenant.kode, berlaku_sampai=data.berlaku_sampai)
    )
    await session.flush()
    versi = _new_version(tenant, principal, head, data, areas, jenis="Alert", nomor=1, now=now)
    session.add(versi)
    await session.flush()
    head.versi_terakhir_id = versi.id
    await session.flush()
    return _read(head, [versi], now)


def _new_version(
    tenant: Tenant,
    principal: Principal,
    head: Peringatan,
    data: PeringatanIn,
    areas: list[dict[str, str]],
    *,
    jenis: str,
    nomor: int,
    now: datetime,
    alasan: str | None = None,
) -> PeringatanVersi:
    return PeringatanVersi(
        tenant_id=tenant.kode,
        peringatan_id=head.id,
        versi=nomor,
        jenis_pesan=jenis,
        level=data.level,
        bahaya=data.bahaya,
        judul=data.judul,
        uraian=data.uraian,
        instruksi=data.instruksi,
        wilayah=areas,
        wilayah_edisi=EDISI,
        berlaku_mulai=data.berlaku_mulai,
        berlaku_sampai=data.berlaku_sampai,
        dikirim_at=now,
        pengirim_id=principal.id,
        pengirim_nama=principal.nama,
        alasan_batal=alasan,
    )


async def _open_for_change(session: AsyncSession, tenant: Tenant, peringatan_id: UUID) -> Peringatan:
    head = await PeringatanRepository(session, tenant.kode).get_for_update(peringatan_id)
    if head is None:
        raise NotFound("Peringatan dini tidak ditemukan")
    if head.dibatalkan:
        raise Conflict("Peringatan ini sudah dibatalkan; terbitkan peringatan baru.")
    if head.berlaku_sampai <= utcnow():
        raise Conflict("Masa berlaku peringatan ini sudah berakhir; terbitkan peringatan baru.")
    return head


async def update(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, peringatan_id: UUID, data: PeringatanIn
) -> PeringatanRead:
    """A new version (CAP Update) replacing the warning; posts acknowledge the new version again."""
    head = await _open_for_change(session, tenant, peringatan_id)
    now = utcnow()
    _check_window(data, now)
    areas = _areas(tenant, data.wilayah)
    versions = await _versions(session, tenant, head)
    versi = _new_version(
        tenant, principal, head, data, areas, jenis="Update", nomor=versions[-1].versi + 1, now=now
    )
    session.add(versi)
    await session.flush()
    head.versi, head.versi_terakhir_id, head.berlaku_sampai = versi.versi, versi.id, data.berlaku_sampai
    await session.flush()
    return _read(head, [*versions, versi], now)


async def cancel(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, peringatan_id: UUID, data: BatalIn
) -> PeringatanRead:
    """A CAP Cancel of the warning, keeping every earlier version. The Cancel stays in the CAP feed
    until the warning's window would have ended, so a client that polls learns of it."""
    head = await _open_for_change(session, tenant, peringatan_id)
    now = utcnow()
    versions = await _versions(session, tenant, head)
    last = versions[-1]
    same = PeringatanIn.model_construct(
        level=last.level,  # type: ignore[arg-type]
        bahaya=last.bahaya,  # type: ignore[arg-type]
        judul=last.judul,
        uraian=last.uraian,
        instruksi=f"Peringatan ini dibatalkan: {data.alasan}",
        wilayah=[a["kode"] for a in last.wilayah],
        berlaku_mulai=last.berlaku_mulai,
        berlaku_sampai=last.berlaku_sampai,
    )
    versi = _new_version(
        tenant,
        principal,
        head,
        same,
        list(last.wilayah),
        jenis="Cancel",
        nomor=last.versi + 1,
        now=now,
        alasan=data.alasan,
    )
    session.add(versi)
    await session.flush()
    head.versi, head.versi_terakhir_id, head.dibatalkan = versi.versi, versi.id, True
    await session.flush()
    return _read(head, [*versions, versi], now)


async def latest(
    session: AsyncSession, tenant: Tenant, heads: Sequence[Peringatan]
) -> list[tuple[Peringatan, PeringatanVersi]]:
    found = await VersiRepository(session, tenant.kode).many(
        [h.versi_terakhir_id for h in heads if h.versi_terakhir_id]
    )
    pairs = [(h, found[h.versi_terakhir_id]) for h in heads if h.versi_terakhir_id in found]
    pairs.sort(key=lambda p: (LEVEL_URUT[p[1].level], p[1].berlaku_mulai, p[1].id))
    return pairs


async def current_feed(session: AsyncSession, *, tenant: Tenant) -> FeedPeringatan:
    """The region's warnings whose window has not ended and that were not cancelled, most severe first."""
    now = utcnow()
    heads = await PeringatanRepository(session, tenant.kode).running(now, with_cancelled=False)
    items = [public_view(h, v, now) for h, v in await latest(session, tenant, heads)]
    newest = await VersiRepository(session, tenant.kode).newest_sent()
    return FeedPeringatan(daerah=tenant.nama, diperbarui_at=newest, items=items)


async def list_all(session: AsyncSession, *, tenant: Tenant, page: PageParams) -> Page[PeringatanPublik]:
    """Every warning of the region, newest first, for the staff (ended and cancelled ones too)."""
    now = utcnow()
    repo = PeringatanRepository(session, tenant.kode)
    heads, total = await repo.paginate(repo.newest_first(), page)
    found = await VersiRepository(session, tenant.kode).many(
        [h.versi_terakhir_id for h in heads if h.versi_terakhir_id]
    )
    items = [public_view(h, found[h.versi_terakhir_id], now) for h in heads if h.versi_terakhir_id in found]
    return Page(items=items, total=total, page=page.page, size=page.size)


async def detail(session: AsyncSession, *, tenant: Tenant, peringatan_id: UUID) -> PeringatanRead:
    head = await PeringatanRepository(session, tenant.kode).get_or_404(peringatan_id)
    return _read(head, await _versions(session, tenant, head), utcnow())


def public_detail(read: PeringatanRead) -> PeringatanRead:
    """The public page of a warning: its history without the staff's names."""
    return read.model_copy(update={"pengirim_nama": ""})


async def cap_feed(session: AsyncSession, *, tenant: Tenant, base_url: str) -> bytes:
    now = utcnow()
    heads = await PeringatanRepository(session, tenant.kode).running(now, with_cancelled=True)
    entries = [v for _h, v in await latest(session, tenant, heads)]
    newest = await VersiRepository(session, tenant.kode).newest_sent()
    return cap.feed(tenant, entries, base_url=base_url, updated=newest or now)


async def cap_alert(session: AsyncSession, *, tenant: Tenant, versi_id: UUID) -> bytes:
    repo = VersiRepository(session, tenant.kode)
    versi = await repo.get_or_404(versi_id)
    earlier = [v for v in await repo.of_peringatan(versi.peringatan_id) if v.versi < versi.versi]
    return cap.alert(tenant, versi, earlier)
