"""Documents attached to an application (scans, photos): one table shape, one upload, one download for
every service that runs the PERMOHONAN workflow.

Only the applicant uploads, and only while the application is theirs to change (DRAF, PERLU_PERBAIKAN).
A file is checked by its content (`puja_kit.storage.check_upload`) before it is stored, under
`{tenant}/{permohonan}`; a new upload of the same jenis marks the earlier one replaced (`diganti_at`)
and keeps it. Whoever opens a document leaves an audit line (`puja_kit.privasi.log_akses`), and the
download is never kept by a shared cache.

A service's table: `class Dokumen(DokumenBase, Base, table=True)` with its `__tablename__` and the foreign
key on `permohonan_id`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, TypeVar
from uuid import UUID

from fastapi import Response, UploadFile
from sqlalchemy import DateTime, Index, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, col

from puja_kit.auth import Principal
from puja_kit.db import IdModel, TenantModel, timestamp_column, utcnow
from puja_kit.errors import DomainError, Forbidden, InvalidInput, NotFound
from puja_kit.privasi import log_akses
from puja_kit.repository import RepositoryBase
from puja_kit.storage import EXTENSIONS, MAX_BYTES, Storage, check_upload
from puja_kit.tenancy import Tenant
from puja_kit.workflow.machine import Guard, TransitionNotAllowed, Workflow
from puja_kit.workflow.models import PermohonanBase

# While the application is the applicant's to change.
UPLOAD_STATUSES = frozenset({"DRAF", "PERLU_PERBAIKAN"})
# The actions that hand the application to the staff: they need every required document.
SUBMIT_ACTIONS = frozenset({"ajukan", "ajukan_ulang"})


class DokumenBase(IdModel, TenantModel):
    """Mixin: one uploaded file of an application; the service adds the foreign key on permohonan_id.

    At most one document of a jenis is current (`diganti_at` empty) per application: a partial unique
    index `uq_<table>_berlaku` keeps the rule `upload` follows.
    """

    permohonan_id: UUID = Field(index=True)
    jenis: str = Field(max_length=120)
    nama_berkas: str | None = Field(default=None, max_length=255)  # as the applicant's device named it
    storage_key: str = Field(max_length=300)
    content_type: str = Field(max_length=60)
    ukuran: int
    sha256: str = Field(max_length=64)
    diunggah_at: datetime = timestamp_column()
    diganti_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index]:
        return (
            Index(
                f"uq_{cls.__tablename__}_berlaku",
                "permohonan_id",
                "jenis",
                unique=True,
                postgresql_where=text("diganti_at IS NULL"),
            ),
        )


D = TypeVar("D", bound=DokumenBase)


class DokumenBelumLengkap(DomainError):
    status_code = 422
    code = "dokumen_belum_lengkap"
    title = "Dokumen wajib belum lengkap"


class DokumenRepository(RepositoryBase[D]):
    """The documents of one service's table, scoped to the region."""

    not_found = "Dokumen tidak ditemukan"

    def __init__(self, session: AsyncSession, model: type[D], tenant_id: str) -> None:
        super().__init__(session, tenant_id)
        self.model = model

    async def of_permohonan(self, permohonan_id: UUID, *, current_only: bool = False) -> list[D]:
        """In upload order; `current_only` leaves out the replaced ones."""
        stmt = self.base_statement().where(col(self.model.permohonan_id) == permohonan_id)
        if current_only:
            stmt = stmt.where(col(self.model.diganti_at).is_(None))
        stmt = stmt.order_by(col(self.model.diunggah_at), col(self.model.id))
        return list((await self.session.scalars(stmt)).all())

    async def current(self, permohonan_id: UUID, jenis: str) -> list[D]:
        stmt = self.base_statement().where(
            col(self.model.permohonan_id) == permohonan_id,
            col(self.model.jenis) == jenis,
            col(self.model.diganti_at).is_(None),
        )
        return list((await self.session.scalars(stmt)).all())

    async def in_permohonan(self, permohonan_id: UUID, dokumen_id: UUID) -> D | None:
        stmt = self.base_statement().where(
            col(self.model.id) == dokumen_id, col(self.model.permohonan_id) == permohonan_id
        )
        return (await self.session.scalars(stmt)).first()


# --- upload ----------------------------------------------------------------------------------------


