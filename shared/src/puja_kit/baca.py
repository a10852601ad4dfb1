"""The read path: hot public and staff reads on a psycopg pool of their own, beside the SQLAlchemy engine.

A read costs what the ceiling costs (one round trip on a pooled connection) plus the region wall:

    BEGIN READ ONLY; SELECT set_config('puja.tenant_id', <kode>, true); <the query>; COMMIT

sent in psycopg's pipeline mode, all four in one round trip, so the closed RLS policy admits the
named region's rows and no others, and a write is refused by the server. Queries are SQLAlchemy Core
selects written in the service's repository and compiled once per statement shape (`compile_query`,
cached by the repository), with psycopg's `%(name)s` placeholders; rows come back as dicts and are
serialised to JSON straight away (`json_response`), without a second pass through Pydantic.

A connection the server closed (restart, `pg_terminate_backend`, idle timeout) is seen on checkout as
the engine sees it (its socket readable while idle) and replaced; one lost during the read is retried
once on a fresh connection (a read-only transaction may be sent again). See docs/platform.md "Read path".
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import psycopg
import pydantic_core
from fastapi import Depends, Request
from fastapi.responses import Response
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.sql.elements import ClauseElement

from puja_kit.db import PING_AFTER_IDLE_SECONDS, _closed_by_server
from puja_kit.errors import NotFound
from puja_kit.rls import TENANT_SETTING
from puja_kit.tenancy import Tenant, TenantCache

_DIALECT = PGDialect_psycopg()  # type: ignore[no-untyped-call]
# What the dialect learns from a first connection, said here (standard_conforming_strings is on
# since Postgres 9.1): a LIKE's ESCAPE '\' is written as one backslash.
_DIALECT._backslash_escapes = False
_BEGIN = "BEGIN READ ONLY"
_SET = "SELECT set_config(%s, %s, true)"
# Attempts at a read whose connection was lost under it (each on a fresh connection).
READ_ATTEMPTS = 2


def conninfo(database_url: str) -> str:
    """The libpq URI of a SQLAlchemy URL (`postgresql+psycopg://...` -> `postgresql://...`)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class Query:
    """A compiled SELECT: its text with `%(name)s` placeholders and the values of its constants."""

    sql: str
    constants: Mapping[str, Any]

    def params(self, values: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(values) - set(self.constants)
        if unknown:
            raise KeyError(f"parameter tidak ada di kueri: {sorted(unknown)}")
        return {**self.constants, **values}


def compile_query(stmt: ClauseElement) -> Query:
    """Compile a Core statement for psycopg once; its `bindparam(name)`s are given per call.

    Values go to psycopg as they are (no SQLAlchemy type processing): str, int, float, bool, date,
    datetime, UUID, lists of them."""
    compiled = stmt.compile(dialect=_DIALECT)
    return Query(compiled.string, dict(compiled.params))


class ReadPool:
    """A psycopg pool for read-only, region-scoped reads (opened and closed by the app's lifespan)."""

    def __init__(
        self,
        database_url: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        ping_after_idle: float = PING_AFTER_IDLE_SECONDS,
    ) -> None:
        self.pool = AsyncConnectionPool(
            conninfo(database_url),
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True},
            open=False,
            name="baca",
        )
        self.ping_after_idle = ping_after_idle
        self._idle_since: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], float] = (
            weakref.WeakKeyDictionary()
        )

    async def open(self) -> None:
        # Like the engine, the first connection is made when needed: a service starts while its
        # database is still coming up.
        await self.pool.open(wait=False)

    async def close(self) -> None:
        await self.pool.close()

    async def _alive(self, conn: psycopg.AsyncConnection[Any]) -> bool:
        if _closed_by_server(conn):
            return False
        idle_since = self._idle_since.get(conn)
        if idle_since is None or time.monotonic() - idle_since < self.ping_after_idle:
            return True
        try:
            await conn.execute("")  # a silent network drop sends no FIN: ask
        except psycopg.Error:
            return False
        return True

    async def _getconn(self) -> psycopg.AsyncConnection[Any]:
        # Every idle connection may be dead (a database restart): try each once, then wait for a new one.
        for _ in range(self.pool.max_size + 1):
            conn = await self.pool.getconn()
            if await self._alive(conn):
                return conn
            await conn.close()
            await self.pool.putconn(conn)  # a closed connection is discarded and replaced by the pool
        return await self.pool.getconn()

    async def _putconn(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._idle_since[conn] = time.monotonic()
        await self.pool.putconn(conn)

    async def fetch(self, tenant_kode: str, query: Query, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The rows of `query` in one read-only transaction scoped to `tenant_kode`, in one round trip."""
        params = query.params(values)
        for attempt in range(READ_ATTEMPTS):
            conn = await self._getconn()
            try:
                # One cursor for the statements around the query (a cursor per statement costs more).
                side, cursor = conn.cursor(), conn.cursor(row_factory=dict_row)
                async with conn.pipeline():
                    await side.execute(_BEGIN)
                    await side.execute(_SET, (TENANT_SETTING, tenant_kode))
                    await cursor.execute(query.sql, params)
                    await side.execute("COMMIT")
                return await cursor.fetchall()
            except psycopg.Error:
                if not conn.closed:
                    await conn.rollback()
                elif attempt + 1 < READ_ATTEMPTS:
                    continue  # lost under the read: again, on a fresh connection
                raise
            finally:
                await self._putconn(conn)
        raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Reader:
    """A request's read access to its region: each `all`/`one` is a read-only transaction of its own."""

    pool: ReadPool
    tenant: Tenant

    async def all(self, query: Query, **values: Any) -> list[dict[str, Any]]:
        """The rows of `query`; its `tenant` parameter (the repository's own filter, beside the policy)
        is the request's region unless given."""
        if "tenant" in query.constants:
            values.setdefault("tenant", self.tenant.kode)
        return await self.pool.fetch(self.tenant.kode, query, values)

    async def one(self, query: Query, **values: Any) -> dict[str, Any] | None:
        rows = await self.all(query, **values)
        return rows[0] if rows else None


async def _reader(request: Request, tenant: str) -> Reader:
    """The `{tenant}` path slug as a region that enabled this app's layanan (or the 404 problem, as
    TenantDep), with the app's read pool."""
    cache: TenantCache | None = getattr(request.app.state, "tenants", None)
    layanan: str | None = getattr(request.app.state, "layanan", None)
    if cache is None or layanan is None:
        raise NotFound("Layanan ini tidak memakai data daerah.")
    return Reader(request.app.state.read_pool, await cache.get(tenant, layanan))


ReaderDep = Annotated[Reader, Depends(_reader)]


def json_response(content: Any, status_code: int = 200) -> Response:
    """JSON as FastAPI writes a response model (pydantic-core's serialiser: the same bytes for the same
    values), without validating the payload again."""
    return Response(pydantic_core.to_json(content), status_code=status_code, media_type="application/json")
