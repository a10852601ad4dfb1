"""The report layanan's routes, once: `add_laporan_routes(router, jenis)` gives a layanan's router
(under its `/{tenant}` prefix) every route of its reports, each declaring who may call it, and the
Open311 GeoReport v2 endpoint of the region's reports (`puja_kit.workflow.open311`).

    router = APIRouter(prefix="/{tenant}")
    add_laporan_routes(router, JENIS)
"""

# No `from __future__ import annotations`: the routes are built inside `add_laporan_routes` and FastAPI reads
# their annotations at runtime, the body types included.

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from puja_kit.access import AdminDaerah, Petugas, Publik, Warga, WargaAtauPetugas, akses
from puja_kit.auth import Principal
from puja_kit.db import SessionDep
from puja_kit.idempotency import IdempotencyDep
from puja_kit.repository import CursorDep, CursorPage
from puja_kit.settings import LaporanSettings
from puja_kit.storage import StorageDep
from puja_kit.tenancy import Tenant, TenantDep
from puja_kit.workflow import laporan as svc
from puja_kit.workflow.aduan import Hook, auto_close_hooks, is_overdue
from puja_kit.workflow.aduan_models import LaporanBase
from puja_kit.workflow.aduan_view import aduan_view
from puja_kit.workflow.dokumen import DOKUMEN_RESPONSES, download_response, read_berkas
from puja_kit.workflow.laporan import AKSI, JenisLaporan, Kategori
from puja_kit.workflow.laporan_schemas import (
    AksiIn,
    AksiMassalIn,
    AtributRead,
    AturanIn,
    AturanRead,
    DuplikatRead,
    FotoRead,
    GabungkanIn,
    HasilMassalRead,
    JawabanRead,
    KategoriRead,
    KinerjaOpdRead,
    KodeSaringan,
    LaporanCreate,
    LaporanPublik,
    LaporanRead,
    LaporanRingkas,
    LaporanTerbit,
    NilaiIn,
    NomorLaporan,
    PenolakanRead,
    RiwayatLaporan,
    Status,
    TerbitIn,
)
from puja_kit.workflow.machine import ADUAN
from puja_kit.workflow.models import Urutan
from puja_kit.workflow.open311 import add_open311_routes
from puja_kit.workflow.routes import ACTOR_KIND

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


def ringkas(jenis: JenisLaporan, obj: LaporanBase, tenant: Tenant) -> LaporanRingkas:
    return LaporanRingkas(
        id=obj.id,
        nomor=obj.nomor,
        kategori=obj.kategori,
        kategori_label=jenis.label(obj.kategori),
        status=obj.status,
        status_label=ADUAN.states.get(obj.status, obj.status),
        isi=obj.isi,
        alamat=obj.alamat,
        opd_nama=obj.opd_nama,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        sla_tahap=obj.sla_tahap,
        terlambat=is_overdue(obj, tenant.zona_waktu),
        diterima_at=obj.diterima_at,
        digabung=obj.mengikuti_id is not None,
        diterbitkan=obj.diterbitkan,
    )


async def detail(
    jenis: JenisLaporan, session: AsyncSession, principal: Principal, tenant: Tenant, obj: LaporanBase
) -> LaporanRead:
    riwayat = await svc.history(jenis, session, tenant, obj.id)
    view = aduan_view(obj, svc.viewer_of(principal, tenant), pelapor_nama=obj.pelapor_nama, riwayat=riwayat)
    foto = await svc.photos(jenis, session, tenant, obj.id)
    kategori = jenis.kategori_of(obj.kategori)
    return LaporanRead(
        id=obj.id,
        nomor=obj.nomor,
        kategori=obj.kategori,
        kategori_label=jenis.label(obj.kategori),
        status=obj.status,
        status_label=view.status_label,
        isi=obj.isi,
        alamat=obj.alamat,
        atribut=obj.atribut,
        jawaban=answers(kategori, obj.atribut),
        lat=view.lat,
        lon=view.lon,
        lokasi_dibagikan=obj.lokasi_dibagikan,
        anonim_publik=obj.anonim_publik,
        anonim_opd=obj.anonim_opd,
        opd_id=obj.opd_id,
        opd_nama=obj.opd_nama,
        opd_saran=kategori.opd_saran if kategori else None,
        dialihkan_ke=obj.dialihkan_ke,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        sla_tahap=obj.sla_tahap,
        terlambat=is_overdue(obj, tenant.zona_waktu),
        diterima_at=obj.diterima_at,
        dijawab_at=obj.dijawab_at,
        tutup_otomatis_at=obj.tutup_otomatis_at,
        ditutup_at=obj.ditutup_at,
        jawaban_ke=obj.jawaban_ke,
        rating=obj.rating,
        boleh_dinilai=obj.status in ("SELESAI", "DITUTUP")
        and obj.jawaban_ke > 0
        and obj.dinilai_jawaban_ke != obj.jawaban_ke,
        mengikuti_id=obj.mengikuti_id,
        diterbitkan=obj.diterbitkan,
        pelapor=view.pelapor,
        foto=[FotoRead.model_validate(f) for f in foto],
        riwayat=[RiwayatLaporan.model_validate(r) for r in riwayat],
        ekstra=jenis.ekstra(obj) if jenis.ekstra else {},
    )


