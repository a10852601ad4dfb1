"""Token verification from akun's JWKS, the Principal, and role dependencies.

Each service checks tokens itself: keys are cached from the JWKS (re-read when an unknown key id shows
up, as after a rotation), and logouts arrive as `puja.akun.sesi.revoked` events that each replica
replays into memory for the lifetime of an access token. No call to akun per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from nats.js.api import ConsumerConfig, DeliverPolicy

from puja_kit.bus import Bus, BusUnavailable
from puja_kit.errors import Forbidden, NikBelumTerverifikasi, Unauthorized
from puja_kit.events.catalog import SesiRevoked
from puja_kit.events.envelope import Event
from puja_kit.tasks import raise_if_cancelling

logger = logging.getLogger("puja_kit.auth")

Role = Literal["warga", "operator", "admin_daerah", "admin_pusat"]
ALGORITHM = "EdDSA"
LEEWAY = timedelta(seconds=30)
# Verified tokens remembered per replica (a few MB at most); past this the oldest is forgotten.
VERIFIED_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class Grant:
    role: Role
    tenant: str | None = None
    layanan: str | None = None
    # An operator who works for one OPD of the region (`opd`): of a report layanan's reports they see
    # only those disposed to that OPD, follow them up and answer them, and never see a reporter who
    # asked to stay hidden from the OPD. Without it an operator is the layanan's verifier.
    opd: UUID | None = None


@dataclass(frozen=True)
class Principal:
    id: UUID
    sid: UUID
    nama: str
    grants: tuple[Grant, ...]
    nik: str | None = None
    # The regions (kode) whose population record proved the NIK theirs (kependudukan checked it there;
    # akun put them in the token). A proof counts only in the region whose record made it.
    nik_verified_regions: frozenset[str] = frozenset()
    expires_at: datetime | None = None

    def has(self, role: Role, *, tenant: str | None = None, layanan: str | None = None) -> bool:
        for grant in self.grants:
            if grant.role != role:
                continue
            # A grant names its region; only admin_pusat holds one without, and is never asked by region.
            if tenant is not None and grant.tenant != tenant:
                continue
            if layanan is not None and grant.layanan not in (None, layanan):
                continue
            return True
        return False

    @property
    def is_admin_pusat(self) -> bool:
        return self.has("admin_pusat")

    def opd_of(self, *, tenant: str, layanan: str) -> UUID | None:
        """The OPD this caller works for in the region's layanan, or None for its verifiers (an
        operator without an OPD, the region's admin) and everyone else."""
        if self.has("admin_daerah", tenant=tenant):
            return None
        found = [
            g
            for g in self.grants
            if g.role == "operator" and g.tenant == tenant and g.layanan in (None, layanan)
        ]
        if not found or any(g.opd is None for g in found):
            return None
        return found[0].opd

    def tenants(self, role: Role) -> set[str]:
        return {g.tenant for g in self.grants if g.role == role and g.tenant}

    def ensure(self, role: Role, *, tenant: str | None = None, layanan: str | None = None) -> None:
        if not self.has(role, tenant=tenant, layanan=layanan):
            raise Forbidden("Akun Anda tidak memiliki hak untuk tindakan ini di daerah atau layanan ini.")

    def nik_verified_in(self, tenant_kode: str) -> bool:
        """Whether the NIK was proved against the records of this region (never another's)."""
        return bool(self.nik) and tenant_kode in self.nik_verified_regions

    def ensure_own_nik(self, tenant_kode: str) -> str:
        """The citizen's NIK, once proved theirs in this region; anyone who merely knows a NIK could
        register it, and another region's records do not make it theirs here."""
        if not self.has("warga") or not self.nik:
            raise Forbidden("Layanan ini untuk warga yang masuk dengan NIK.")
        if not self.nik_verified_in(tenant_kode):
            raise NikBelumTerverifikasi()
        return self.nik

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        grants = tuple(
            Grant(
                role=g["role"],
                tenant=g.get("tenant"),
                layanan=g.get("layanan"),
                opd=UUID(g["opd"]) if g.get("opd") else None,
            )
            for g in claims.get("grants", [])
        )
        return cls(
            id=UUID(claims["sub"]),
            sid=UUID(claims["sid"]),
            nama=claims.get("name", ""),
            grants=grants,
            nik=claims.get("nik"),
            nik_verified_regions=_regions(claims.get("nik_verified_regions")),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )


def _regions(value: Any) -> frozenset[str]:
    # Only a list of kode counts; the old global `nik_verified` boolean proves nothing anywhere.
    if not isinstance(value, list):
        return frozenset()
    return frozenset(v for v in value if isinstance(v, str) and v)


@dataclass
class RevokedSessions:
    """Session ids logged out recently; forgotten once their last access token has expired."""

    _until: dict[UUID, float] = field(default_factory=dict)

    def add(self, sid: UUID, expires_at: datetime) -> None:
        # Remembered past expiry by the leeway that verification grants to an expired token.
        self._until[sid] = expires_at.timestamp() + LEEWAY.total_seconds()

    def __contains__(self, sid: UUID) -> bool:
        until = self._until.get(sid)
        if until is None:
            return False
        if until < time.time():
            del self._until[sid]
            return False
        return True


