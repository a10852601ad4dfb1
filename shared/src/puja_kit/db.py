"""Engine, the request session that commits or rolls back, base models and the naming convention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import uuid_utils
from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from puja_kit.rls import see_all_regions, set_tenant

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


def make_engine(url: str, *, pool_size: int = 5) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


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
    # The relay publishes what this request wrote to the outbox without waiting for its next poll.
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        relay.wake()


# scope="function": commit before the response is sent, so a failed commit is never reported as success.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
