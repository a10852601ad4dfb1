"""One POST route per workflow action, the same shape in every layanan:
`POST .../permohonan/{permohonan_id}/<action>` with an optional `{"catatan": ...}`.
"""

# No `from __future__ import annotations` here: FastAPI reads these endpoints' annotations at runtime.

from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from puja_kit.auth import Principal, PrincipalDep
from puja_kit.db import SessionDep
from puja_kit.tenancy import Tenant, tenant_dependency
from puja_kit.workflow.schemas import TransitionIn

# (session, principal, tenant, permohonan_id, action, catatan) -> the application as the API shows it
TransitionHandler = Callable[[AsyncSession, Principal, Tenant, UUID, str, str | None], Awaitable[Any]]


def add_transition_routes(
    router: APIRouter,
    *,
    layanan: str,
    handler: TransitionHandler,
    response_model: Any,
    actions: Sequence[tuple[str, str, str]],
    path: str = "/permohonan/{permohonan_id}",
) -> None:
    """`actions` are (url segment, workflow action, summary); the handler applies the action."""
    current_tenant = tenant_dependency(layanan)

    def endpoint_for(action: str) -> Callable[..., Awaitable[Any]]:
        async def endpoint(
            permohonan_id: UUID,
            session: SessionDep,
            principal: PrincipalDep,
            tenant: Tenant = Depends(current_tenant),
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
