"""`Idempotency-Key` for writes that create something: a retried submit gets the first answer back.

On a flaky connection a citizen's phone may send the same submit twice. The first request claims the
key in its own transaction; a second one waits on that row, then replays the stored response.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Column, Index, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from puja_kit.auth import OptionalPrincipalDep
from puja_kit.db import SessionDep, timestamp_column
from puja_kit.errors import InvalidInput


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"
    # The prune: DELETE ... WHERE created_at < cutoff.
    __table_args__ = (Index("ix_idempotency_record_created_at", "created_at"),)

    key: str = Field(primary_key=True, max_length=200)
    route: str = Field(primary_key=True, max_length=200)
    request_hash: str = Field(max_length=64)
    status: int = 0
    response: Any = Field(default=None, sa_column=Column(JSONB))
    created_at: datetime = timestamp_column()


class Idempotency:
    def __init__(self, session: AsyncSession, key: str | None, route: str, request_hash: str) -> None:
        self.session = session
        self.key = key
        self.route = route
        self.request_hash = request_hash

    async def replay(self) -> JSONResponse | None:
        """The stored response for a repeated key, or None when this request goes ahead."""
        if self.key is None:
            return None
        claimed = await self.session.execute(
            insert(IdempotencyRecord)
            .values(key=self.key, route=self.route, request_hash=self.request_hash)
            .on_conflict_do_nothing()
            .returning(col(IdempotencyRecord.key))
        )
        if claimed.first() is not None:
            return None
        record = await self.session.scalar(
            select(IdempotencyRecord).where(
                col(IdempotencyRecord.key) == self.key,
                col(IdempotencyRecord.route) == self.route,
            )
        )
        assert record is not None
        if record.request_hash != self.request_hash:
            raise InvalidInput("Idempotency-Key ini sudah dipakai untuk permintaan lain.")
        if record.response is None:
            # The first attempt was refused but kept its other changes: this one goes ahead.
            return None
        return JSONResponse(
            record.response, status_code=record.status, headers={"Idempotent-Replayed": "true"}
        )

    async def run(self, create: Callable[[], Awaitable[BaseModel]], *, status: int = 201) -> JSONResponse:
        """The stored answer for a repeated key; otherwise `create()`'s result, remembered under it.
        What a create route does: `return await idempotency.run(lambda: service.create(...))`."""
        if (replayed := await self.replay()) is not None:
            return replayed
        return await self.remember(await create(), status=status)

    async def remember(self, result: BaseModel, *, status: int = 201) -> JSONResponse:
        body = jsonable_encoder(result)
        if self.key is not None:
            record = await self.session.get(IdempotencyRecord, (self.key, self.route))
            assert record is not None
            record.status = status
            record.response = body
        return JSONResponse(body, status_code=status)


async def _idempotency(request: Request, session: SessionDep, principal: OptionalPrincipalDep) -> Idempotency:
    key = request.headers.get("idempotency-key")
    if key is not None and not 8 <= len(key) <= 160:
        # The stored key is the caller's id, a colon and this: it must fit the 200-character column.
        raise InvalidInput("Idempotency-Key harus 8 sampai 160 karakter.")
    digest = hashlib.sha256(await request.body()).hexdigest()
    # Keys are per caller: the same key from two accounts never collides.
    caller = str(principal.id) if principal else "anon"
    route = f"{request.method} {request.url.path}"
    scoped_key = f"{caller}:{key}" if key else None
    return Idempotency(session, scoped_key, route, digest)


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
