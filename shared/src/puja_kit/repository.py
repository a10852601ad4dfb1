"""RepositoryBase: every query of a region-owned table starts from a tenant-scoped statement."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import SQLModel

from puja_kit.errors import NotFound
from puja_kit.rls import set_tenant

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


LIKE_ESCAPE = "\\"
"""The escape character of the patterns below: pass it as `.ilike(pattern, escape=LIKE_ESCAPE)`."""


def contains_pattern(q: str) -> str:
    """A LIKE pattern matching `q` anywhere, with `%`, `_` and the escape character taken literally.

    Without escaping, a search for `%` or `_` would match every row.
    """
    escaped = (
        q.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


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

    async def get(self, id: UUID | str | tuple[Any, ...] | Any) -> M | None:
        """The row with this primary key; a composite key is given as a tuple in the columns' order."""
        columns = sa_inspect(self.model, raiseerr=True).primary_key
        values = id if isinstance(id, tuple) else (id,)
        if len(values) != len(columns):
            names = ", ".join(column.name for column in columns)
            raise TypeError(f"kunci {self.model.__name__} terdiri atas {len(columns)} kolom ({names})")
        match = [column == value for column, value in zip(columns, values, strict=True)]
        return (await self.session.scalars(self.base_statement().where(*match))).first()

    async def get_or_404(self, id: UUID | str | tuple[Any, ...] | Any) -> M:
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
