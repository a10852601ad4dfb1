"""Dead letters for ops: list, inspect (`puja dead-letter list|show`); replaying one needs the
service's handlers, so it is `ConsumerRunner.replay` (`puja dead-letter replay`)."""

from __future__ import annotations

import json
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from puja_kit.errors import DomainError, NotFound
from puja_kit.outbox.models import DeadLetter


class DeadLetterNotFound(NotFound):
    code = "dead_letter_tidak_ditemukan"
    title = "Dead letter tidak ditemukan"


class DeadLetterNotReplayable(DomainError):
    status_code = 422
    code = "dead_letter_tidak_bisa_diulang"
    title = "Dead letter tidak bisa diulang"


async def list_dead_letters(
    sessionmaker: async_sessionmaker[AsyncSession], *, include_replayed: bool = False, limit: int = 100
) -> list[DeadLetter]:
    """Newest first; without `include_replayed`, only those still waiting for ops."""
    query = select(DeadLetter).order_by(col(DeadLetter.created_at).desc(), col(DeadLetter.id).desc())
    if not include_replayed:
        query = query.where(col(DeadLetter.replayed_at).is_(None))
    async with sessionmaker() as session:
        return list((await session.scalars(query.limit(limit))).all())


async def get_dead_letter(sessionmaker: async_sessionmaker[AsyncSession], letter_id: UUID) -> DeadLetter:
    async with sessionmaker() as session:
        letter = await session.get(DeadLetter, letter_id)
    if letter is None:
        raise DeadLetterNotFound(f"Dead letter {letter_id} tidak ada.")
    return letter


def status_of(letter: DeadLetter) -> str:
    if letter.replayed_at is None:
        return "menunggu"
    return f"diulang {letter.replayed_at:%Y-%m-%d %H:%M:%S}"


def last_error_line(letter: DeadLetter) -> str:
    lines = [line for line in letter.error.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def summary(letter: DeadLetter) -> str:
    """One line of `puja dead-letter list`."""
    return (
        f"{letter.id}  {letter.created_at:%Y-%m-%d %H:%M:%S}  {letter.consumer}  "
        f"{letter.event_id or '-'}  {status_of(letter)}  {last_error_line(letter)[:120]}"
    )


def describe(letter: DeadLetter) -> str:
    """`puja dead-letter show`: every field, the event pretty-printed when it is JSON."""
    try:
        body = json.dumps(json.loads(letter.body), indent=2, ensure_ascii=False)
    except ValueError:
        body = letter.body.decode("utf-8", errors="replace")
    return (
        f"id           {letter.id}\n"
        f"consumer     {letter.consumer}\n"
        f"event        {letter.event_id or '-'}\n"
        f"subject      {letter.subject}\n"
        f"dibuat       {letter.created_at:%Y-%m-%d %H:%M:%S %Z}\n"
        f"pengiriman   {letter.deliveries}\n"
        f"status       {status_of(letter)}\n"
        f"\nisi pesan:\n{body}\n"
        f"\nkesalahan terakhir:\n{letter.error.rstrip()}\n"
    )