class TokenVerifier:
    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        refresh_seconds: float = 600,
        min_refetch_seconds: float = 10,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.refresh_seconds = refresh_seconds
        self.min_refetch_seconds = min_refetch_seconds
        self.transport = transport
        self.revoked = RevokedSessions()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        # token -> (principal, key id, valid until): tokens already verified (verify()).
        self._verified: dict[str, tuple[Principal, str, float]] = {}

    async def _fetch(self) -> None:
        if self.jwks_url.startswith("file://"):
            # A static key set on disk: for air-gapped deployments and for tests.
            document = json.loads(Path(self.jwks_url.removeprefix("file://")).read_text())  # noqa: ASYNC240
        else:
            async with httpx.AsyncClient(timeout=5, transport=self.transport) as client:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
            document = response.json()
        keys = {}
        for jwk in document.get("keys", []):
            with contextlib.suppress(jwt.PyJWKError):
                keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm=ALGORITHM)
        self._keys = keys
        self._fetched_at = time.monotonic()

    async def key(self, kid: str) -> jwt.PyJWK:
        age = time.monotonic() - self._fetched_at
        if kid not in self._keys or age > self.refresh_seconds:
            async with self._lock:
                age = time.monotonic() - self._fetched_at
                if (kid not in self._keys and age > self.min_refetch_seconds) or age > self.refresh_seconds:
                    try:
                        await self._fetch()
                    except (httpx.HTTPError, OSError, ValueError) as exc:
                        logger.warning("JWKS tidak dapat diambil dari %s: %s", self.jwks_url, exc)
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthorized("Token ditandatangani dengan kunci yang tidak dikenal.") from None

    async def verify(self, token: str) -> Principal:
        """The token's principal. A token already verified is not checked again (a signature check costs
        more than the rest of a read): its expiry, its session's logout and its key still being in the
        key set are, on every call."""
        cached = self._verified.get(token)
        if cached is not None:
            principal, kid, until = cached
            fresh_keys = time.monotonic() - self._fetched_at <= self.refresh_seconds
            if time.time() < until and kid in self._keys and fresh_keys:
                if principal.sid in self.revoked:
                    raise Unauthorized("Sesi ini sudah keluar; silakan masuk kembali.")
                return principal
            self._verified.pop(token, None)
        principal, kid = await self._verify(token)
        if principal.expires_at is not None:
            if len(self._verified) >= VERIFIED_CACHE_SIZE:
                self._verified.pop(next(iter(self._verified)))  # the oldest entry
            self._verified[token] = (
                principal,
                kid,
                principal.expires_at.timestamp() + LEEWAY.total_seconds(),
            )
        return principal

    async def _verify(self, token: str) -> tuple[Principal, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("Token tidak valid.") from None
        if header.get("alg") != ALGORITHM or "kid" not in header:
            raise Unauthorized("Token tidak valid.")
        key = await self.key(header["kid"])
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "sub", "sid"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("Sesi Anda sudah berakhir; silakan masuk kembali.") from None
        except jwt.PyJWTError:
            raise Unauthorized("Token tidak valid.") from None
        if claims.get("typ") != "access":
            raise Unauthorized("Token tidak valid.")
        principal = Principal.from_claims(claims)
        if principal.sid in self.revoked:
            raise Unauthorized("Sesi ini sudah keluar; silakan masuk kembali.")
        return principal, header["kid"]

    async def follow_revocations(self, bus: Bus, *, lookback: timedelta) -> None:
        """Replay recent logouts, then follow new ones, into this replica's memory (runs forever)."""
        while True:
            try:
                stream = await bus.ensure_stream("akun")
                js = await bus.jetstream()
                start = datetime.now(UTC) - lookback
                sub = await js.subscribe(
                    bus.subject("puja.akun.sesi.revoked"),
                    stream=stream,
                    ordered_consumer=True,
                    config=ConsumerConfig(
                        deliver_policy=DeliverPolicy.BY_START_TIME,
                        opt_start_time=start,
                    ),
                )
                async for msg in sub.messages:
                    try:
                        data = Event.from_bytes(msg.data).data
                    except Exception:
                        logger.warning("pesan pencabutan sesi tidak terbaca; dilewati")
                        continue
                    if isinstance(data, SesiRevoked):
                        self.revoked.add(data.sid, data.expires_at)
            except asyncio.CancelledError:
                raise
            except BusUnavailable as exc:
                logger.info("pencabutan sesi menunggu NATS: %s", exc)
            except Exception:
                logger.exception("pengikut pencabutan sesi berhenti; diulang")
            raise_if_cancelling()
            await asyncio.sleep(1)


_bearer = HTTPBearer(auto_error=False)


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def verify_bearer(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Principal | None:
    if credentials is None:
        return None
    verifier: TokenVerifier = request.app.state.verifier
    return await verifier.verify(credentials.credentials)


async def _optional_principal(request: Request, credentials: BearerDep) -> Principal | None:
    return await verify_bearer(request, credentials)


async def _principal(principal: Principal | None = Depends(_optional_principal)) -> Principal:
    if principal is None:
        raise Unauthorized()
    return principal


OptionalPrincipalDep = Annotated[Principal | None, Depends(_optional_principal)]
PrincipalDep = Annotated[Principal, Depends(_principal)]


def require(role: Role) -> Any:
    """A dependency that admits a principal holding `role` anywhere; finer checks go to Principal.ensure."""

    async def dependency(principal: PrincipalDep) -> Principal:
        if not principal.has(role):
            raise Forbidden()
        return principal

    return Depends(dependency)
