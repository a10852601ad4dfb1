"""The read path: hot public and staff reads on a psycopg pool of their own, beside the SQLAlchemy engine.

A read costs what the ceiling costs (one round trip on a pooled connection) plus the region wall. It
is one message in the simple query protocol:

    SELECT set_config('puja.tenant_id', <kode>, true); EXECUTE baca_<shape>(<values>)

The statements of one such message are one implicit transaction, so the setting is local to it and
gone after, and the closed RLS policy admits the named region's rows and no others. The query is a
server-side prepared statement, made on each connection the first time that connection reads that
shape (`PREPARE` at the head of the same message), so its plan is made once per connection; the
values are quoted by psycopg (`ClientCursor`). The pool's connections open with
`default_transaction_read_only`, so the server refuses a write. (psycopg's pipeline mode, which the
path used before, sent the same in one round trip but cost three times the client's CPU of the
query alone; a message costs about twice.)

Queries are SQLAlchemy Core selects written in the service's repository and compiled once per
statement shape (`compile_query`, cached by the repository); rows come back as dicts and are
serialised to JSON straight away (`json_response`), without a second pass through Pydantic.

A connection the server closed (restart, `pg_terminate_backend`, idle timeout) is seen on checkout as
the engine sees it (its socket readable while idle) and replaced; one lost during the read is retried
once on a fresh connection (a read-only transaction may be sent again). See docs/platform.md "Read path".
"""

from __future__ import annotations

import hashlib
import re
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
# Every transaction of the pool's connections is read-only.
_READ_ONLY = "-c default_transaction_read_only=on"
_SET = f"SELECT set_config('{TENANT_SETTING}', %s, true)"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Attempts at a read whose connection was lost under it (each on a fresh connection).
READ_ATTEMPTS = 2


def conninfo(database_url: str) -> str:
    """The libpq URI of a SQLAlchemy URL (`postgresql+psycopg://...` -> `postgresql://...`)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class Query:
    """A compiled SELECT: its text with `%(name)s` placeholders and the values of its constants; and
    the same as a prepared statement (`name`, `prepare`: `PREPARE name AS ...` with `$n` for the
    parameters in `order`)."""

    sql: str
    constants: Mapping[str, Any]
    name: str
    prepare: str
    order: tuple[str, ...]

    def params(self, values: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(values) - set(self.constants)
        if unknown:
            raise KeyError(f"parameter tidak ada di kueri: {sorted(unknown)}")
        return {**self.constants, **values}

    def message(self, *, prepare: bool) -> str:
        """The read's one message, with `%s` for the region's kode, then the parameters in `order`."""
        execute = f"EXECUTE {self.name}"
        if self.order:
            execute += f"({', '.join(['%s'] * len(self.order))})"
        return "; ".join([*([self.prepare] if prepare else []), _SET, execute])


def compile_query(stmt: ClauseElement) -> Query:
    """Compile a Core statement for psycopg once; its `bindparam(name)`s are given per call.

    Values go to psycopg as they are (no SQLAlchemy type processing): str, int, float, bool, date,
    datetime, UUID, lists of them. The server infers each parameter's type from where it stands."""
    compiled = stmt.compile(dialect=_DIALECT)
    return query_of(compiled.string, dict(compiled.params))


def query_of(text: str, constants: Mapping[str, Any] | None = None) -> Query:
    """A Query from SQL text with psycopg's `%(name)s` placeholders."""
    order: list[str] = []

    def numbered(match: re.Match[str]) -> str:
        if match.group(1) not in order:
            order.append(match.group(1))
        return f"${order.index(match.group(1)) + 1}"

    # `%%` stays: the message is formatted by psycopg, which makes it one `%` again.
    positional = _PLACEHOLDER.sub(numbered, text)
    name = "baca_" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return Query(text, dict(constants or {}), name, f"PREPARE {name} AS {positional}", tuple(order))


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
            kwargs={"autocommit": True, "options": _READ_ONLY},
            open=False,
            name="baca",
        )
        self.ping_after_idle = ping_after_idle
        self._idle_since: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], float] = (
            weakref.WeakKeyDictionary()
        )
        # The statements each connection has prepared (by Query.name).
        self._prepared: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], set[str]] = (
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
        """The rows of `query` in one read-only transaction scoped to `tenant_kode`, in one message."""
        params = query.params(values)
        args = [tenant_kode, *(params[name] for name in query.order)]
        for attempt in range(READ_ATTEMPTS):
            conn = await self._getconn()
            prepared = self._prepared.setdefault(conn, set())
            new = query.name not in prepared
            try:
                cursor = psycopg.AsyncClientCursor(conn, row_factory=dict_row)
                await cursor.execute(query.message(prepare=new), args)
                if new:
                    prepared.add(query.name)
                    cursor.nextset()  # past PREPARE
                cursor.nextset()  # past set_config
                return await cursor.fetchall()
            except psycopg.Error:
                if not conn.closed:
                    # A PREPARE outlives the failed message: start the connection's statements afresh
                    # (or, if even that fails, the connection: the pool replaces a closed one).
                    prepared.clear()
                    try:
                        await conn.execute("DEALLOCATE ALL")
                    except psycopg.Error:
                        await conn.close()
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
