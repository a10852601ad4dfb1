"""One POST route per workflow action, the same shape in every layanan:
`POST .../permohonan/{permohonan_id}/<action>` with an optional `{"catatan": ...}`; and the two routes
of an application's documents (`add_dokumen_routes`).
"""

# No `from __future__ import annotations` here: FastAPI reads these endpoints' annotations at runtime.

from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from puja_kit.access import Kind, Warga, WargaAtauPetugas, akses
from puja_kit.auth import Principal
from puja_kit.db import SessionDep
from puja_kit.storage import StorageDep
from puja_kit.tenancy import Tenant, TenantDep
from puja_kit.text import Nama
from puja_kit.workflow import dokumen
from puja_kit.workflow.machine import PERMOHONAN, Actor, Workflow
from puja_kit.workflow.models import PermohonanBase
from puja_kit.workflow.schemas import DokumenRead, TransitionIn
from puja_kit.workflow.service import get_visible

# The applicant is a citizen (ownership is checked by the workflow); staff by their grant.
ACTOR_KIND: dict[Actor, Kind] = {"pemohon": "warga", "operator": "operator", "admin_daerah": "admin_daerah"}

# (session, principal, tenant, permohonan_id, action, catatan) -> the application as the API shows it
TransitionHandler = Callable[[AsyncSession, Principal, Tenant, UUID, str, str | None], Awaitable[Any]]


def add_transition_routes(
    router: APIRouter,
    *,
    handler: TransitionHandler,
    response_model: Any,
    actions: Sequence[tuple[str, str, str]],
    path: str = "/permohonan/{permohonan_id}",
    workflow: Workflow = PERMOHONAN,
) -> None:
    """`actions` are (url segment, workflow action, summary); the handler applies the action.

    Each route admits the kinds of caller that the workflow names as the action's actors."""

    def endpoint_for(action: str) -> Callable[..., Awaitable[Any]]:
        actors = workflow.transition(action).actors
        caller = akses(*sorted({ACTOR_KIND[a] for a in actors}))

        async def endpoint(
            permohonan_id: UUID,
            session: SessionDep,
            tenant: TenantDep,
            principal: Principal = Depends(caller),
            body: TransitionIn | None = None,
        ) -> Any:
            return await handler(
                session, principal, tenant, permohonan_id, action, body.catatan if body else None
            )

        return endpoint

    for segment, action, summary in actions:
        router.add_api_route(
            f"{path}/{segment}",
            endpoint_for(action),
            methods=["POST"],
            response_model=response_model,
            summary=summary,
            name=f"permohonan_{action}",
        )


# (session, tenant, application) -> the jenis of document it asks for; None: any jenis
RequiredDokumen = Callable[[AsyncSession, Tenant, Any], Awaitable[Collection[str] | None]]


def add_dokumen_routes(
    router: APIRouter,
    *,
    model: type[dokumen.DokumenBase],
    permohonan_model: type[PermohonanBase],
    required: RequiredDokumen,
    path: str = "/permohonan/{permohonan_id}",
    workflow: Workflow = PERMOHONAN,
) -> None:
    """`POST {path}/dokumen` (the applicant uploads or replaces a document) and
    `GET {path}/dokumen/{dokumen_id}` (the applicant or the region's staff download it), through
    `puja_kit.workflow.dokumen`. `required` names the jenis the application asks for."""

    async def upload_dokumen(
        permohonan_id: UUID,
        jenis: Annotated[
            Annotated[str, Nama(max_length=120)], Form(description="Jenis dokumen yang diminta")
        ],
        berkas: Annotated[UploadFile, File(description="PDF, JPG atau PNG, paling besar 5 MB")],
        session: SessionDep,
        tenant: TenantDep,
        storage: StorageDep,
        principal: Warga,
    ) -> DokumenRead:
        obj = await get_visible(
            session, workflow, permohonan_model, principal, tenant, permohonan_id, for_update=True
        )
        row = await dokumen.upload(
            session,
            model,
            obj,
            principal=principal,
            storage=storage,
            jenis=jenis,
            data=await dokumen.read_berkas(berkas),
            nama_berkas=berkas.filename,
            allowed=await required(session, tenant, obj),
        )
        return DokumenRead.model_validate(row)

    async def download_dokumen(
        permohonan_id: UUID,
        dokumen_id: UUID,
        session: SessionDep,
        tenant: TenantDep,
        storage: StorageDep,
        principal: WargaAtauPetugas,
    ) -> Response:
        obj = await get_visible(session, workflow, permohonan_model, principal, tenant, permohonan_id)
        row, content = await dokumen.open_dokumen(
            session, model, obj, principal=principal, tenant=tenant, storage=storage, dokumen_id=dokumen_id
        )
        return dokumen.dokumen_response(row, content)

    router.add_api_route(
        f"{path}/dokumen",
        upload_dokumen,
        methods=["POST"],
        response_model=DokumenRead,
        status_code=201,
        summary="Mengunggah atau mengganti dokumen saat draf atau perlu perbaikan (pemohon)",
        name="upload_dokumen",
    )
    router.add_api_route(
        f"{path}/dokumen/{{dokumen_id}}",
        download_dokumen,
        methods=["GET"],
        response_class=Response,
        responses=dokumen.DOKUMEN_RESPONSES,
        summary="Mengunduh dokumen permohonan (pemohon atau petugas)",
        name="download_dokumen",
    )
