"""Trantibumlinmas' API under /api/trantibumlinmas/v1/{tenant}: who may call each route is in its signature.

The public feeds (`/peringatan` as JSON, `/cap.atom` as an Atom feed of CAP 1.2 messages) answer with an ETag
and Cache-Control: phones poll them, and an unchanged feed costs a 304 without a body. The reports'
routes (and their Open311 endpoint) come from the kit's report layanan.
"""

from __future__ import annotations

import hashlib
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response
from puja_kit.access import Petugas, Publik
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import Page, PageDep
from puja_kit.tenancy import TenantDep
from puja_kit.workflow.laporan_api import add_laporan_routes

from trantibumlinmas import cap
from trantibumlinmas.laporan import JENIS
from trantibumlinmas.schemas import (
    BatalIn,
    FeedPeringatan,
    PapanPenerimaan,
    PenerimaanRead,
    PeringatanIn,
    PeringatanPublik,
    PeringatanRead,
    PosCreate,
    PosRead,
    PosUpdate,
    TautanTerima,
    TerimaCatat,
    WilayahDaerah,
    WilayahSenyap,
)
from trantibumlinmas.service import penerimaan, peringatan, pos
from trantibumlinmas.settings import Settings

router = APIRouter(prefix="/{tenant}")
add_laporan_routes(router, JENIS)

Token = Annotated[str, Path(max_length=120, pattern=r"^[0-9a-f]{64}\.[A-Za-z0-9_\-]{20,80}$")]
XML_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {cap.CAP_MEDIA_TYPE: {}, cap.ATOM_MEDIA_TYPE: {}}},
    304: {"description": "Tidak berubah sejak ETag yang dikirim (If-None-Match)"},
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _secret(request: Request) -> str:
    return _settings(request).secret_key.get_secret_value()


