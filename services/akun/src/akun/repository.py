from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from uuid import UUID

from puja_kit.repository import LIKE_ESCAPE, RepositoryBase, contains_pattern
from sqlalchemy import Table, case, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from akun.models import Akun, HakAkses, LoginThrottle, Notifikasi, RetiredRefreshToken, Sesi, SigningKey


class AkunRepository(RepositoryBase[Akun]):
    """Built with a tenant id, it sees only that region's staff accounts."""

    model = Akun
    not_found = "Akun tidak ditemukan"

    async def _one(self, stmt: Select[tuple[Akun]]) -> Akun | None:
        return (await self.session.scalars(stmt)).first()

    async def by_username(self, username: str) -> Akun | None:
        return await self._one(self.base_statement().where(col(Akun.username) == username))

    async def by_email(self, email: str) -> Akun | None:
        return await self._one(self.base_statement().where(col(Akun.email) == email))

    async def by_phone(self, phone: str) -> Akun | None:
        return await self._one(self.base_statement().where(col(Akun.phone) == phone))

    async def by_nik_index(self, nik_index: str) -> Akun | None:
        return await self._one(self.base_statement().where(col(Akun.nik_index) == nik_index))

    async def for_update(self, akun_id: UUID) -> Akun | None:
        """The row locked and re-read, for counters that concurrent requests change."""
        stmt = (
            self.base_statement()
            .where(col(Akun.id) == akun_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self._one(stmt)

    def staff_listing(self, *, q: str | None, aktif: bool | None) -> Select[tuple[Akun]]:
        stmt = self.base_statement().order_by(col(Akun.nama), col(Akun.id))
        if q:
            pattern = contains_pattern(q)
            stmt = stmt.where(
                or_(
                    col(Akun.nama).ilike(pattern, escape=LIKE_ESCAPE),
                    col(Akun.username).ilike(pattern, escape=LIKE_ESCAPE),
                )
            )
        if aktif is not None:
            stmt = stmt.where(col(Akun.aktif) == aktif)
        return stmt


class HakAksesRepository(RepositoryBase[HakAkses]):
    model = HakAkses

    async def for_akun(self, akun_id: UUID) -> list[HakAkses]:
        stmt = self.base_statement().where(col(HakAkses.akun_id) == akun_id).order_by(col(HakAkses.id))
        return list((await self.session.scalars(stmt)).all())

    async def for_akuns(self, akun_ids: Sequence[UUID]) -> dict[UUID, list[HakAkses]]:
        stmt = self.base_statement().where(col(HakAkses.akun_id).in_(akun_ids)).order_by(col(HakAkses.id))
        out: dict[UUID, list[HakAkses]] = {akun_id: [] for akun_id in akun_ids}
        for row in (await self.session.scalars(stmt)).all():
            out[row.akun_id].append(row)
        return out

    async def remove(self, akun_id: UUID, *, role: str) -> None:
        await self.session.execute(
            delete(HakAkses).where(col(HakAkses.akun_id) == akun_id, col(HakAkses.role) == role)
        )


class SesiRepository(RepositoryBase[Sesi]):
    model = Sesi

    async def for_update(self, sid: UUID) -> Sesi | None:
        stmt = self.base_statement().where(col(Sesi.id) == sid).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def by_refresh_hash(self, token_hash: str) -> Sesi | None:
        """Locked, so two exchanges of one refresh token cannot both succeed."""
        stmt = self.base_statement().where(col(Sesi.refresh_hash) == token_hash).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def retired(self, token_hash: str) -> RetiredRefreshToken | None:
        return await self.session.get(RetiredRefreshToken, token_hash)

    def retire(self, sesi: Sesi) -> None:
        self.session.add(RetiredRefreshToken(token_hash=sesi.refresh_hash, sesi_id=sesi.id))

    async def open_for_akun(self, akun_id: UUID, *, now: datetime) -> list[Sesi]:
        """Sessions that can still refresh or whose access tokens still work."""
        stmt = (
            self.base_statement()
            .where(
                col(Sesi.akun_id) == akun_id,
                col(Sesi.revoked_at).is_(None),
                or_(col(Sesi.refresh_expires_at) > now, col(Sesi.access_expires_at) > now),
            )
            .order_by(col(Sesi.id))
            .with_for_update()
        )
        return list((await self.session.scalars(stmt)).all())

    async def is_open(self, sid: UUID) -> bool:
        stmt = select(col(Sesi.revoked_at)).where(col(Sesi.id) == sid)
        found = (await self.session.execute(stmt)).first()
        return found is not None and found[0] is None


# Any constant the replicas agree on: the lock guarding "is there a current signing key?".
SIGNING_KEY_LOCK = 0x70756A61_616B756E  # "puja" "akun"


class SigningKeyRepository(RepositoryBase[SigningKey]):
    model = SigningKey

    async def lock(self) -> None:
        """Serialise key rotation across replicas until this transaction ends."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SIGNING_KEY_LOCK})

    async def active(self) -> SigningKey | None:
        stmt = (
            self.base_statement()
            .where(col(SigningKey.retired_at).is_(None), col(SigningKey.withdrawn_at).is_(None))
            .order_by(col(SigningKey.created_at).desc(), col(SigningKey.kid).desc())
        )
        return (await self.session.scalars(stmt)).first()

    async def by_kid(self, kid: str) -> SigningKey | None:
        return (await self.session.scalars(self.base_statement().where(col(SigningKey.kid) == kid))).first()

    def _published(self, retired_since: datetime) -> Select[tuple[SigningKey]]:
        retired_at = col(SigningKey.retired_at)
        return self.base_statement().where(
            or_(retired_at.is_(None), retired_at > retired_since), col(SigningKey.withdrawn_at).is_(None)
        )

    async def published(self, *, retired_since: datetime) -> list[SigningKey]:
        """The current key and those retired recently enough that their tokens may still be valid."""
        stmt = self._published(retired_since).order_by(col(SigningKey.created_at).desc())
        return list((await self.session.scalars(stmt)).all())

    async def published_by_kid(self, kid: str, *, retired_since: datetime) -> SigningKey | None:
        stmt = self._published(retired_since).where(col(SigningKey.kid) == kid)
        return (await self.session.scalars(stmt)).first()


class NotifikasiRepository(RepositoryBase[Notifikasi]):
    model = Notifikasi
    not_found = "Notifikasi tidak ditemukan."

    def of_akun(self, akun_id: UUID) -> Select[tuple[Notifikasi]]:
        return (
            self.base_statement()
            .where(col(Notifikasi.akun_id) == akun_id)
            .order_by(col(Notifikasi.dibuat).desc(), col(Notifikasi.id).desc())
        )

    async def unread(self, akun_id: UUID) -> int:
        stmt = select(func.count()).where(
            col(Notifikasi.akun_id) == akun_id, col(Notifikasi.dibaca_pada).is_(None)
        )
        return int(await self.session.scalar(stmt) or 0)

    async def mark_read(self, akun_id: UUID, at: datetime, notifikasi_id: UUID | None = None) -> None:
        stmt = update(Notifikasi).where(
            col(Notifikasi.akun_id) == akun_id, col(Notifikasi.dibaca_pada).is_(None)
        )
        if notifikasi_id is not None:
            stmt = stmt.where(col(Notifikasi.id) == notifikasi_id)
        await self.session.execute(stmt.values(dibaca_pada=at))


@dataclass(frozen=True)
class Count:
    failures: int
    window_started_at: datetime


_THROTTLE = cast(Table, LoginThrottle.__table__)  # type: ignore[attr-defined]


class LoginThrottleRepository:
    """The failed-login counters; each change is one atomic upsert, so replicas count together."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def try_lock(self, key: str) -> bool:
        """One attempt at a time per key, until this transaction ends; False while another is running.

        Without it a burst of parallel guesses would all be tried before the first failure is counted.
        """
        lock_id = int(key[:15], 16)  # 60 bits of the keyed hash: a bigint advisory lock
        locked = await self.session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock_id})
        return bool(locked)

    async def get_many(self, keys: Sequence[str]) -> dict[str, LoginThrottle]:
        stmt = select(LoginThrottle).where(col(LoginThrottle.key).in_(keys))
        return {row.key: row for row in (await self.session.scalars(stmt)).all()}

    async def count_failure(self, key: str, *, now: datetime, window: timedelta) -> Count:
        """One more failure; a count whose window has ended starts again at 1 (and its wait ends)."""
        table = _THROTTLE
        c = table.c
        ended = c.window_started_at <= now - window
        forget_at = now + window
        stmt = (
            insert(table)
            .values(key=key, failures=1, window_started_at=now, forget_at=forget_at)
            .on_conflict_do_update(
                index_elements=[c.key],
                set_={
                    "failures": case((ended, 1), else_=c.failures + 1),
                    "window_started_at": case((ended, now), else_=c.window_started_at),
                    "wait_until": case((ended, None), else_=c.wait_until),
                    "forget_at": func.greatest(c.forget_at, forget_at),
                },
            )
            .returning(c.failures, c.window_started_at)
        )
        row = (await self.session.execute(stmt)).one()
        return Count(failures=row.failures, window_started_at=row.window_started_at)

    async def wait(self, key: str, until: datetime) -> None:
        table = _THROTTLE
        await self.session.execute(
            update(table)
            .where(table.c.key == key)
            .values(
                wait_until=func.greatest(func.coalesce(table.c.wait_until, until), until),
                forget_at=func.greatest(table.c.forget_at, until),
            )
        )

    async def succeeded(self, key: str, *, now: datetime, known_until: datetime) -> None:
        """A login from this (account, address): its count starts again, and the address is known."""
        table = _THROTTLE
        c = table.c
        values = {"failures": 0, "window_started_at": now, "wait_until": None, "known_until": known_until}
        stmt = (
            insert(table)
            .values(key=key, forget_at=known_until, **values)
            .on_conflict_do_update(
                index_elements=[c.key], set_={**values, "forget_at": func.greatest(c.forget_at, known_until)}
            )
        )
        await self.session.execute(stmt)

    async def prune(self, *, now: datetime, limit: int = 100) -> None:
        """Forget a few counters nobody needs any more (called on failures, where the table grows)."""
        stale = (
            select(col(LoginThrottle.key))
            .where(col(LoginThrottle.forget_at) < now)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        await self.session.execute(delete(LoginThrottle).where(col(LoginThrottle.key).in_(stale)))
