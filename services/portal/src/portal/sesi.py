"""Who is looking at a page: the session cookie, the person's tokens kept here, and CSRF on every form.

The browser holds two httpOnly, SameSite=Lax cookies at most: `puja_sesi` once signed in (its SHA-256
is the `sesi` row's key, so the table alone signs nobody in), and `puja_tamu`, a random value that binds
the CSRF token of someone not signed in. Every form carries `csrf`, a token signed with the portal's
secret (itsdangerous) over the hash of whichever cookie the browser holds; a POST without a valid one is
refused before anything is sent on.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

import httpx
from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from puja_kit.db import SessionDep
from puja_kit.sealing import Sealer, SecretKeyMismatch
from pydantic import SecretStr
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from portal.backend import Backend, Masalah, client_address
from portal.models import Sesi
from portal.settings import Settings

SESSION_COOKIE = "puja_sesi"
GUEST_COOKIE = "puja_tamu"
CSRF_FIELD = "csrf"
# Refresh the access token this long before it expires, so a page's calls never carry a stale one.
REFRESH_MARGIN = timedelta(seconds=30)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@functools.cache
def _sealer_for(secret: str) -> Sealer:
    return Sealer(SecretStr(secret), context="portal")


def sealer(settings: Settings) -> Sealer:
    """The tokens are sealed at rest with the portal's secret: a copy of the table lends no one a token."""
    return _sealer_for(settings.secret_key.get_secret_value())


def _access(sesi: Sesi, settings: Settings) -> str | None:
    """The session's access token, opened; None when it was sealed with another secret_key (rotated):
    the session then ends and the person signs in again. The refresh token is opened only to refresh."""
    try:
        return sealer(settings).open(sesi.access_token).decode()
    except SecretKeyMismatch:
        return None


def tokens(sesi: Sesi, settings: Settings) -> tuple[str, str]:
    """The session's access and refresh tokens, opened."""
    seal = sealer(settings)
    return seal.open(sesi.access_token).decode(), seal.open(sesi.refresh_token).decode()


class PerluMasuk(Exception):
    """The page needs a signed-in person: answered with a redirect to the sign-in page."""

    # The unit of work commits anyway: a session found expired or unreadable on the way is gone for good.
    keep_changes = True

    def __init__(self, lanjut: str) -> None:
        self.lanjut = lanjut


class CsrfDitolak(Exception):
    """A form arrived without a valid CSRF token."""


@dataclass(frozen=True)
class Akun:
    """Who is signed in, as their session said: pages and templates read this, never the session row.
    The row belongs to the request's transaction, which expires it when a page fails (a refusal raised
    while a page's dependencies are solved), and the error page must still say who is signed in."""

    akun_id: UUID
    nama: str
    grants: tuple[dict[str, Any], ...]
    nik_terbukti_di: tuple[str, ...]

    @classmethod
    def of(cls, sesi: Sesi | None) -> Akun | None:
        if sesi is None:
            return None
        return cls(sesi.akun_id, sesi.nama, tuple(sesi.grants), tuple(sesi.nik_terbukti_di))


