"""RepositoryBase: every query of a region-owned table starts from a tenant-scoped statement.

Two list shapes: `Page` (page/size with a total) for small lists that do not grow with a region
(facilities, permit types, regions, staff accounts), and `CursorPage` (keyset: an opaque cursor, no
COUNT) for the lists that do (residents, applications, notifications). See docs/platform.md.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import func, select, tuple_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Select, operators
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import SQLModel

from puja_kit.errors import InvalidInput, NotFound
from puja_kit.rls import set_tenant

M = TypeVar("M", bound=SQLModel)
T = TypeVar("T")


class PageParams(BaseModel):
    page: int = 1
    size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


async def _page_params(
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


MAX_LIMIT = 100


class CursorParams(BaseModel):
    cursor: str | None = None
    limit: int = 20


async def _cursor_params(
    cursor: Annotated[
        str | None,
        Query(max_length=1000, description="Kursor dari `next_cursor` halaman sebelumnya; kosong: awal"),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Jumlah per halaman (maks. {MAX_LIMIT})")
    ] = 20,
) -> CursorParams:
    return CursorParams(cursor=cursor or None, limit=limit)


CursorDep = Annotated[CursorParams, Depends(_cursor_params)]


class CursorPage(BaseModel, Generic[T]):
    """A keyset page: `next_cursor` is null on the last page. No total: counting a region's rows costs
    as much as reading them all (an operator's count is a query of its own, not part of every page)."""

    items: list[T]
    next_cursor: str | None
    limit: int


class KursorTidakValid(InvalidInput):
    code = "kursor_tidak_valid"
    title = "Kursor halaman tidak valid"

    def __init__(self) -> None:
        super().__init__(
            "Kursor tidak dikenali; mulai lagi dari halaman pertama tanpa parameter cursor.",
            errors=[{"field": "cursor", "code": "kursor", "message": "kursor tidak valid"}],
        )


def _encode_value(value: Any) -> Any:
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, UUID | datetime | date):
        return value.isoformat() if not isinstance(value, UUID) else str(value)
    raise TypeError(f"kolom kursor bertipe {type(value).__name__} belum didukung")


def _decode_value(raw: Any, column: ColumnElement[Any]) -> Any:
    try:
        kind = column.type.python_type
    except NotImplementedError:  # pragma: no cover - a type without a python_type
        kind = str
    if kind is UUID:
        return UUID(str(raw))
    if kind is datetime:
        parsed = datetime.fromisoformat(str(raw))
        if parsed.tzinfo is None:
            raise ValueError("timestamp tanpa zona waktu")
        return parsed
    if kind is date:
        return date.fromisoformat(str(raw))
    if kind is int and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if kind is str and isinstance(raw, str):
        return raw
    raise ValueError(f"nilai kursor bukan {kind.__name__}")


def encode_cursor(values: list[Any]) -> str:
    """The opaque cursor of a row: base64url of its sort key as JSON."""
    payload = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, columns: list[ColumnElement[Any]]) -> list[Any]:
    """The sort key in `cursor`, typed like `columns`; KursorTidakValid (422) for anything else."""
    try:
        payload = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(payload)
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError("jumlah kolom kursor")
        return [_decode_value(v, c) for v, c in zip(values, columns, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise KursorTidakValid() from None


def sort_key(stmt: Select[Any]) -> tuple[list[ColumnElement[Any]], bool]:
    """The ORDER BY columns of `stmt` and whether they descend (all in one direction, no NULLS modifier:
    a row comparison `(a, b) > (x, y)` is then an index condition on an index with the same columns)."""
    columns: list[ColumnElement[Any]] = []
    directions: set[bool] = set()
    for clause in stmt._order_by_clauses:
        descending = False
        if isinstance(clause, UnaryExpression):
            if clause.modifier is operators.desc_op:
                descending = True
            elif clause.modifier is not operators.asc_op:
                raise TypeError("urutan kursor tidak boleh memakai NULLS FIRST/LAST")
            clause = clause.element
        columns.append(clause)
        directions.add(descending)
    if not columns or len(directions) != 1:
        raise TypeError("pagination kursor perlu ORDER BY dengan satu arah untuk semua kolomnya")
    return columns, directions.pop()


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


def prefix_pattern(q: str) -> str:
    """A LIKE pattern matching what starts with `q`, escaped as `contains_pattern` (for a bound value,
    where `startswith(..., autoescape=True)` needs a literal)."""
    return contains_pattern(q)[1:]


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

    async def keyset(self, stmt: Select[tuple[M]], params: CursorParams) -> tuple[list[M], str | None]:
        """One keyset page of `stmt` in its ORDER BY (which must end in a column unique within the
        statement, e.g. id or a region's NIK), and the cursor of the next page (None at the end).
        No COUNT, no OFFSET: the cost of a page does not depend on how deep it is, given an index on
        (tenant_id, <the ORDER BY columns>).
        """
        columns, _descending = sort_key(stmt)
        rows = list((await self.session.scalars(self.page_statement(stmt, params))).all())
        if len(rows) <= params.limit:
            return rows, None
        rows = rows[: params.limit]
        return rows, encode_cursor([getattr(rows[-1], str(c.key)) for c in columns])

    @staticmethod
    def page_statement(stmt: Select[tuple[M]], params: CursorParams) -> Select[tuple[M]]:
        """The statement `keyset` runs: rows after the cursor's key, one more than a page."""
        columns, descending = sort_key(stmt)
        if params.cursor is not None:
            after = decode_cursor(params.cursor, columns)
            key, bound = tuple_(*columns), tuple_(*after)
            stmt = stmt.where(key < bound if descending else key > bound)
        return stmt.limit(params.limit + 1)

    def add(self, row: M) -> M:
        if self.tenant_id is not None and hasattr(row, "tenant_id"):
            row.tenant_id = self.tenant_id
        self.session.add(row)
        return row
