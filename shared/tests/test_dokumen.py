"""The document piece of the workflow: who uploads when, replacing a scan, the file check, the required
documents before submit, and the download's headers and audit line."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from uuid import UUID

import pytest
from puja_kit.auth import Grant, Principal
from puja_kit.db import new_id
from puja_kit.errors import Forbidden, InvalidInput, NotFound, TooLarge
from puja_kit.events.catalog import LayananSettings
from puja_kit.storage import LocalStorage
from puja_kit.tenancy import Tenant
from puja_kit.workflow import (
    PERMOHONAN,
    PermohonanBase,
    RiwayatBase,
    TransitionNotAllowed,
    apply_transition,
    assign_number,
    get_visible,
)
from puja_kit.workflow.dokumen import (
    DokumenBase,
    DokumenBelumLengkap,
    DokumenRepository,
    dokumen_response,
    download_response,
    missing,
    open_dokumen,
    require_dokumen,
    upload,
)
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field


class DokPermohonan(PermohonanBase, table=True):
    __tablename__ = "uji_dok_permohonan"
    __table_args__ = (UniqueConstraint("tenant_id", "nomor"),)


class DokRiwayat(RiwayatBase, table=True):
    __tablename__ = "uji_dok_riwayat"


class UjiDokumen(DokumenBase, table=True):
    __tablename__ = "uji_dokumen"

    permohonan_id: UUID = Field(foreign_key="uji_dok_permohonan.id", index=True)


TENANT = Tenant(
    kode="63.08",
    slug="kab-hulu-sungai-utara",
    nama="Kabupaten Hulu Sungai Utara",
    zona_waktu="WITA",
    layanan="perizinan",
    settings=LayananSettings(sla_hari=3),
)
APPLICANT = Principal(
    id=new_id(),
    sid=new_id(),
    nama="Siti",
    grants=(Grant("warga"),),
    nik="6308014107900001",
    nik_verified_regions=frozenset({"63.08"}),
)
OTHER = Principal(id=new_id(), sid=new_id(), nama="Lain", grants=(Grant("warga"),), nik="6308014107900002")
OPERATOR = Principal(id=new_id(), sid=new_id(), nama="Op", grants=(Grant("operator", "63.08", "perizinan"),))
PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\nrest"
REQUIRED = ["KTP", "Denah lokasi usaha"]


@pytest.fixture
async def db(kit_db: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with kit_db() as session:
        conn = await session.connection()
        for model in (DokPermohonan, DokRiwayat, UjiDokumen):
            await conn.run_sync(model.__table__.create)  # type: ignore[attr-defined]
        yield session


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "berkas")


def stored_files(storage: LocalStorage) -> list[Path]:
    return sorted(p for p in storage.root.rglob("*") if p.is_file())


async def new_permohonan(db: AsyncSession) -> DokPermohonan:
    obj = DokPermohonan(
        tenant_id=TENANT.kode,
        nomor="",
        status="DRAF",
        pemohon_id=APPLICANT.id,
        pemohon_nik=APPLICANT.nik or "",
    )
    await assign_number(db, obj, "IZN")
    return obj


async def unggah(
    db: AsyncSession,
    storage: LocalStorage,
    obj: DokPermohonan,
    jenis: str = "KTP",
    data: bytes = PDF,
    *,
    principal: Principal = APPLICANT,
    nama_berkas: str | None = "ktp.pdf",
) -> UjiDokumen:
    return await upload(
        db,
        UjiDokumen,
        obj,
        principal=principal,
        storage=storage,
        jenis=jenis,
        data=data,
        nama_berkas=nama_berkas,
        allowed=REQUIRED,
    )


async def test_only_the_applicant_uploads_and_only_while_the_application_is_theirs(
    db: AsyncSession, storage: LocalStorage
) -> None:
    obj = await new_permohonan(db)
    for someone in (OTHER, OPERATOR):
        with pytest.raises(Forbidden):
            await unggah(db, storage, obj, principal=someone)
    row = await unggah(db, storage, obj)
    assert row.storage_key.startswith(f"{TENANT.kode}/{obj.id}/")
    assert (row.content_type, row.ukuran, row.nama_berkas) == ("application/pdf", len(PDF), "ktp.pdf")

    await unggah(db, storage, obj, "Denah lokasi usaha", PNG)
    await apply_transition(
        db, PERMOHONAN, obj, DokRiwayat, action="ajukan", principal=APPLICANT, tenant=TENANT
    )
    with pytest.raises(TransitionNotAllowed):
        await unggah(db, storage, obj)
    obj.status = "PERLU_PERBAIKAN"  # sent back for corrections: the applicant may upload again
    assert (await unggah(db, storage, obj)).diganti_at is None


async def test_a_new_scan_of_the_same_jenis_replaces_the_current_one_and_keeps_it(
    db: AsyncSession, storage: LocalStorage
) -> None:
    obj = await new_permohonan(db)
    first = await unggah(db, storage, obj)
    denah = await unggah(db, storage, obj, "Denah lokasi usaha", PNG)
    second = await unggah(db, storage, obj, data=PNG, nama_berkas="C:\\Users\\siti\\ktp baru.png")

    assert first.diganti_at == second.diunggah_at
    assert second.diganti_at is None and denah.diganti_at is None
    assert second.nama_berkas == "ktp baru.png", "the name only, never the device's path"
    repo = DokumenRepository(db, UjiDokumen, TENANT.kode)
    assert [d.id for d in await repo.of_permohonan(obj.id)] == [first.id, denah.id, second.id]
    assert [d.id for d in await repo.of_permohonan(obj.id, current_only=True)] == [denah.id, second.id]
    assert len(stored_files(storage)) == 3

    # The database keeps the rule too: two current scans of one jenis are refused.
    with pytest.raises(IntegrityError):
        async with db.begin_nested():
            second_current = UjiDokumen(**{**first.model_dump(), "id": new_id(), "diganti_at": None})
            db.add(second_current)
            await db.flush()


async def test_a_file_that_is_no_pdf_jpg_or_png_is_refused_and_nothing_is_stored(
    db: AsyncSession, storage: LocalStorage
) -> None:
    obj = await new_permohonan(db)
    with pytest.raises(InvalidInput):
        await unggah(db, storage, obj, data=b"MZ\x90\x00 not really a pdf")
    with pytest.raises(InvalidInput):
        await unggah(db, storage, obj, data=b"")
    with pytest.raises(TooLarge):
        await upload(
            db,
            UjiDokumen,
            obj,
            principal=APPLICANT,
            storage=storage,
            jenis="KTP",
            data=PDF + b"0" * 1024,
            max_bytes=1024,
        )
    with pytest.raises(InvalidInput) as unknown:
        await unggah(db, storage, obj, "Akta kelahiran")
    assert unknown.value.errors == [
        {"field": "jenis", "code": "tidak_dikenal", "message": "pilih salah satu: KTP, Denah lokasi usaha"}
    ]
    assert stored_files(storage) == []
    assert await DokumenRepository(db, UjiDokumen, TENANT.kode).of_permohonan(obj.id) == []


async def test_submitting_needs_every_required_document(db: AsyncSession, storage: LocalStorage) -> None:
    obj = await new_permohonan(db)

    async def ajukan() -> None:
        workflow = await require_dokumen(db, PERMOHONAN, UjiDokumen, obj, action="ajukan", required=REQUIRED)
        await apply_transition(
            db, workflow, obj, DokRiwayat, action="ajukan", principal=APPLICANT, tenant=TENANT
        )

    await unggah(db, storage, obj, "KTP")
    with pytest.raises(DokumenBelumLengkap) as refused:
        await ajukan()
    assert refused.value.status_code == 422
    assert [e["message"] for e in refused.value.errors or []] == ["Denah lokasi usaha"]
    assert obj.status == "DRAF"

    denah = await unggah(db, storage, obj, "Denah lokasi usaha", PNG)
    assert missing(REQUIRED, [denah]) == ["KTP"]
    await ajukan()
    assert obj.status == "DIAJUKAN"
    # Other actions are left as the workflow declares them.
    assert await require_dokumen(db, PERMOHONAN, UjiDokumen, obj, action="batalkan", required=REQUIRED) is (
        PERMOHONAN
    )


async def test_a_download_is_a_private_attachment_and_its_opening_is_logged_masked(
    db: AsyncSession, storage: LocalStorage, caplog: pytest.LogCaptureFixture
) -> None:
    obj = await new_permohonan(db)
    row = await unggah(db, storage, obj, "Denah lokasi usaha", PNG)
    await unggah(db, storage, obj, "KTP")
    await apply_transition(
        db, PERMOHONAN, obj, DokRiwayat, action="ajukan", principal=APPLICANT, tenant=TENANT
    )

    loaded = await get_visible(db, PERMOHONAN, DokPermohonan, OPERATOR, TENANT, obj.id)
    with caplog.at_level(logging.INFO, logger="puja_kit.privasi"):
        opened, content = await open_dokumen(
            db, UjiDokumen, loaded, principal=OPERATOR, tenant=TENANT, storage=storage, dokumen_id=row.id
        )
    assert content == PNG
    [line] = [r.getMessage() for r in caplog.records if r.name == "puja_kit.privasi"]
    assert line == (
        f"akses data dokumen Denah lokasi usaha permohonan {obj.nomor} 6308********0001"
        f" oleh akun {OPERATOR.id} di 63.08 (perizinan)"
    )
    assert (APPLICANT.nik or "") not in line

    response = dokumen_response(opened, content)
    assert response.body == PNG
    assert response.media_type == "image/png"
    assert response.headers["content-disposition"] == 'attachment; filename="Denah-lokasi-usaha.png"'
    assert response.headers["cache-control"] == "private, no-store"
    unsafe = download_response(
        b"%PDF-", media_type="application/pdf", filename='../"izin"\r\n.pdf', inline=True
    )
    assert unsafe.headers["content-disposition"] == 'inline; filename="izin-.pdf"'

    # A document is reached only through its own application.
    other = await new_permohonan(db)
    with pytest.raises(NotFound):
        await open_dokumen(
            db, UjiDokumen, other, principal=APPLICANT, tenant=TENANT, storage=storage, dokumen_id=row.id
        )


async def test_an_application_is_loaded_only_for_whom_may_see_it(db: AsyncSession) -> None:
    obj = await new_permohonan(db)
    assert await get_visible(db, PERMOHONAN, DokPermohonan, APPLICANT, TENANT, obj.id, for_update=True) is obj
    for someone in (OTHER, OPERATOR):  # a draft is the applicant's own work, even for the staff
        with pytest.raises(NotFound):
            await get_visible(db, PERMOHONAN, DokPermohonan, someone, TENANT, obj.id)
    elsewhere = replace(TENANT, kode="63.09")
    with pytest.raises(NotFound):
        await get_visible(db, PERMOHONAN, DokPermohonan, APPLICANT, elsewhere, obj.id)
    with pytest.raises(NotFound):
        await get_visible(db, PERMOHONAN, DokPermohonan, APPLICANT, TENANT, new_id())