@dataclass
class Pengunjung:
    """The person behind a request, with their calls to the services already set up."""

    request: Request
    settings: Settings
    sesi: Sesi | None  # the row, for what changes it (refreshed tokens, sign-out)
    api: Backend
    binding: str
    cookies: list[tuple[str, str, int]] = field(default_factory=list)
    akun: Akun | None = None

    @property
    def masuk(self) -> bool:
        return self.akun is not None

    @property
    def csrf(self) -> str:
        return _signer(self.settings).dumps(self.binding)

    def has(self, role: str, *, tenant: str | None = None, layanan: str | None = None) -> bool:
        if self.akun is None:
            return False
        for grant in self.akun.grants:
            if grant.get("role") != role:
                continue
            if tenant is not None and grant.get("tenant") not in (tenant, None):
                continue
            if layanan is not None and grant.get("layanan") not in (layanan, None):
                continue
            return True
        return False

    def opd_of(self, tenant: str, layanan: str) -> str | None:
        """The OPD this operator works for in the region's layanan (puja_kit.auth.Principal.opd_of)."""
        if self.akun is None or self.has("admin_daerah", tenant=tenant):
            return None
        found = [
            g
            for g in self.akun.grants
            if g.get("role") == "operator"
            and g.get("tenant") == tenant
            and g.get("layanan") in (None, layanan)
        ]
        if not found or any(not g.get("opd_id") for g in found):
            return None
        return str(found[0]["opd_id"])

    @property
    def warga(self) -> bool:
        return self.has("warga")

    @property
    def pusat(self) -> bool:
        return self.has("admin_pusat")

    def staff_regions(self) -> list[str]:
        """Region codes where this person is an operator or the admin."""
        if self.akun is None:
            return []
        found = {
            str(g["tenant"])
            for g in self.akun.grants
            if g.get("role") in ("operator", "admin_daerah") and g.get("tenant")
        }
        return sorted(found)

    def nik_proved_in(self, kode: str) -> bool:
        return self.akun is not None and kode in self.akun.nik_terbukti_di


def _signer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt="puja-portal-csrf")


def check_csrf(pengunjung: Pengunjung, token: str | None) -> None:
    if not token:
        raise CsrfDitolak
    try:
        bound = _signer(pengunjung.settings).loads(
            token, max_age=pengunjung.settings.csrf_max_age_days * 86400
        )
    except BadSignature as exc:
        raise CsrfDitolak from exc
    if not secrets.compare_digest(str(bound), pengunjung.binding):
        raise CsrfDitolak


async def _refresh(
    session: AsyncSession, sesi: Sesi, client: httpx.AsyncClient, address: str | None, settings: Settings
) -> bool:
    """New tokens for a session whose access token is about to expire; False when akun refused."""
    locked = await session.get(Sesi, sesi.id, with_for_update=True, populate_existing=True)
    if locked is None:
        return False
    if locked.access_berlaku_sampai - REFRESH_MARGIN > datetime.now(UTC):
        return True  # another request refreshed it while this one waited for the lock
    api = Backend(client, token=None, address=address)
    try:
        pair = await api.post("/api/akun/v1/refresh", {"refresh_token": tokens(locked, settings)[1]})
    except Masalah:
        await session.delete(locked)
        return False
    _store_tokens(locked, pair, settings)
    return True


def _store_tokens(sesi: Sesi, pair: dict[str, Any], settings: Settings) -> None:
    seal = sealer(settings)
    sesi.access_token = seal.seal(pair["access_token"].encode())
    sesi.refresh_token = seal.seal(pair["refresh_token"].encode())
    sesi.access_berlaku_sampai = datetime.now(UTC) + timedelta(seconds=int(pair["expires_in"]))


async def _pengunjung(request: Request, session: SessionDep) -> Pengunjung:
    settings: Settings = request.app.state.settings
    client: httpx.AsyncClient = request.app.state.backend
    address = client_address(request)
    cookies: list[tuple[str, str, int]] = []
    sesi: Sesi | None = None
    access: str | None = None
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        sesi = await session.get(Sesi, _hash(raw))
        now = datetime.now(UTC)
        access = _access(sesi, settings) if sesi is not None else None
        if sesi is not None and (sesi.berakhir < now or access is None):
            await session.delete(sesi)
            sesi = None
        if sesi is not None and sesi.access_berlaku_sampai - REFRESH_MARGIN <= now:
            refreshed = await _refresh(session, sesi, client, address, settings)
            access = _access(sesi, settings) if refreshed else None
            sesi = sesi if refreshed else None
        if sesi is None:
            cookies.append((SESSION_COOKIE, "", 0))
        else:
            sesi.berakhir = now + timedelta(days=settings.session_idle_days)
    if sesi is not None and raw:
        binding = _hash(raw)
    else:
        guest = request.cookies.get(GUEST_COOKIE)
        if not guest:
            guest = secrets.token_urlsafe(24)
            cookies.append((GUEST_COOKIE, guest, 365 * 86400))
        binding = _hash(guest)
    visitor = Pengunjung(
        request=request,
        settings=settings,
        sesi=sesi,
        api=Backend(client, token=access if sesi else None, address=address),
        binding=binding,
        cookies=cookies,
        akun=Akun.of(sesi),
    )
    request.state.pengunjung = visitor
    return visitor


