"""Engine, the request session that commits or rolls back, base models and the naming convention."""

from __future__ import annotations

import select
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import uuid_utils
from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, MetaData, event, func
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from puja_kit.rls import begin_with_settings, see_all_regions, set_tenant

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def service_registry() -> registry:
    """Each service maps its tables in a registry of its own, so two services may both have a table
    named `permohonan` (they live in different databases) and still be imported into one process."""
    return registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def new_id() -> UUID:
    """A time-sortable id (UUIDv7)."""
    return UUID(str(uuid_utils.uuid7()))


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp_column(**kwargs: Any) -> Any:
    return Field(
        default_factory=utcnow,
        sa_type=DateTime(timezone=True),
        sa_column_kwargs={"server_default": func.now(), **kwargs},
    )


class IdModel(SQLModel):
    id: UUID = Field(default_factory=new_id, primary_key=True)


class TimestampedModel(SQLModel):
    created_at: datetime = timestamp_column()
    updated_at: datetime = timestamp_column(onupdate=func.now())


class TenantModel(SQLModel):
    """A row owned by one region: tenant_id is the region's kode wilayah (for example "63.08")."""

    tenant_id: str = Field(index=True, max_length=13)


# A pooled connection idle longer than this is pinged before use (a silent network drop sends no FIN).
PING_AFTER_IDLE_SECONDS = 30.0
# session.info key: the session wrote an outbox row, so the relay is woken after its commit.
OUTBOX_WRITTEN = "puja.outbox_written"


def make_engine(
    url: str, *, pool_size: int = 5, ping_after_idle: float = PING_AFTER_IDLE_SECONDS
) -> AsyncEngine:
    """The service's engine. No pre-ping on every checkout (a round trip per request): a connection the
    server closed (restart, pg_terminate_backend, idle timeout) has its socket readable while idle, which
    a poll with no wait sees, and only a connection idle longer than `ping_after_idle` pays a ping."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        pool_recycle=1800,
        # Transactions begin explicitly, with their RLS settings in the same round trip (puja_kit.rls).
        isolation_level="AUTOCOMMIT",
    )
    _check_liveness(engine.sync_engine, ping_after_idle)
    begin_with_settings(engine.sync_engine)
    return engine


def _closed_by_server(dbapi_connection: Any) -> bool:
    """Whether an idle connection has data or EOF waiting: the server's goodbye (FATAL, then close).

    Nothing else arrives on an idle connection of ours (no LISTEN); whatever it is, a fresh connection
    is the safe answer."""
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    if getattr(driver, "closed", False) or getattr(driver, "broken", False):
        return True
    try:
        fd = driver.fileno()
    except Exception:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _check_liveness(engine: Engine, ping_after_idle: float) -> None:
    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_connection: Any, record: Any) -> None:
        record.info["puja.idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        # DisconnectionError: the pool throws this connection away and hands out a fresh one.
        if _closed_by_server(dbapi_connection):
            raise DisconnectionError("koneksi ditutup oleh server")
        idle_since = record.info.get("puja.idle_since")
        if idle_since is None or time.monotonic() - idle_since < ping_after_idle:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError("koneksi tidak menjawab ping") from exc
            raise


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    tenant: str | None = None,
    all_regions: bool = False,
) -> AsyncIterator[AsyncSession]:
    """A unit of work outside a request (consumers, jobs): commit on success, roll back on error.

    Region-owned rows are seen only inside `tenant`, or in every region with `all_regions=True`
    (puja_kit.rls); with neither, the unit of work sees none of them."""
    async with sessionmaker() as session:
        try:
            if tenant is not None:
                await set_tenant(session, tenant)
            if all_regions:
                await see_all_regions(session)
            yield session
            await session.commit()
        except BaseException as exc:
            if getattr(exc, "keep_changes", False):
                await session.commit()
            else:
                await session.rollback()
            raise


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with transaction(sessionmaker) as session:
        yield session
        wrote_events = session.info.get(OUTBOX_WRITTEN, False)
    # The relay publishes what this request wrote to the outbox without waiting for its next poll (a
    # read wakes nothing: each wake-up costs the relay a transaction).
    relay = getattr(request.app.state, "relay", None)
    if relay is not None and wrote_events:
        relay.wake()


# scope="function": commit before the response is sent, so a failed commit is never reported as success.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
