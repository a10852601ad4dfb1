"""The read path (puja_kit.baca): a region's rows only, read-only, and a killed connection never reaches
the client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from puja_kit.baca import Reader, ReadPool, compile_query, conninfo, json_response, query_of
from puja_kit.db import IdModel, TenantModel, service_registry, transaction
from puja_kit.events.catalog import LayananSettings
from puja_kit.rls import apply_tenant_policies
from puja_kit.tenancy import Tenant
from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel, col


class _Base(SQLModel, registry=service_registry()):
    pass


class CatatanJalur(IdModel, TenantModel, _Base, table=True):
    __tablename__ = "catatan_jalur"

    isi: str = Field(max_length=50)


def _tenant(kode: str) -> Tenant:
    return Tenant(kode, f"daerah-{kode}", "Daerah Uji", "WITA", "kesehatan", LayananSettings())


# Without the repository's own tenant filter: only the policy stands between a read and other regions.
SEMUA = compile_query(select(col(CatatanJalur.isi)).order_by(col(CatatanJalur.isi)))
SATU = compile_query(select(col(CatatanJalur.isi)).where(col(CatatanJalur.isi) == bindparam("isi")))


@pytest.fixture
async def pool(kit_db: async_sessionmaker[AsyncSession]) -> AsyncIterator[ReadPool]:
    engine = kit_db.kw["bind"]
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
        await conn.run_sync(lambda sync: apply_tenant_policies(sync, _Base.metadata))
    async with transaction(kit_db, all_regions=True) as session:
        session.add_all(
            [CatatanJalur(tenant_id="63.08", isi="hulu"), CatatanJalur(tenant_id="63.09", isi="tabalong")]
        )
    read_pool = ReadPool(engine.url.render_as_string(hide_password=False), max_size=3)
    await read_pool.open()
    yield read_pool
    await read_pool.close()


async def test_the_service_role_is_held_by_the_policy(pool: ReadPool) -> None:
    """What makes the wall real: the role is no superuser, cannot bypass RLS, and RLS is forced."""
    async with pool.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            " UNION ALL SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'catatan_jalur'"
        )
        assert await cur.fetchall() == [(False, False), (True, True)]


async def test_a_read_sees_only_the_named_regions_rows(pool: ReadPool) -> None:
    assert await Reader(pool, _tenant("63.08")).all(SEMUA) == [{"isi": "hulu"}]
    assert await Reader(pool, _tenant("63.09")).all(SEMUA) == [{"isi": "tabalong"}]
    # Another region's row, asked for by name, is not there.
    assert await Reader(pool, _tenant("63.08")).one(SATU, isi="tabalong") is None
    # A region with no rows sees none, and the setting does not outlive its transaction: the same
    # pooled connection, used without a region, sees nothing.
    assert await Reader(pool, _tenant("63.11")).all(SEMUA) == []
    async with pool.pool.connection() as conn:
        cur = await conn.execute(SEMUA.sql, SEMUA.params({}))
        assert await cur.fetchall() == []
        cur = await conn.execute("SELECT current_setting('puja.tenant_id', true)")
        assert (await cur.fetchone()) in ((None,), ("",))


async def test_a_read_cannot_write(pool: ReadPool) -> None:
    write = query_of(
        "INSERT INTO catatan_jalur (id, tenant_id, isi) VALUES (gen_random_uuid(), '63.08', 'x')"
    )
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        await pool.fetch("63.08", write, {})
    # The connection went back clean: the next read on the pool works and sees no new row.
    assert await Reader(pool, _tenant("63.08")).all(SEMUA) == [{"isi": "hulu"}]


async def test_a_query_error_leaves_the_pool_usable(pool: ReadPool) -> None:
    broken = query_of("SELECT isi FROM catatan_jalur WHERE length(isi) = 1/0")
    for _ in range(pool.pool.max_size + 1):
        with pytest.raises(psycopg.errors.DivisionByZero):
            await pool.fetch("63.08", broken, {})
    assert await Reader(pool, _tenant("63.08")).all(SEMUA) == [{"isi": "hulu"}]


async def test_a_failed_read_of_a_shape_does_not_spoil_its_next_read(pool: ReadPool) -> None:
    """A read is PREPARE (first time on a connection), set_config, EXECUTE in one message; the
    PREPARE outlives a message that fails after it, and the next read of that shape still works."""
    bagi = compile_query(
        select(col(CatatanJalur.isi)).where(func.length(col(CatatanJalur.isi)) > 1 / bindparam("d"))
    )
    for _ in range(pool.pool.max_size + 1):
        with pytest.raises(psycopg.errors.DivisionByZero):
            await pool.fetch("63.08", bagi, {"d": 0})
        assert await pool.fetch("63.08", bagi, {"d": 1}) == [{"isi": "hulu"}]
    # Once prepared on a connection, the shape is read from that statement.
    async with pool.pool.connection() as conn:
        cur = await conn.execute("SELECT name FROM pg_prepared_statements")
        assert [row[0] for row in await cur.fetchall()] in ([], [bagi.name])


async def test_a_value_is_quoted_not_spliced(pool: ReadPool) -> None:
    reader = Reader(pool, _tenant("63.08"))
    for hostile in (
        "hulu' OR '1'='1",
        "x'); SELECT set_config('puja.tenant_id', '63.09', false); --",
        "100%",
    ):
        assert await reader.one(SATU, isi=hostile) is None
    assert await Reader(pool, _tenant("63.09")).all(SEMUA) == [{"isi": "tabalong"}]
    assert await reader.all(SEMUA) == [{"isi": "hulu"}]


async def _backends(conn: psycopg.AsyncConnection[Any]) -> list[int]:
    """The other client connections to this database (the pool's, and the engine's)."""
    cur = await conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )
    return [row[0] for row in await cur.fetchall()]


async def test_a_connection_killed_by_the_server_is_replaced_without_an_error(
    kit_db: async_sessionmaker[AsyncSession], pool: ReadPool
) -> None:
    app = FastAPI()
    app.state.read_pool = pool

    @app.get("/baca")
    async def read() -> Any:
        return json_response(await Reader(app.state.read_pool, _tenant("63.08")).all(SEMUA))

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        assert (await client.get("/baca")).json() == [{"isi": "hulu"}]
        url = kit_db.kw["bind"].url.render_as_string(hide_password=False)
        async with await psycopg.AsyncConnection.connect(conninfo(url), autocommit=True) as admin:
            victims = await _backends(admin)
            assert victims
            for pid in victims:
                # With a timeout, it returns once the backend has exited.
                cur = await admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
                assert await cur.fetchone() == (True,)
            assert set(victims).isdisjoint(await _backends(admin))
            # Every idle connection of the pool is dead now; each request still gets its rows.
            for _ in range(pool.pool.max_size + 2):
                response = await client.get("/baca")
                assert response.status_code == 200, response.text
                assert response.json() == [{"isi": "hulu"}]


async def test_a_connection_lost_under_a_read_is_retried_once(pool: ReadPool) -> None:
    """A connection that dies between the checkout's look and the read (no FIN seen yet) is not the
    client's problem either: the read is sent again on a fresh connection."""
    original = pool._alive
    killed: list[psycopg.AsyncConnection[Any]] = []

    async def closed_after_check(candidate: psycopg.AsyncConnection[Any]) -> bool:
        alive = await original(candidate)
        if alive and not killed:
            # The first connection handed out is killed after the look: the socket is still open on
            # our side, its backend gone. (Whichever it is: the pool may hold several.)
            async with await psycopg.AsyncConnection.connect(pool.pool.conninfo, autocommit=True) as admin:
                await admin.execute("SELECT pg_terminate_backend(%s, 5000)", (candidate.info.backend_pid,))
            killed.append(candidate)
        return alive

    pool._alive = closed_after_check  # type: ignore[method-assign]
    assert await Reader(pool, _tenant("63.08")).all(SEMUA) == [{"isi": "hulu"}]
    assert killed and killed[0].closed, "the read went to the killed connection first, then again"


def test_queries_compile_with_psycopg_placeholders_and_one_backslash_escape() -> None:
    query = compile_query(
        select(col(CatatanJalur.isi)).where(col(CatatanJalur.isi).like(bindparam("pola"), escape="\\"))
    )
    assert "%(pola)s" in query.sql and "ESCAPE '\\'" in query.sql
    with pytest.raises(KeyError):
        query.params({"lain": 1})
    assert query.params({"pola": "a%"}) == {"pola": "a%"}


async def test_conninfo_reaches_the_engines_database(kit_db: async_sessionmaker[AsyncSession]) -> None:
    url = kit_db.kw["bind"].url
    async with await psycopg.AsyncConnection.connect(
        conninfo(url.render_as_string(hide_password=False))
    ) as conn:
        cur = await conn.execute("SELECT current_database()")
        assert (await cur.fetchone()) == (url.database,)