def _cached(request: Request, body: bytes, media_type: str) -> Response:
    """The body with a strong ETag of its bytes; 304 when the client already holds it."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={_settings(request).feed_max_age_detik}"}
    held = {tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in held or "*" in held:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


# --- the region's areas and its linmas posts ------------------------------------------------------


@router.get("/wilayah", response_model=WilayahDaerah)
async def get_wilayah(tenant: TenantDep, _: Publik, response: Response) -> WilayahDaerah:
    """Kecamatan dan desa/kelurahan daerah ini, untuk memilih wilayah peringatan (publik)."""
    response.headers["Cache-Control"] = "public, max-age=86400"
    return pos.wilayah_daerah(tenant)


@router.get("/pos", response_model=Page[PosRead])
async def list_pos(tenant: TenantDep, session: SessionDep, page: PageDep, _: Petugas) -> Page[PosRead]:
    """Pos linmas daerah, urut nama (petugas)."""
    return await pos.list_pos(session, tenant=tenant, page=page)


@router.post("/pos", response_model=PosRead, status_code=201)
async def create_pos(
    tenant: TenantDep, body: PosCreate, session: SessionDep, principal: Petugas, idempotency: IdempotencyDep
) -> Response:
    """Menambah pos linmas di sebuah desa/kelurahan daerah ini (petugas)."""
    return await idempotency.run(lambda: pos.create_pos(session, principal, tenant=tenant, data=body))


@router.patch("/pos/{pos_id}", response_model=PosRead)
async def update_pos(
    pos_id: UUID, tenant: TenantDep, body: PosUpdate, session: SessionDep, principal: Petugas
) -> PosRead:
    """Mengubah nama, desa, telepon atau status aktif pos linmas (petugas)."""
    return await pos.update_pos(session, principal, tenant=tenant, pos_id=pos_id, data=body)


# --- early warnings ------------------------------------------------------------------------------


@router.get("/peringatan", response_model=FeedPeringatan, responses={304: XML_RESPONSES[304]})
async def feed(request: Request, tenant: TenantDep, session: SessionDep, _: Publik) -> Response:
    """Peringatan dini yang berlaku atau akan berlaku di daerah ini, paling gawat dahulu (publik;
    ETag dan Cache-Control untuk ponsel yang memeriksa berkala)."""
    current = await peringatan.current_feed(session, tenant=tenant)
    return _cached(request, current.model_dump_json().encode(), "application/json")


@router.post("/peringatan", response_model=PeringatanRead, status_code=201)
async def issue(
    tenant: TenantDep,
    body: PeringatanIn,
    session: SessionDep,
    principal: Petugas,
    idempotency: IdempotencyDep,
) -> Response:
    """Menerbitkan peringatan dini (Waspada, Siaga, Awas) untuk kecamatan/desa daerah ini (petugas)."""
    return await idempotency.run(lambda: peringatan.issue(session, principal, tenant=tenant, data=body))


@router.get("/peringatan/semua", response_model=Page[PeringatanPublik])
async def list_all(
    tenant: TenantDep, session: SessionDep, page: PageDep, _: Petugas
) -> Page[PeringatanPublik]:
    """Semua peringatan daerah, terbaru dahulu, termasuk yang berakhir dan dibatalkan (petugas)."""
    return await peringatan.list_all(session, tenant=tenant, page=page)


@router.get("/peringatan/{peringatan_id}", response_model=PeringatanRead)
async def get_peringatan(
    peringatan_id: UUID, tenant: TenantDep, session: SessionDep, _: Publik
) -> PeringatanRead:
    """Versi terakhir peringatan dan riwayat versinya (publik, tanpa nama petugas)."""
    return peringatan.public_detail(
        await peringatan.detail(session, tenant=tenant, peringatan_id=peringatan_id)
    )


@router.post("/peringatan/{peringatan_id}/perbarui", response_model=PeringatanRead)
async def update(
    peringatan_id: UUID, tenant: TenantDep, body: PeringatanIn, session: SessionDep, principal: Petugas
) -> PeringatanRead:
    """Memperbarui peringatan: versi baru (CAP Update); pos linmas menerima versi baru lagi (petugas)."""
    return await peringatan.update(session, principal, tenant=tenant, peringatan_id=peringatan_id, data=body)


@router.post("/peringatan/{peringatan_id}/batalkan", response_model=PeringatanRead)
async def cancel(
    peringatan_id: UUID, tenant: TenantDep, body: BatalIn, session: SessionDep, principal: Petugas
) -> PeringatanRead:
    """Membatalkan peringatan dengan alasan (CAP Cancel); riwayatnya tetap tersimpan (petugas)."""
    return await peringatan.cancel(session, principal, tenant=tenant, peringatan_id=peringatan_id, data=body)


@router.get("/peringatan/{peringatan_id}/penerimaan", response_model=PapanPenerimaan)
async def board(
    request: Request, peringatan_id: UUID, tenant: TenantDep, session: SessionDep, _: Petugas
) -> PapanPenerimaan:
    """Papan tanda terima per wilayah: pos tercakup, sudah menerima, masih diam, dan tautannya (petugas)."""
    return await penerimaan.board(
        session,
        tenant=tenant,
        peringatan_id=peringatan_id,
        secret=_secret(request),
        senyap_menit=_settings(request).senyap_menit,
    )


@router.post("/peringatan/{peringatan_id}/penerimaan", response_model=PenerimaanRead, status_code=201)
async def record(
    peringatan_id: UUID, tenant: TenantDep, body: TerimaCatat, session: SessionDep, principal: Petugas
) -> PenerimaanRead:
    """Mencatat tanda terima pos yang disampaikan lewat telepon atau radio (petugas)."""
    return await penerimaan.record(session, principal, tenant=tenant, peringatan_id=peringatan_id, data=body)


@router.get("/senyap", response_model=list[WilayahSenyap])
async def silent(request: Request, tenant: TenantDep, session: SessionDep, _: Petugas) -> list[WilayahSenyap]:
    """Wilayah peringatan yang berlaku yang posnya masih diam lewat batas menit senyap (petugas)."""
    return await penerimaan.silent_areas(
        session, tenant=tenant, secret=_secret(request), senyap_menit=_settings(request).senyap_menit
    )


# --- the acknowledgement link a post opens ------------------------------------------------------------


@router.get("/penerimaan/{token}", response_model=TautanTerima)
async def open_link(
    request: Request, token: Token, tenant: TenantDep, session: SessionDep, _: Publik
) -> TautanTerima:
    """Isi tautan tanda terima sebuah pos: peringatan, pos, dan apakah sudah diterima (publik, bertoken)."""
    return await penerimaan.open_link(session, tenant=tenant, secret=_secret(request), token=token)


@router.post("/penerimaan/{token}", response_model=PenerimaanRead, status_code=201)
async def acknowledge(
    request: Request, token: Token, tenant: TenantDep, session: SessionDep, _: Publik
) -> PenerimaanRead:
    """Pos menekan "Terima": sekali saja, hanya untuk pasangan peringatan dan pos tautannya (publik, bertoken)."""
    return await penerimaan.acknowledge_link(session, tenant=tenant, secret=_secret(request), token=token)


# --- CAP 1.2 ----------------------------------------------------------------------------------------------


@router.get("/cap.atom", response_class=Response, responses=XML_RESPONSES)
async def cap_feed(request: Request, tenant: TenantDep, session: SessionDep, _: Publik) -> Response:
    """Umpan Atom pesan CAP 1.2 daerah ini: satu entri per peringatan dalam masa berlakunya, termasuk
    pembatalannya (publik)."""
    base_url = str(request.url.replace(query="")).removesuffix("/cap.atom")
    body = await peringatan.cap_feed(session, tenant=tenant, base_url=base_url)
    return _cached(request, body, cap.ATOM_MEDIA_TYPE)


@router.get("/cap/{versi_id}", response_class=Response, responses=XML_RESPONSES)
async def cap_alert(
    request: Request, versi_id: UUID, tenant: TenantDep, session: SessionDep, _: Publik
) -> Response:
    """Satu pesan CAP 1.2 (Alert, Update atau Cancel) sebuah versi peringatan (publik).

    Tingkat ke urgency/severity/certainty/responseType: WASPADA Future/Moderate/Possible/Monitor,
    SIAGA Expected/Severe/Likely/Prepare, AWAS Immediate/Extreme/Observed/Evacuate (Cancel: AllClear).
    Area: areaDesc nama wilayah, geocode valueName KODE_WILAYAH dengan kode Kemendagri."""
    body = await peringatan.cap_alert(session, tenant=tenant, versi_id=versi_id)
    return _cached(request, body, cap.CAP_MEDIA_TYPE)
