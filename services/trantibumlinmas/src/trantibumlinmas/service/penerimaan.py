"""Each post's acknowledgement of a warning version: signed one-use links, what staff record by phone
or radio, and the board per area."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from uuid import UUID

from itsdangerous import BadSignature, Signer
from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, InvalidInput, NotFound
from puja_kit.tenancy import Tenant
from sqlalchemy.ext.asyncio import AsyncSession

from trantibumlinmas.models import Penerimaan, Peringatan, PeringatanVersi, PosLinmas
from trantibumlinmas.repository import (
    PenerimaanRepository,
    PeringatanRepository,
    PosRepository,
    VersiRepository,
)
from trantibumlinmas.schemas import (
    PapanPenerimaan,
    PenerimaanRead,
    PosPenerimaan,
    TautanTerima,
    TerimaCatat,
    WilayahPenerimaan,
    WilayahSenyap,
)
from trantibumlinmas.service.peringatan import detail, latest, public_view

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
    for head, versi in await latest(session, tenant, heads):
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
        peringatan=public_view(head, versi, utcnow()),
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