def answers(kategori: Kategori | None, atribut: dict[str, Any]) -> list[JawabanRead]:
    """The category's questions that were answered, each with its answer in words."""
    out = []
    for a in kategori.atribut if kategori else ():
        value = atribut.get(a.kode)
        if value in (None, "", []):
            continue
        if isinstance(value, float | int) and not isinstance(value, bool):
            out.append(JawabanRead(kode=a.kode, nama=a.nama, nilai=f"{value:g}", angka=float(value)))
            continue
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(a.pilihan.get(str(v), str(v)) for v in values)
        out.append(JawabanRead(kode=a.kode, nama=a.nama, nilai=shown))
    return out


async def kategori_read(jenis: JenisLaporan, session: AsyncSession, tenant: Tenant) -> list[KategoriRead]:
    rows = await svc.aturan_rows(jenis, session, tenant)
    out = []
    for k in jenis.kategori:
        aturan = svc.aturan_from(rows, tenant, k.kode)
        sla = aturan.sla_for(k.kode)
        out.append(
            KategoriRead(
                kode=k.kode,
                nama=k.nama,
                keterangan=k.keterangan,
                opd_saran=k.opd_saran,
                atribut=[
                    AtributRead(
                        kode=a.kode,
                        nama=a.nama,
                        jenis=a.jenis,
                        wajib=a.wajib,
                        keterangan=a.keterangan,
                        pilihan=dict(a.pilihan),
                    )
                    for a in k.atribut
                ],
                sla_verifikasi=sla.verifikasi,
                sla_tindak_lanjut=sla.tindak_lanjut,
                buka_kembali_hari=aturan.buka_kembali_hari,
            )
        )
    return out


def laporan_hooks(jenis: JenisLaporan, settings: LaporanSettings) -> tuple[Hook, Hook]:
    """`on_startup` and `on_shutdown` for `create_service_app`: answered reports whose reporter does not
    respond close by themselves, every `tutup_otomatis_detik`, where the app runs background work."""
    return auto_close_hooks(
        jenis.laporan, jenis.riwayat, layanan=jenis.layanan, interval_seconds=settings.tutup_otomatis_detik
    )