PengunjungDep = Annotated[Pengunjung, Depends(_pengunjung)]


async def _masuk(pengunjung: PengunjungDep) -> Pengunjung:
    if pengunjung.akun is None:
        request = pengunjung.request
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise PerluMasuk(path)
    return pengunjung


MasukDep = Annotated[Pengunjung, Depends(_masuk)]
"""A page for signed-in people only: anyone else is sent to the sign-in page and back."""


def login_url(lanjut: str) -> str:
    return f"/masuk?lanjut={quote(lanjut, safe='/')}"


async def sign_in(
    session: AsyncSession, pengunjung: Pengunjung, pair: dict[str, Any], me: dict[str, Any]
) -> None:
    """A new session for these tokens; the cookie is set on the response by `apply_cookies`."""
    now = datetime.now(UTC)
    await session.execute(delete(Sesi).where(Sesi.berakhir < now))  # type: ignore[arg-type]
    raw = secrets.token_urlsafe(32)
    sesi = Sesi(
        id=_hash(raw),
        akun_id=me["id"],
        nama=me["nama"],
        grants=list(me.get("grants") or []),
        nik_terbukti_di=list(me.get("nik_terbukti_di") or []),
        access_token="",
        refresh_token="",
        access_berlaku_sampai=now,
        berakhir=now + timedelta(days=pengunjung.settings.session_idle_days),
    )
    _store_tokens(sesi, pair, pengunjung.settings)
    session.add(sesi)
    pengunjung.cookies.append((SESSION_COOKIE, raw, pengunjung.settings.session_idle_days * 86400))
    pengunjung.sesi, pengunjung.akun = sesi, Akun.of(sesi)


async def sign_out(session: AsyncSession, pengunjung: Pengunjung) -> None:
    if pengunjung.sesi is not None:
        # The tokens may already be gone at akun; the session ends here either way.
        with contextlib.suppress(Masalah):
            await pengunjung.api.post("/api/akun/v1/logout")
        await session.delete(pengunjung.sesi)
        pengunjung.sesi = pengunjung.akun = None
    pengunjung.cookies.append((SESSION_COOKIE, "", 0))


async def refresh_profile(pengunjung: Pengunjung) -> None:
    """Re-read the account (after proving a NIK, the grants and proofs change) and its new tokens."""
    sesi = pengunjung.sesi
    if sesi is None:
        return
    # The account first, then the tokens: a proof that lands in between is then in the tokens too, so a
    # session never believes a NIK proved that its token does not carry.
    me = await pengunjung.api.get("/api/akun/v1/me")
    pair = await pengunjung.api.post(
        "/api/akun/v1/refresh", {"refresh_token": tokens(sesi, pengunjung.settings)[1]}
    )
    _store_tokens(sesi, pair, pengunjung.settings)
    pengunjung.api = Backend(
        pengunjung.api.client,
        token=tokens(sesi, pengunjung.settings)[0],
        address=client_address(pengunjung.request),
    )
    sesi.grants = list(me.get("grants") or [])
    sesi.nik_terbukti_di = list(me.get("nik_terbukti_di") or [])
    pengunjung.akun = Akun.of(sesi)


def apply_cookies(request: Request, response: Response) -> None:
    visitor: Pengunjung | None = getattr(request.state, "pengunjung", None)
    if visitor is None:
        return
    secure = visitor.settings.cookie_secure
    for name, value, max_age in visitor.cookies:
        if max_age:
            response.set_cookie(
                name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
            )
        else:
            response.delete_cookie(name, httponly=True, samesite="lax", secure=secure, path="/")
