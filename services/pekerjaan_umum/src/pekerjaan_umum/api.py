"""Pekerjaan umum's API under /api/pekerjaan-umum/v1/{tenant}: who may call each route is in its signature."""

# No `from __future__ import annotations`: the action routes' endpoints are built at import time and
# FastAPI reads their annotations at runtime.

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile
from puja_kit.access import Petugas, Publik, Warga, WargaAtauPetugas, akses
from puja_kit.auth import Principal
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import CursorDep, CursorPage
from puja_kit.storage import StorageDep
from puja_kit.tenancy import TenantDep
from puja_kit.workflow.dokumen import DOKUMEN_RESPONSES, download_response, read_berkas
from puja_kit.workflow.machine import ADUAN
from puja_kit.workflow.models import Urutan
from puja_kit.workflow.routes import ACTOR_KIND

from pekerjaan_umum import service
from pekerjaan_umum.schemas import (
    AksiIn,
    DuplikatRead,
    FotoRead,
    GabungkanIn,
    KategoriRead,
    KinerjaOpdRead,
    LaporanCreate,
    LaporanPublik,
    LaporanRead,
    LaporanRingkas,
    NilaiIn,
    NomorLaporan,
    Status,
)

router = APIRouter(prefix="/{tenant}")


@router.get("/kategori", response_model=list[KategoriRead])
async def list_kategori(tenant: TenantDep, _: Publik) -> list[KategoriRead]:
    """Jenis kerusakan yang dapat dilaporkan (publik)."""
    return service.kategori_list()


@router.post("/laporan", response_model=LaporanRead, status_code=201)
async def create_laporan(
    body: LaporanCreate,
    tenant: TenantDep,
    session: SessionDep,
    principal: Warga,
    idempotency: IdempotencyDep,
) -> Response:
    """Melaporkan kerusakan dengan kategori, lokasi dan uraian; foto menyusul lewat `.../foto` (warga
    dengan NIK terbukti di daerah ini)."""
    if (replayed := await idempotency.replay()) is not None:
        return replayed
    created = await service.create_laporan(session, principal, tenant=tenant, data=body)
    return await idempotency.remember(created, status=201)


@router.get("/laporan", response_model=CursorPage[LaporanRingkas])
async def list_laporan(
    tenant: TenantDep,
    session: SessionDep,
    principal: Petugas,
    page: CursorDep,
    status: Annotated[Status | None, Query(description="Mis. DITERIMA, DIDISPOSISI")] = None,
    urut: Annotated[
        Urutan,
        Query(
            description="sla: batas waktu terdekat dahulu (hanya yang jamnya berjalan); terbaru: terbaru dahulu"
        ),
    ] = "sla",
) -> CursorPage[LaporanRingkas]:
    """Kotak masuk laporan daerah, batas waktu terdekat dahulu (petugas; berikutnya lewat `cursor`)."""
    items, cursor = await service.list_for_staff(session, tenant=tenant, page=page, status=status, urut=urut)
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/laporan/saya", response_model=CursorPage[LaporanRingkas])
async def list_my_laporan(
    tenant: TenantDep, session: SessionDep, principal: Warga, page: CursorDep
) -> CursorPage[LaporanRingkas]:
    """Laporan saya di daerah ini, terbaru dahulu (berikutnya lewat `cursor`)."""
    items, cursor = await service.list_mine(session, principal, tenant=tenant, page=page)
    return CursorPage(items=items, next_cursor=cursor, limit=page.limit)


@router.get("/laporan/{laporan_id}", response_model=LaporanRead)
async def get_laporan(
    laporan_id: UUID, tenant: TenantDep, session: SessionDep, principal: WargaAtauPetugas
) -> LaporanRead:
    """Rincian laporan, foto dan riwayatnya (pelapor atau petugas)."""
    return await service.laporan_detail(session, principal, tenant=tenant, laporan_id=laporan_id)


@router.post("/laporan/{laporan_id}/foto", response_model=FotoRead, status_code=201)
async def upload_foto(
    laporan_id: UUID,
    berkas: Annotated[UploadFile, File(description="JPG atau PNG, paling besar 5 MB")],
    tenant: TenantDep,
    session: SessionDep,
    storage: StorageDep,
    principal: Warga,
) -> FotoRead:
    """Menambah foto laporan; data lokasi GPS di foto dihapus kecuali pelapor membagikan lokasinya
    (pelapor, selama laporan berjalan)."""
    return await service.upload_foto(
        session,
        principal,
        tenant=tenant,
        storage=storage,
        laporan_id=laporan_id,
        data=await read_berkas(berkas),
    )


