"""RepositoryBase: every query of a region-owned table starts from a tenant-scoped statement."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import func, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import SQLModel

from puja_kit.errors import NotFound

M = TypeVar("M", bound=SQLModel)
T = TypeVar("T")


class PageParams(BaseModel):
    page: int = 1
    size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def _page_params(
    page: Annotated[int, Query(ge=1, le=10_000, description="Halaman, mulai dari 1")] = 1,
    size: Annotated[int, Query(ge=1, le=100, description="Jumlah per halaman (maks. 100)")] = 20,
) -> PageParams:
    return PageParams(page=page, size=size)


PageDep = Annotated[PageParams, Depends(_page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


async def set_tenant(session: AsyncSession, tenant_id: str) -> None:
    """Row-level security, the second wall: policies admit only this tenant's rows in this transaction."""
    await session.execute(text("SELECT set_config('puja.tenant_id', :t, true)"), {"t": tenant_id})


class RepositoryBase(Generic[M]):
    """Subclasses set `model`; a tenant-scoped repository is built with the request's tenant id."""

    model: type[M]
    not_found = "Data tidak ditemukan"

    def __init__(self, session: AsyncSession, tenant_id: str | None = None) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def base_statement(self) -> Select[tuple[M]]:
        stmt = select(self.model)
        if self.tenant_id is not None:
            stmt = stmt.where(self.model.tenant_id == self.tenant_id)  # type: ignore[attr-defined]
        return stmt

    async def scope(self) -> None:
        if self.tenant_id is not None:
            await set_tenant(self.session, self.tenant_id)

    async def get(self, id: UUID | str | Any) -> M | None:
        pk = sa_inspect(self.model, raiseerr=True).primary_key[0]
        return (await self.session.scalars(self.base_statement().where(pk == id))).first()

    async def get_or_404(self, id: UUID | str | Any) -> M:
        row = await self.get(id)
        if row is None:
            raise NotFound(self.not_found)
        return row

    async def paginate(self, stmt: Select[tuple[M]], params: PageParams) -> tuple[list[M], int]:
        total = await self.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        rows = (await self.session.scalars(stmt.offset(params.offset).limit(params.size))).all()
        return list(rows), int(total or 0)

    def add(self, row: M) -> M:
        if self.tenant_id is not None and hasattr(row, "tenant_id"):
            row.tenant_id = self.tenant_id
        self.session.add(row)
        return row
