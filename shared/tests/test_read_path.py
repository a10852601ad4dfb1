"""The read path pays only for what it needs: no ping per checkout, the tenant in the BEGIN's round trip,
no relay wake-up for a read, a token checked once, while the walls still hold."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import psycopg
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from puja_kit.auth import TokenVerifier
from puja_kit.db import (
    IdModel,
    SessionDep,
    TenantModel,
    make_engine,
    make_sessionmaker,
    service_registry,
    transaction,
)
from puja_kit.errors import Unauthorized
from puja_kit.outbox.writer import add_event
from puja_kit.rls import apply_tenant_policies, set_tenant
from puja_kit.testing.plugin import Infra
from puja_kit.testing.tokens import TokenFactory, grant
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel


class _Base(SQLModel, registry=service_registry()):
    pass


class CatatanBaca(IdModel, TenantModel, _Base, table=True):
    __tablename__ = "catatan_baca"

    isi: str = Field(max_length=50)


@pytest.fixture
async def db(kit_db: async_sessionmaker[AsyncSession]) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = kit_db.kw["bind"]
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
        await conn.run_sync(lambda sync: apply_tenant_policies(sync, _Base.metadata))
    async with transaction(kit_db, all_regions=True) as session:
        session.add_all(
            [CatatanBaca(tenant_id="63.08", isi="hulu"), CatatanBaca(tenant_id="63.09", isi="tabalong")]
        )
    yield kit_db


def statements(engine: AsyncEngine) -> list[str]:
    """Every statement SQLAlchemy sends on this engine from now on."""
    sent: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda c, cur, st, *a: sent.append(st))
    return sent


async def seen(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(CatatanBaca.isi).order_by(CatatanBaca.isi))).all())


async def test_the_tenant_travels_with_the_begin_and_the_wall_still_holds(
    db: async_sessionmaker[AsyncSession],
) -> None:
    sent = statements(db.kw["bind"])
    async with transaction(db, tenant="63.08") as session:
        assert await seen(session) == ["hulu"]
    # One statement of its own: the setting went with the BEGIN, not in a round trip before the read.
    assert len(sent) == 1, sent
    async with transaction(db, tenant="63.09") as session:
        assert await seen(session) == ["tabalong"]
    async with transaction(db) as session:
        assert await seen(session) == []
    # The setting is the transaction's: the connection back in the pool carries none of it.
    async with db() as session:
        assert await seen(session) == []
        setting = await session.scalar(text("SELECT current_setting('puja.tenant_id', true)"))
        assert not setting


async def test_saying_the_tenant_again_costs_nothing_and_a_new_region_or_transaction_still_counts(
    db: async_sessionmaker[AsyncSession],
) -> None:
    sent = statements(db.kw["bind"])
    async with db() as session:
        await set_tenant(session, "63.08")
        await set_tenant(session, "63.08")  # the tenant dependency, then the service
        assert await seen(session) == ["hulu"]
        assert len(sent) == 1, sent
        await set_tenant(session, "63.09")
        assert await seen(session) == ["tabalong"]
        await session.commit()
        # A new transaction: the wall is closed again until it is told the region.
        assert await seen(session) == []
        await set_tenant(session, "63.09")
        assert await seen(session) == ["tabalong"]
        savepoint = await session.begin_nested()
        await set_tenant(session, "63.08")
        assert await seen(session) == ["hulu"]
        await savepoint.rollback()
        assert await seen(session) == ["tabalong"]
        # Rolling the savepoint back undid its setting; said again, it is applied again.
        await set_tenant(session, "63.08")
        assert await seen(session) == ["hulu"]


async def test_a_warm_connection_is_not_pinged_and_an_idle_one_is(
    puja_infra: Infra, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = puja_infra.postgres.ensure_database("kit_baca_ping", "kit-test-pw")
    for options, expected in (({}, 0), ({"ping_after_idle": 0.0}, 3)):
        engine = make_engine(url, pool_size=1, **options)
        pings: list[object] = []
        real_ping = engine.dialect.do_ping

        def counting_ping(dbapi_connection: Any, real: Any = real_ping, pings: list[object] = pings) -> bool:
            pings.append(dbapi_connection)
            return bool(real(dbapi_connection))

        monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
        sessionmaker = make_sessionmaker(engine)
        try:
            async with transaction(sessionmaker) as session:
                await session.execute(text("SELECT 1"))
            pings.clear()  # the first checkout made the connection
            for _ in range(3):
                async with transaction(sessionmaker) as session:
                    await session.execute(text("SELECT 1"))
            assert len(pings) == expected, options
        finally:
            await engine.dispose()


async def test_a_connection_the_server_closed_is_replaced_without_an_error(puja_infra: Infra) -> None:
    url = puja_infra.postgres.ensure_database("kit_baca_putus", "kit-test-pw")
    engine = make_engine(url, pool_size=1)
    sessionmaker = make_sessionmaker(engine)
    try:
        async with transaction(sessionmaker) as session:
            first = await session.scalar(text("SELECT pg_backend_pid()"))
        with psycopg.connect(puja_infra.postgres.admin_dsn(), autocommit=True) as admin:
            # With a timeout the call returns once the backend is gone (its socket closed).
            row = admin.execute("SELECT pg_terminate_backend(%s, 5000)", (first,)).fetchone()
            assert row is not None and row[0] is True
        async with transaction(sessionmaker) as session:
            second = await session.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        await engine.dispose()


async def test_a_connection_lost_before_its_begin_fails_as_a_database_error_and_is_replaced(
    puja_infra: Infra,
) -> None:
    url = puja_infra.postgres.ensure_database("kit_baca_begin", "kit-test-pw")
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
            await conn.commit()
            with psycopg.connect(puja_infra.postgres.admin_dsn(), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
            # The next statement begins a transaction on the lost connection: the usual database error
            # (what puja_kit.faults treats as transient), the connection thrown away.
            with pytest.raises(DBAPIError) as failure:
                await conn.execute(text("SELECT 1"))
            assert failure.value.connection_invalidated
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        await engine.dispose()


class _Relay:
    def __init__(self) -> None:
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1


async def test_a_read_does_not_wake_the_relay_and_a_write_does(db: async_sessionmaker[AsyncSession]) -> None:
    from puja_kit.events.catalog import SesiRevoked

    app = FastAPI()
    app.state.sessionmaker = db
    app.state.relay = relay = _Relay()

    @app.get("/baca")
    async def read(session: SessionDep) -> dict[str, int]:
        await set_tenant(session, "63.08")
        return {"n": int(await session.scalar(select(func.count()).select_from(CatatanBaca)) or 0)}

    @app.post("/tulis")
    async def write(session: SessionDep) -> dict[str, bool]:
        data = SesiRevoked(sid=IdModel().id, akun_id=IdModel().id, expires_at=datetime.now(UTC))
        await add_event(session, "puja.akun.sesi.revoked", data, tenant=None)
        return {"ok": True}

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/baca")).json() == {"n": 1}
        assert relay.wakes == 0
        assert (await client.post("/tulis")).status_code == 200
        assert relay.wakes == 1


async def test_a_token_is_verified_once_and_still_refused_after_logout_or_key_withdrawal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = TokenFactory(tmp_path)
    verifier = TokenVerifier(
        tokens.jwks_url, issuer=tokens.issuer, audience=tokens.audience, min_refetch_seconds=0
    )
    decoded: list[str] = []
    real_decode = jwt.decode

    def counting_decode(token: str, *args: Any, **kwargs: Any) -> Any:
        decoded.append(token)
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting_decode)
    token = tokens.issue(grant("warga"))
    first = await verifier.verify(token)
    assert await verifier.verify(token) == first
    assert len(decoded) == 1, "the second call reuses the first check"

    # A logout still counts for a token verified before it.
    verifier.revoked.add(first.sid, datetime.now(UTC) + timedelta(minutes=15))
    with pytest.raises(Unauthorized):
        await verifier.verify(token)

    # A key withdrawn from the key set: its tokens are refused once the set is read again.
    other = tokens.issue(grant("warga"))
    await verifier.verify(other)
    tokens.jwks_path.write_text(json.dumps({"keys": []}))
    verifier._fetched_at = 0.0  # the key set is due to be read again (refresh_seconds elapsed)
    with pytest.raises(Unauthorized):
        await verifier.verify(other)

    # An expired token is refused even though it was verified while valid.
    short = tokens.issue(grant("warga"), expires_in=timedelta(seconds=-31))
    with pytest.raises(Unauthorized):
        await verifier.verify(short)