@router.get("/laporan/{laporan_id}/foto/{foto_id}", response_class=Response, responses=DOKUMEN_RESPONSES)
async def get_foto(
    laporan_id: UUID,
    foto_id: UUID,
    tenant: TenantDep,
    session: SessionDep,
    storage: StorageDep,
    principal: WargaAtauPetugas,
) -> Response:
    """Foto laporan (pelapor atau petugas)."""
    row, content = await service.open_foto(
        session, principal, tenant=tenant, storage=storage, laporan_id=laporan_id, foto_id=foto_id
    )
    extension = "png" if row.content_type == "image/png" else "jpg"
    return download_response(content, media_type=row.content_type, filename=f"foto.{extension}", inline=True)


@router.get("/laporan/{laporan_id}/duplikat", response_model=list[DuplikatRead])
async def get_duplikat(
    laporan_id: UUID, tenant: TenantDep, session: SessionDep, principal: Petugas
) -> list[DuplikatRead]:
    """Laporan terbuka berkategori sama di dekat laporan ini, terdekat dahulu (petugas)."""
    return await service.duplikat(session, principal, tenant=tenant, laporan_id=laporan_id)


@router.post("/laporan/{laporan_id}/gabungkan", response_model=LaporanRead)
async def gabungkan(
    laporan_id: UUID, body: GabungkanIn, tenant: TenantDep, session: SessionDep, principal: Petugas
) -> LaporanRead:
    """Menggabungkan laporan ini ke laporan pertama yang sama: diarsipkan, pelapornya mengikuti laporan
    pertama (petugas)."""
    return await service.gabungkan(
        session, principal, tenant=tenant, laporan_id=laporan_id, induk_id=body.induk_id
    )


@router.post("/laporan/{laporan_id}/nilai", response_model=LaporanRead)
async def nilai(
    laporan_id: UUID, body: NilaiIn, tenant: TenantDep, session: SessionDep, principal: Warga
) -> LaporanRead:
    """Menilai jawaban 1-5, sekali untuk setiap jawaban (pelapor)."""
    return await service.nilai(session, principal, tenant=tenant, laporan_id=laporan_id, nilai=body.nilai)


SUMMARY = {
    "verifikasi": "Memverifikasi laporan (petugas).",
    "arsipkan": "Mengarsipkan laporan dengan alasan wajib (petugas).",
    "disposisi": "Mendisposisikan laporan ke OPD daerah: opd_id dan opd_nama (petugas).",
    "alihkan": "Bukan kewenangan OPD: mengalihkan ke OPD lain dengan alasan wajib (petugas).",
    "bukan_kewenangan": "Bukan kewenangan daerah: meneruskan ke instansi lain (dialihkan_ke) dengan alasan (petugas).",
    "tindak_lanjut": "Menindaklanjuti laporan dengan catatan wajib (petugas atas nama OPD).",
    "jawab": "Menjawab laporan dengan catatan wajib (petugas atas nama OPD).",
    "terima_jawaban": "Menerima jawaban; laporan ditutup (pelapor).",
    "buka_kembali": "Membuka kembali laporan dengan alasan wajib (pelapor).",
}


def _action_endpoint(action: str) -> Callable[..., Awaitable[Any]]:
    caller = akses(*sorted({ACTOR_KIND[a] for a in ADUAN.transition(action).actors}))

    async def endpoint(
        laporan_id: UUID,
        tenant: TenantDep,
        session: SessionDep,
        principal: Principal = Depends(caller),
        body: AksiIn | None = None,
    ) -> LaporanRead:
        return await service.act(
            session, principal, tenant=tenant, laporan_id=laporan_id, action=action, body=body or AksiIn()
        )

    return endpoint


for _segment, _action in service.AKSI.items():
    router.add_api_route(
        f"/laporan/{{laporan_id}}/{_segment}",
        _action_endpoint(_action),
        methods=["POST"],
        response_model=LaporanRead,
        summary=SUMMARY[_action],
        name=f"laporan_{_action}",
    )


@router.get("/lacak/{nomor}", response_model=LaporanPublik)
async def lacak(
    nomor: Annotated[NomorLaporan, Path()], tenant: TenantDep, session: SessionDep, _: Publik
) -> LaporanPublik:
    """Lacak laporan dengan nomornya: status dan linimasa, tanpa identitas pelapor (publik)."""
    return await service.lacak(session, tenant=tenant, nomor=nomor)


@router.get("/kinerja-opd", response_model=list[KinerjaOpdRead])
async def kinerja_opd(tenant: TenantDep, session: SessionDep, _: Petugas) -> list[KinerjaOpdRead]:
    """Penilaian dan ketepatan waktu tindak lanjut per OPD (petugas dan admin daerah)."""
    return [KinerjaOpdRead.model_validate(asdict(k)) for k in await service.kinerja(session, tenant=tenant)]