def add_laporan_routes(
    router: APIRouter, jenis: JenisLaporan, *, create_schema: type[LaporanCreate] = LaporanCreate
) -> None:
    """Every route of `jenis`'s reports on a layanan's router under `/{tenant}`, with its Open311
    endpoint. `create_schema` is the body of a new report (a subclass of `LaporanCreate` with the
    layanan's own fields, which its `saat_dibuat` reads)."""

    @router.get("/kategori", response_model=list[KategoriRead])
    async def list_kategori(tenant: TenantDep, session: SessionDep, _: Publik) -> list[KategoriRead]:
        """Kategori yang dapat dilaporkan, pertanyaannya dan hari kerja SLA di daerah ini (publik)."""
        await svc.scope(session, tenant)
        return await kategori_read(jenis, session, tenant)

    @router.get("/aturan-kategori", response_model=list[AturanRead])
    async def list_aturan(tenant: TenantDep, session: SessionDep, _: Petugas) -> list[AturanRead]:
        """Hari kerja SLA yang ditetapkan daerah sendiri per kategori (petugas dan admin daerah)."""
        await svc.scope(session, tenant)
        return [AturanRead.model_validate(r) for r in await svc.aturan_rows(jenis, session, tenant)]

    @router.put("/aturan-kategori/{kategori}", response_model=AturanRead)
    async def put_aturan(
        kategori: Annotated[str, Path(max_length=60)],
        body: AturanIn,
        tenant: TenantDep,
        session: SessionDep,
        _: AdminDaerah,
    ) -> AturanRead:
        """Menetapkan hari kerja verifikasi, tindak lanjut dan buka kembali untuk satu kategori; berlaku
        untuk laporan yang masuk atau berpindah tahap sesudahnya (admin daerah)."""
        row = await svc.set_aturan(jenis, session, tenant, kategori=kategori, **body.model_dump())
        return AturanRead.model_validate(row)

    @router.post("/laporan", response_model=LaporanRead, status_code=201)
    async def create_laporan(
        body: create_schema,  # type: ignore[valid-type]
        tenant: TenantDep,
        session: SessionDep,
        principal: Warga,
        idempotency: IdempotencyDep,
    ) -> Response:
        """Membuat laporan dengan kategori, jawaban pertanyaannya, lokasi dan uraian; foto menyusul lewat
        `.../foto` (warga dengan NIK terbukti di daerah ini)."""

        async def create() -> LaporanRead:
            obj = await svc.create(jenis, session, principal, tenant=tenant, data=body)
            return await detail(jenis, session, principal, tenant, obj)

        return await idempotency.run(create)

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
        opd_id: Annotated[UUID | None, Query(description="Hanya yang didisposisikan ke OPD ini")] = None,
    ) -> CursorPage[LaporanRingkas]:
        """Kotak masuk laporan daerah, batas waktu terdekat dahulu (petugas; berikutnya lewat `cursor`)."""
        rows, cursor = await svc.list_for_staff(
            jenis, session, principal, tenant=tenant, page=page, status=status, urut=urut, opd_id=opd_id
        )
        return CursorPage(
            items=[ringkas(jenis, r, tenant) for r in rows], next_cursor=cursor, limit=page.limit
        )

    @router.post("/laporan/aksi-massal", response_model=HasilMassalRead)
    async def aksi_massal(
        body: AksiMassalIn, tenant: TenantDep, session: SessionDep, principal: Petugas
    ) -> HasilMassalRead:
        """Verifikasi, arsipkan atau disposisi beberapa laporan sekaligus; yang ditolak disebut dengan
        alasannya, yang lain tetap berjalan (petugas)."""
        hasil = await svc.act_many(
            jenis,
            session,
            principal,
            tenant=tenant,
            ids=body.ids,
            action=body.aksi,
            catatan=body.catatan,
            opd_id=body.opd_id,
            opd_nama=body.opd_nama,
        )
        return HasilMassalRead(
            berhasil=hasil.berhasil,
            ditolak=[PenolakanRead(id=p.aduan_id, code=p.code, pesan=p.pesan) for p in hasil.ditolak],
        )

    @router.get("/laporan/saya", response_model=CursorPage[LaporanRingkas])
    async def list_my_laporan(
        tenant: TenantDep, session: SessionDep, principal: Warga, page: CursorDep
    ) -> CursorPage[LaporanRingkas]:
        """Laporan saya di daerah ini, terbaru dahulu (berikutnya lewat `cursor`)."""
        rows, cursor = await svc.list_mine(jenis, session, principal, tenant=tenant, page=page)
        return CursorPage(
            items=[ringkas(jenis, r, tenant) for r in rows], next_cursor=cursor, limit=page.limit
        )

    @router.get("/laporan/{laporan_id}", response_model=LaporanRead)
    async def get_laporan(
        laporan_id: UUID, tenant: TenantDep, session: SessionDep, principal: WargaAtauPetugas
    ) -> LaporanRead:
        """Rincian laporan, foto dan riwayatnya (pelapor atau petugas)."""
        obj = await svc.load(jenis, session, principal, tenant, laporan_id)
        return await detail(jenis, session, principal, tenant, obj)

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
        row = await svc.add_photo(
            jenis,
            session,
            principal,
            tenant=tenant,
            storage=storage,
            laporan_id=laporan_id,
            data=await read_berkas(berkas),
        )
        return FotoRead.model_validate(row)

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
        row, content = await svc.open_photo(
            jenis, session, principal, tenant=tenant, storage=storage, laporan_id=laporan_id, foto_id=foto_id
        )
        extension = "png" if row.content_type == "image/png" else "jpg"
        return download_response(
            content, media_type=row.content_type, filename=f"foto.{extension}", inline=True
        )

    @router.get("/laporan/{laporan_id}/duplikat", response_model=list[DuplikatRead])
    async def get_duplikat(
        laporan_id: UUID, tenant: TenantDep, session: SessionDep, principal: Petugas
    ) -> list[DuplikatRead]:
        """Laporan terbuka berkategori sama di dekat laporan ini, terdekat dahulu (petugas)."""
        found = await svc.duplicates(jenis, session, principal, tenant=tenant, laporan_id=laporan_id)
        return [
            DuplikatRead(
                id=d.id,
                nomor=d.nomor,
                kategori_label=jenis.label(d.kategori),
                status=d.status,
                status_label=ADUAN.states.get(d.status, d.status),
                isi=d.isi,
                alamat=d.alamat,
                jarak_m=jarak,
                diterima_at=d.diterima_at,
            )
            for d, jarak in found
        ]

    @router.post("/laporan/{laporan_id}/gabungkan", response_model=LaporanRead)
    async def gabungkan(
        laporan_id: UUID, body: GabungkanIn, tenant: TenantDep, session: SessionDep, principal: Petugas
    ) -> LaporanRead:
        """Menggabungkan laporan ini ke laporan pertama yang sama: diarsipkan, pelapornya mengikuti
        laporan pertama (petugas)."""
        obj = await svc.merge_into(
            jenis, session, principal, tenant=tenant, laporan_id=laporan_id, induk_id=body.induk_id
        )
        return await detail(jenis, session, principal, tenant, obj)

    @router.post("/laporan/{laporan_id}/nilai", response_model=LaporanRead)
    async def nilai(
        laporan_id: UUID, body: NilaiIn, tenant: TenantDep, session: SessionDep, principal: Warga
    ) -> LaporanRead:
        """Menilai jawaban 1-5, sekali untuk setiap jawaban (pelapor)."""
        obj = await svc.rate_answer(
            jenis, session, principal, tenant=tenant, laporan_id=laporan_id, nilai=body.nilai
        )
        return await detail(jenis, session, principal, tenant, obj)

    @router.post("/laporan/{laporan_id}/terbitkan", response_model=LaporanRead)
    async def terbitkan(
        laporan_id: UUID, body: TerbitIn, tenant: TenantDep, session: SessionDep, principal: Petugas
    ) -> LaporanRead:
        """Menampilkan laporan di peta dan daftar publik daerah, atau menariknya; tanpa identitas pelapor
        (petugas)."""
        obj = await svc.publish(
            jenis, session, principal, tenant=tenant, laporan_id=laporan_id, terbit=body.terbit
        )
        return await detail(jenis, session, principal, tenant, obj)

    def action_endpoint(action: str) -> Callable[..., Awaitable[Any]]:
        caller = akses(*sorted({ACTOR_KIND[a] for a in ADUAN.transition(action).actors}))

        async def endpoint(
            laporan_id: UUID,
            tenant: TenantDep,
            session: SessionDep,
            principal: Principal = Depends(caller),
            body: AksiIn | None = None,
        ) -> LaporanRead:
            given = body or AksiIn()
            obj = await svc.act(
                jenis,
                session,
                principal,
                tenant=tenant,
                laporan_id=laporan_id,
                action=action,
                catatan=given.catatan,
                opd_id=given.opd_id,
                opd_nama=given.opd_nama,
                dialihkan_ke=given.dialihkan_ke,
            )
            return await detail(jenis, session, principal, tenant, obj)

        return endpoint

    for segment, action in AKSI.items():
        router.add_api_route(
            f"/laporan/{{laporan_id}}/{segment}",
            action_endpoint(action),
            methods=["POST"],
            response_model=LaporanRead,
            summary=SUMMARY[action],
            name=f"laporan_{action}",
        )

    @router.get("/lacak/{nomor}", response_model=LaporanPublik)
    async def lacak(
        nomor: Annotated[NomorLaporan, Path()], tenant: TenantDep, session: SessionDep, _: Publik
    ) -> LaporanPublik:
        """Lacak laporan dengan nomornya: status dan linimasa, tanpa identitas pelapor (publik)."""
        obj = await svc.by_nomor(jenis, session, tenant, nomor)
        view = await svc.public_view(jenis, session, tenant, obj)
        return LaporanPublik(**view.model_dump(), kategori_label=jenis.label(obj.kategori))

    @router.get("/publik", response_model=CursorPage[LaporanTerbit])
    async def list_publik(
        tenant: TenantDep,
        session: SessionDep,
        page: CursorDep,
        _: Publik,
        kategori: Annotated[KodeSaringan | None, Query(description="Kode kategori")] = None,
    ) -> CursorPage[LaporanTerbit]:
        """Laporan yang ditampilkan daerah untuk publik, terbaru dahulu, untuk peta dan daftar: tanpa
        identitas pelapor, titik lokasi hanya bila pelapor membagikannya (publik)."""
        rows, cursor = await svc.list_published(jenis, session, tenant=tenant, page=page, kategori=kategori)
        items = []
        for obj in rows:
            view = aduan_view(obj, "publik")
            items.append(
                LaporanTerbit(
                    nomor=obj.nomor,
                    kategori=obj.kategori,
                    kategori_label=jenis.label(obj.kategori),
                    status=obj.status,
                    status_label=view.status_label,
                    isi=obj.isi,
                    lat=view.lat,
                    lon=view.lon,
                    opd_nama=obj.opd_nama,
                    diterima_at=obj.diterima_at,
                    dijawab_at=obj.dijawab_at,
                )
            )
        return CursorPage(items=items, next_cursor=cursor, limit=page.limit)

    @router.get("/kinerja-opd", response_model=list[KinerjaOpdRead])
    async def kinerja_opd(tenant: TenantDep, session: SessionDep, _: Petugas) -> list[KinerjaOpdRead]:
        """Penilaian dan ketepatan waktu tindak lanjut per OPD (petugas dan admin daerah)."""
        found = await svc.performance(jenis, session, tenant=tenant)
        return [KinerjaOpdRead.model_validate(asdict(k)) for k in found]

    add_open311_routes(router, jenis)
