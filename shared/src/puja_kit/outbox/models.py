"""The tables every service keeps for the bus: outbox, inbox and dead letters."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from puja_kit.db import timestamp_column


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox_event"
    __table_args__ = (
        Index("ix_outbox_event_unpublished", "id", postgresql_where=text("published_at IS NULL")),
        # The prune: DELETE ... WHERE published_at < cutoff (puja_kit.migrations.add_prune_indexes).
        Index(
            "ix_outbox_event_published_at", "published_at", postgresql_where=text("published_at IS NOT NULL")
        ),
    )

    id: UUID = Field(primary_key=True)
    type: str = Field(max_length=200)
    subject: str | None = Field(default=None, max_length=200)
    tenant: str | None = Field(default=None, max_length=13)
    body: bytes
    headers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    created_at: datetime = timestamp_column()
    published_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class InboxEvent(SQLModel, table=True):
    """Events a consumer has applied; the primary key makes a second delivery change nothing."""

    __tablename__ = "inbox_event"
    # The prune: DELETE ... WHERE processed_at < cutoff.
    __table_args__ = (Index("ix_inbox_event_processed_at", "processed_at"),)

    event_id: str = Field(primary_key=True, max_length=64)
    consumer: str = Field(primary_key=True, max_length=120)
    type: str = Field(max_length=200)
    processed_at: datetime = timestamp_column()


class DeadLetter(SQLModel, table=True):
    """A message that failed every delivery, kept with its error for ops to inspect and replay."""

    __tablename__ = "dead_letter"

    id: UUID = Field(primary_key=True)
    consumer: str = Field(max_length=120, index=True)
    event_id: str | None = Field(default=None, max_length=64)
    subject: str = Field(max_length=200)
    body: bytes
    error: str = Field(sa_column=Column(Text, nullable=False))
    deliveries: int
    created_at: datetime = timestamp_column()
    # Set when ops replayed it (`puja dead-letter replay`): the event then went through the handler and
    # the inbox like any delivery, so a second replay changes nothing.
    replayed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ConsumerFailure(SQLModel, table=True):
    """A message's failed deliveries that were its own fault, not an outage (puja_kit.faults): what the
    dead-letter limit counts. Kept in the database, so neither a restart nor another replica resets it."""

    __tablename__ = "consumer_failure"

    consumer: str = Field(primary_key=True, max_length=120)
    stream_seq: int = Field(primary_key=True, sa_type=BigInteger)
    failures: int
    last_error: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = timestamp_column()