async def read_berkas(berkas: UploadFile, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The uploaded file, read with a bound: one byte past the limit is enough to refuse it, so an
    oversized file is never read into memory whole."""
    return await berkas.read(max_bytes + 1)


def _nama_berkas(nama: str | None) -> str | None:
    # The name only, never a client's path; cut to the column.
    name = PurePosixPath((nama or "").replace("\\", "/")).name.strip()
    return name[:255] or None


async def upload(
    session: AsyncSession,
    model: type[D],
    permohonan: PermohonanBase,
    *,
    principal: Principal,
    storage: Storage,
    jenis: str,
    data: bytes,
    nama_berkas: str | None = None,
    allowed: Collection[str] | None = None,
    max_bytes: int = MAX_BYTES,
    now: datetime | None = None,
) -> D:
    """Store one document of `permohonan` (loaded by the caller with `get_visible(..., for_update=True)`)
    and replace the current one of the same jenis. `allowed`: the jenis this application asks for
    (None: any)."""
    if principal.id != permohonan.pemohon_id:
        raise Forbidden("Hanya pemohon yang dapat mengunggah dokumen permohonan ini.")
    if permohonan.status not in UPLOAD_STATUSES:
        raise TransitionNotAllowed(
            "Dokumen hanya dapat diunggah saat permohonan berstatus Draf atau Perlu perbaikan."
        )
    jenis = jenis.strip()
    if allowed is not None and jenis not in allowed:
        choices = "pilih salah satu: " + ", ".join(allowed) if allowed else "tidak ada dokumen yang diminta"
        raise InvalidInput(
            f"Dokumen '{jenis}' tidak diminta untuk permohonan ini.",
            errors=[{"field": "jenis", "code": "tidak_dikenal", "message": choices}],
        )
    check_upload(data, max_bytes=max_bytes)  # size and type first: a refused file never reaches the storage
    stored = await storage.put(f"{permohonan.tenant_id}/{permohonan.id}", data, max_bytes=max_bytes)
    now = now or utcnow()
    repo = DokumenRepository(session, model, permohonan.tenant_id)
    for previous in await repo.current(permohonan.id, jenis):
        previous.diganti_at = now
        session.add(previous)
    await session.flush()  # replaced before the new one is current: one current document per jenis
    row = repo.add(
        model(
            tenant_id=permohonan.tenant_id,
            permohonan_id=permohonan.id,
            jenis=jenis,
            nama_berkas=_nama_berkas(nama_berkas),
            storage_key=stored.key,
            content_type=stored.content_type,
            ukuran=stored.size,
            sha256=stored.sha256,
            diunggah_at=now,
        )
    )
    await session.flush()
    return row


# --- the required documents ------------------------------------------------------------------------


def missing(required: Iterable[str], dokumen: Iterable[DokumenBase]) -> list[str]:
    """The required jenis without a current document, in the order they are required."""
    uploaded = {d.jenis for d in dokumen if d.diganti_at is None}
    return [name for name in required if name not in uploaded]


def complete_guard(required: Iterable[str], dokumen: Iterable[DokumenBase]) -> Guard:
    """A guard refusing the transition while a required document is missing."""
    lacking = missing(required, dokumen)

    def guard(_obj: object) -> str | None:
        # Raised rather than returned: the applicant needs the list of what is missing, field by field.
        if lacking:
            raise DokumenBelumLengkap(
                "Dokumen wajib belum diunggah: " + ", ".join(lacking) + ".",
                errors=[{"field": "dokumen", "code": "missing", "message": name} for name in lacking],
            )
        return None

    return guard


async def require_dokumen(
    session: AsyncSession,
    workflow: Workflow,
    model: type[D],
    permohonan: PermohonanBase,
    *,
    action: str,
    required: Iterable[str],
) -> Workflow:
    """`workflow` where submitting (`ajukan`, `ajukan_ulang`) also needs every `required` document;
    for any other action, `workflow` unchanged. The status and the actor are checked first, by
    `apply_transition`."""
    if action not in SUBMIT_ACTIONS or action not in workflow.transitions:
        return workflow
    dokumen = await DokumenRepository(session, model, permohonan.tenant_id).of_permohonan(
        permohonan.id, current_only=True
    )
    return workflow.with_guard(action, complete_guard(required, dokumen))


# --- download --------------------------------------------------------------------------------------

# For a download route's OpenAPI: `@router.get(..., response_class=Response, responses=DOKUMEN_RESPONSES)`.
DOKUMEN_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {content_type: {} for content_type in EXTENSIONS}}
}


async def open_dokumen(
    session: AsyncSession,
    model: type[D],
    permohonan: PermohonanBase,
    *,
    principal: Principal,
    tenant: Tenant,
    storage: Storage,
    dokumen_id: UUID,
) -> tuple[D, bytes]:
    """A document of `permohonan` (loaded by the caller with `get_visible`) and its bytes; the opening
    is logged with the applicant's NIK masked."""
    row = await DokumenRepository(session, model, tenant.kode).in_permohonan(permohonan.id, dokumen_id)
    if row is None:
        raise NotFound(DokumenRepository.not_found)
    log_akses(
        principal,
        tenant,
        nik=permohonan.pemohon_nik,
        data=f"dokumen {row.jenis} permohonan {permohonan.nomor}",
    )
    return row, await storage.get(row.storage_key)


def download_response(content: bytes, *, media_type: str, filename: str, inline: bool = False) -> Response:
    """A file for the browser to save (or show, `inline`) under a safe name; personal documents are never
    kept by a shared cache."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-.") or "berkas"
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Disposition": f'{disposition}; filename="{safe}"',
        "Cache-Control": "private, no-store",
    }
    return Response(content, media_type=media_type, headers=headers)


def dokumen_response(row: DokumenBase, content: bytes) -> Response:
    """A document as a download named after its jenis ("KTP.pdf"), not after the applicant's file name."""
    extension = EXTENSIONS.get(row.content_type, "bin")
    return download_response(content, media_type=row.content_type, filename=f"{row.jenis}.{extension}")
