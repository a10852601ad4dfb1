"""Key material: encryption at rest derived from secret_key, the Ed25519 signing keys and their JWKS,
and akun's own token verifier, which reads those keys (and the sessions) from akun's database.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from puja_kit.auth import ALGORITHM, Principal, TokenVerifier
from puja_kit.db import utcnow
from puja_kit.errors import NotFound, Unauthorized
from puja_kit.sealing import Sealer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from akun.models import SigningKey
from akun.repository import SesiRepository, SigningKeyRepository
from akun.settings import Settings

# How long after retirement a key stays published beyond its tokens' lifetime: covers the signer
# cache of other replicas (settings.key_cache_seconds, at most 90 s) and the verifiers' clock leeway
# (30 s).
RETIRED_KEY_GRACE = timedelta(minutes=2)


def new_sealer(secret_key: SecretStr) -> Sealer:
    """akun's sealer (NIKs, signing keys, throttle keys): derived as "puja-akun/..." since the start."""
    return Sealer(secret_key, context="akun")


@dataclass(frozen=True)
class ActiveKey:
    kid: str
    private_key: Ed25519PrivateKey
    loaded_at: float

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})


def public_jwk(kid: str, private_key: Ed25519PrivateKey) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private_key.public_key()))
    jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    return jwk


class KeyRing:
    """The signing keys: which one signs now, which are published, and rotation."""

    def __init__(self, settings: Settings, sealer: Sealer) -> None:
        self.settings = settings
        self.sealer = sealer
        self._active: ActiveKey | None = None

    def retired_since(self) -> datetime:
        """Keys retired after this moment may still have unexpired tokens out there."""
        return utcnow() - timedelta(minutes=self.settings.access_token_minutes) - RETIRED_KEY_GRACE

    def _open(self, row: SigningKey) -> ActiveKey:
        raw = self.sealer.open(row.private_key_sealed)
        return ActiveKey(row.kid, Ed25519PrivateKey.from_private_bytes(raw), time.monotonic())

    def _new(self) -> SigningKey:
        private_key = Ed25519PrivateKey.generate()
        kid = f"{utcnow():%Y%m%d}-{secrets.token_hex(6)}"
        return SigningKey(
            kid=kid,
            public_jwk=public_jwk(kid, private_key),
            private_key_sealed=self.sealer.seal(private_key.private_bytes_raw()),
        )

    async def rotate(self, session: AsyncSession, *, force: bool) -> tuple[SigningKey, SigningKey | None]:
        """A current key: a new one if forced, missing or older than key_rotation_days.

        Returns (current, retired-just-now). The advisory lock makes replicas starting together
        agree: the second one waits, then finds the first one's fresh key.
        """
        repo = SigningKeyRepository(session)
        await repo.lock()
        active = await repo.active()
        if active is not None:
            age = utcnow() - active.created_at
            if not force and age < timedelta(days=self.settings.key_rotation_days):
                self._open(active)  # fail at start-up, not at the first login, if secret_key changed
                return active, None
            active.retired_at = utcnow()
            session.add(active)
        current = repo.add(self._new())
        await session.flush()
        self._active = None
        return current, active

    async def withdraw(self, session: AsyncSession, kid: str) -> tuple[SigningKey, SigningKey | None]:
        """Withdraw a key (compromised): out of the JWKS, its tokens refused. Returns (withdrawn, the
        key made to replace it when it was the current one). Withdrawing it again changes nothing."""
        repo = SigningKeyRepository(session)
        await repo.lock()
        row = await repo.by_kid(kid)
        if row is None:
            raise NotFound("Kunci penanda tangan tidak ditemukan.")
        if row.withdrawn_at is not None:
            return row, await repo.by_kid(row.replaced_by) if row.replaced_by else None
        now = utcnow()
        replacement = None
        if row.retired_at is None:
            replacement = repo.add(self._new())
            row.replaced_by = replacement.kid
            row.retired_at = now
        row.withdrawn_at = now
        session.add(row)
        await session.flush()
        self._active = None
        return row, replacement

    async def signer(self, session: AsyncSession) -> ActiveKey:
        """The current key, cached briefly; a rotation or withdrawal by another replica is seen within
        key_cache_seconds."""
        cached = self._active
        if cached is not None and time.monotonic() - cached.loaded_at < self.settings.key_cache_seconds:
            return cached
        row = await SigningKeyRepository(session).active()
        if row is None:
            row, _ = await self.rotate(session, force=False)
        self._active = self._open(row)
        return self._active

    async def jwks(self, session: AsyncSession) -> dict[str, list[dict[str, Any]]]:
        rows = await SigningKeyRepository(session).published(retired_since=self.retired_since())
        return {"keys": [row.public_jwk for row in rows]}


class AkunTokenVerifier(TokenVerifier):
    """Akun checks its own tokens from its own tables: keys by kid, and sessions not revoked.

    A key read from the table is trusted for key_cache_seconds, then read again: a key withdrawn
    (or retired long enough ago) by any replica stops verifying here within that time.
    """

    def __init__(
        self, settings: Settings, keyring: KeyRing, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        super().__init__(settings.jwks_url, issuer=settings.token_issuer, audience=settings.token_audience)
        self.keyring = keyring
        self.sessionmaker = sessionmaker
        self.cache_seconds = settings.key_cache_seconds
        self._public: dict[str, tuple[jwt.PyJWK, float]] = {}

    async def key(self, kid: str) -> jwt.PyJWK:
        cached = self._public.get(kid)
        if cached is not None and time.monotonic() - cached[1] < self.cache_seconds:
            return cached[0]
        async with self.sessionmaker() as session:
            row = await SigningKeyRepository(session).published_by_kid(
                kid, retired_since=self.keyring.retired_since()
            )
        if row is None:
            self._public.pop(kid, None)
            raise Unauthorized("Token ditandatangani dengan kunci yang tidak dikenal.")
        key = jwt.PyJWK(row.public_jwk, algorithm=ALGORITHM)
        self._public[kid] = (key, time.monotonic())
        return key

    async def verify(self, token: str) -> Principal:
        principal = await super().verify(token)
        async with self.sessionmaker() as session:
            if not await SesiRepository(session).is_open(principal.sid):
                raise Unauthorized("Sesi ini sudah keluar; silakan masuk kembali.")
        return principal
