"""argon2 password hashes, computed in worker threads so the event loop keeps serving."""

from __future__ import annotations

import secrets

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from akun.settings import Settings


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_cost,
            parallelism=settings.argon2_parallelism,
        )
        self._max_concurrent = settings.argon2_max_concurrent
        self._limiter: anyio.CapacityLimiter | None = None
        self._dummy: str | None = None

    def _threads(self) -> anyio.CapacityLimiter:
        # Each hash holds argon2_memory_cost KiB; a burst of logins must not hold it 40 times over.
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self._max_concurrent)
        return self._limiter

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hasher.hash, password, limiter=self._threads())

    async def verify(self, password_hash: str, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(password_hash, password)
            except (VerificationError, InvalidHashError):
                return False

        return await anyio.to_thread.run_sync(check, limiter=self._threads())

    async def prepare(self) -> None:
        """Make the stand-in hash at start-up, so the first unknown login is not slower than others."""
        if self._dummy is None:
            self._dummy = await self.hash(secrets.token_urlsafe(16))

    async def verify_unknown(self, password: str) -> None:
        """The same work as a real check, so an unknown account answers as slowly as a known one."""
        await self.prepare()
        assert self._dummy is not None
        await self.verify(self._dummy, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
