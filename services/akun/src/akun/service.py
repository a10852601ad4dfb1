from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from lokal import normalize_phone
from puja_kit.auth import Grant, Principal
from puja_kit.db import new_id, utcnow
from puja_kit.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, TerlaluSering
from puja_kit.events.catalog import SesiRevoked
from puja_kit.outbox import add_event
from puja_kit.privasi import mask_nik
from puja_kit.repository import PageParams
from puja_kit.sealing import Sealer
from puja_kit.tenancy import TenantCache
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.id import nik as stdnum_nik

from akun.keys import KeyRing, new_sealer
from akun.models import Akun, HakAkses, LoginThrottle, Sesi
from akun.passwords import Passwords
from akun.repository import AkunRepository, HakAksesRepository, LoginThrottleRepository, SesiRepository
from akun.schemas import (
    AkunRead,
    GrantRead,
    RegisterIn,
    SigningKeyRotated,
    SigningKeyWithdrawn,
    StaffCreate,
    StaffRead,
    StaffRole,
    StaffUpdate,
    TokenPair,
)
from akun.settings import Settings

SESI_REVOKED = "puja.akun.sesi.revoked"


@dataclass(frozen=True)
class Runtime:
    """What the service functions need beyond the database: settings, hashing, keys."""

    settings: Settings
    passwords: Passwords
    keys: KeyRing
    sealer: Sealer

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        sealer = new_sealer(settings.secret_key)
        return cls(settings, Passwords(settings), KeyRing(settings, sealer), sealer)


class LoginGagal(DomainError):
    status_code = 401
    code = "login_gagal"
    title = "Gagal masuk"

    def __init__(self, *, keep_changes: bool = False) -> None:
        super().__init__(
            "NIK, e-mail, nomor telepon, nama pengguna, atau kata sandinya salah.", keep_changes=keep_changes
        )


class LoginDitunda(TerlaluSering):
    """429 for the address that failed too often; the account itself stays open to its owner."""

    code = "login_ditunda"
    title = "Masuk ditunda sementara"

    def message(self, seconds: int) -> str:
        return (
            "Terlalu banyak percobaan masuk yang gagal dari alamat ini. "
            f"Coba lagi dalam {self.wait(seconds)}."
        )


class AkunNonaktif(DomainError):
    status_code = 403
    code = "akun_nonaktif"
    title = "Akun dinonaktifkan"


class RefreshDitolak(DomainError):
    status_code = 401
    code = "sesi_berakhir"
    title = "Sesi tidak dapat diperpanjang"

    def __init__(
        self,
        detail: str = "Sesi sudah berakhir atau keluar; silakan masuk kembali.",
        *,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, keep_changes=keep_changes)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _grant_read(row: HakAkses) -> GrantRead:
    return GrantRead(role=row.role, tenant=row.tenant, layanan=row.layanan, opd_id=row.opd_id)


def _nik_of(runtime: Runtime, akun: Akun) -> str | None:
    return runtime.sealer.open(akun.nik_sealed).decode() if akun.nik_sealed else None


def _akun_read(runtime: Runtime, akun: Akun, grants: Sequence[HakAkses]) -> AkunRead:
    nik = _nik_of(runtime, akun)
    return AkunRead(
        id=akun.id,
        nama=akun.nama,
        nik=mask_nik(nik) if nik else None,
        nik_terverifikasi=bool(akun.nik_terbukti_di),
        nik_terbukti_di=sorted(akun.nik_terbukti_di),
        email=akun.email,
        phone=akun.phone,
        username=akun.username,
        aktif=akun.aktif,
        grants=[_grant_read(g) for g in grants],
        dibuat=akun.created_at,
    )


def _taken(field: str, message: str) -> dict[str, str]:
    return {"field": field, "code": "sudah_terdaftar", "message": message}


async def create_account(
    session: AsyncSession,
    runtime: Runtime,
    *,
    nama: str,
    password: str,
    grants: Sequence[Grant],
    username: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    nik: str | None = None,
    tenant_id: str | None = None,
) -> Akun:
    """Any kind of account; every identifier it is given must be free."""
    repo = AkunRepository(session)
    nik_index = runtime.sealer.index(nik) if nik else None
    taken = []
    if nik_index and await repo.by_nik_index(nik_index):
        taken.append(_taken("nik", "NIK ini sudah terdaftar"))
    if email and await repo.by_email(email):
        taken.append(_taken("email", "e-mail ini sudah terdaftar"))
    if phone and await repo.by_phone(phone):
        taken.append(_taken("phone", "nomor telepon ini sudah terdaftar"))
    if username and await repo.by_username(username):
        taken.append(_taken("username", "nama pengguna ini sudah dipakai"))
    if taken:
        raise Conflict("Sudah ada akun dengan data ini; silakan masuk dengan akun tersebut.", errors=taken)
    akun = Akun(
        tenant_id=tenant_id,
        nama=nama,
        username=username,
        email=email,
        phone=phone,
        nik_index=nik_index,
        nik_sealed=runtime.sealer.seal(nik.encode()) if nik else None,
        password_hash=await runtime.passwords.hash(password),
    )
    session.add(akun)
    for grant in grants:
        session.add(
            HakAkses(
                akun_id=akun.id, role=grant.role, tenant=grant.tenant, layanan=grant.layanan, opd_id=grant.opd
            )
        )
    try:
        await session.flush()
    except IntegrityError:
        # Someone registered the same identifier between our check and this insert.
        raise Conflict("Sudah ada akun dengan data ini; silakan masuk dengan akun tersebut.") from None
    return akun


async def register(session: AsyncSession, runtime: Runtime, *, data: RegisterIn) -> AkunRead:
    if data.email is None and data.phone is None:
        message = "isi e-mail atau nomor telepon"
        raise InvalidInput(
            "Isi e-mail atau nomor telepon agar akun dapat dipulihkan.",
            errors=[
                {"field": "email", "code": "wajib_salah_satu", "message": message},
                {"field": "phone", "code": "wajib_salah_satu", "message": message},
            ],
        )
    akun = await create_account(
        session,
        runtime,
        nama=data.nama,
        password=data.password,
        nik=data.nik,
        email=data.email,
        phone=data.phone,
        grants=[Grant("warga")],
    )
    grants = await HakAksesRepository(session).for_akun(akun.id)
    return _akun_read(runtime, akun, grants)


async def _find_for_login(repo: AkunRepository, runtime: Runtime, username: str) -> Akun | None:
    value = username.strip()
    if "@" in value:
        return await repo.by_email(value.lower())
    compact = stdnum_nik.compact(value)
    if compact.isdigit() and len(compact) == 16:
        return await repo.by_nik_index(runtime.sealer.index(compact))
    if value and value[0] in "+0123456789":
        phone = normalize_phone(value)
        return await repo.by_phone(phone) if phone else None
    return await repo.by_username(value.lower())


async def _issue(session: AsyncSession, runtime: Runtime, akun: Akun, sesi: Sesi | None) -> TokenPair:
    """A new token pair: for a new session, or the next pair of an existing one (rotation)."""
    settings = runtime.settings
    now = utcnow()
    access_expires = now + timedelta(minutes=settings.access_token_minutes)
    refresh_token = secrets.token_urlsafe(32)
    repo = SesiRepository(session)
    if sesi is None:
        sesi = repo.add(
            Sesi(
                id=new_id(),
                akun_id=akun.id,
                refresh_hash=token_hash(refresh_token),
                refresh_expires_at=now + timedelta(days=settings.refresh_token_days),
                access_expires_at=access_expires,
            )
        )
    else:
        repo.retire(sesi)
        sesi.refresh_hash = token_hash(refresh_token)
        sesi.refresh_expires_at = now + timedelta(days=settings.refresh_token_days)
        sesi.access_expires_at = access_expires
        session.add(sesi)
    grants = await HakAksesRepository(session).for_akun(akun.id)
    claims: dict[str, Any] = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": str(akun.id),
        "sid": str(sesi.id),
        "typ": "access",
        "name": akun.nama,
        "grants": [_grant_claim(g) for g in grants],
        "iat": int(now.timestamp()),
        "exp": int(access_expires.timestamp()),
    }
    nik = _nik_of(runtime, akun)
    if nik is not None:
        claims["nik"] = nik
        # Where the NIK was proved: each region trusts only a proof made against its own records.
        claims["nik_verified_regions"] = sorted(akun.nik_terbukti_di)
    key = await runtime.keys.signer(session)
    await session.flush()
    return TokenPair(
        access_token=key.sign(claims),
        refresh_token=refresh_token,
        expires_in=settings.access_token_minutes * 60,
    )


@dataclass(frozen=True)
class _ThrottleKeys:
    """What one login attempt is counted under: (account, address), account, address."""

    pair: str
    account: str
    address: str


def _throttle_keys(runtime: Runtime, akun: Akun | None, username: str, address: str) -> _ThrottleKeys:
    # An unknown login name is counted like an account, so 401 turns into 429 at the same point for
    # names with and without an account (that moment would otherwise tell which NIKs are registered).
    subject = str(akun.id) if akun is not None else f"nama:{username.strip().lower()}"
    index = runtime.sealer.index
    return _ThrottleKeys(
        pair=index(f"login-pasangan|{subject}|{address}"),
        account=index(f"login-akun|{subject}"),
        address=index(f"login-alamat|{address}"),
    )


def _waiting(row: LoginThrottle | None, now: datetime) -> datetime | None:
    return row.wait_until if row is not None and row.wait_until is not None and row.wait_until > now else None


async def _count_failure(
    throttle: LoginThrottleRepository, settings: Settings, keys: _ThrottleKeys, *, known: bool
) -> datetime | None:
    """Count a wrong password everywhere it counts; the moment until which this address must wait."""
    now = utcnow()
    day_window = timedelta(hours=settings.login_window_hours)
    address_window = timedelta(minutes=settings.login_address_window_minutes)
    # Always in this order (account, address, pair): concurrent failures lock rows in the same order.
    account = await throttle.count_failure(keys.account, now=now, window=day_window)
    address = await throttle.count_failure(keys.address, now=now, window=address_window)
    pair = await throttle.count_failure(keys.pair, now=now, window=day_window)
    await throttle.prune(now=now)
    free = settings.login_pair_failures
    if not known and account.failures > settings.login_account_failures:
        # Many addresses are guessing this account: addresses it never logged in from get less.
        free = min(free, settings.login_new_address_failures)
    until = None
    if pair.failures > free:
        doubled = settings.login_delay_seconds * 2 ** min(pair.failures - free - 1, 30)
        until = now + timedelta(seconds=min(doubled, settings.login_delay_max_seconds))
        await throttle.wait(keys.pair, until)
    if address.failures > settings.login_address_failures:
        address_until = address.window_started_at + address_window
        await throttle.wait(keys.address, address_until)
        if not known:
            until = max(until or address_until, address_until)
    return until


async def login(
    session: AsyncSession, runtime: Runtime, *, username: str, password: str, address: str
) -> TokenPair:
    """Wrong passwords slow the address they come from (counted in the database, kept with the
    refusal: keep_changes); the account stays open to its owner elsewhere. `address` is the client's,
    as the trusted gateway forwarded it."""
    settings = runtime.settings
    repo = AkunRepository(session)
    akun = await _find_for_login(repo, runtime, username)
    keys = _throttle_keys(runtime, akun, username, address)
    throttle = LoginThrottleRepository(session)
    now = utcnow()
    if not await throttle.try_lock(keys.pair):
        raise LoginDitunda(now + timedelta(seconds=1))  # this address's previous attempt is still running
    rows = await throttle.get_many([keys.pair, keys.address])
    pair = rows.get(keys.pair)
    known = pair is not None and pair.known_until is not None and pair.known_until > now
    # A wait is served before the password is looked at, so guesses during it are not even tried.
    if (until := _waiting(pair, now)) is not None:
        raise LoginDitunda(until)
    if not known and (until := _waiting(rows.get(keys.address), now)) is not None:
        raise LoginDitunda(until)
    if akun is None:
        await runtime.passwords.verify_unknown(password)
        right = False
    else:
        right = await runtime.passwords.verify(akun.password_hash, password)
    if akun is None or not right:
        if (until := await _count_failure(throttle, settings, keys, known=known)) is not None:
            raise LoginDitunda(until, keep_changes=True)
        raise LoginGagal(keep_changes=True)
    if not akun.aktif:
        raise AkunNonaktif("Akun ini sudah dinonaktifkan. Hubungi admin daerah Anda.")
    await throttle.succeeded(
        keys.pair, now=now, known_until=now + timedelta(days=settings.login_known_address_days)
    )
    if runtime.passwords.needs_rehash(akun.password_hash):
        akun.password_hash = await runtime.passwords.hash(password)
        session.add(akun)
    return await _issue(session, runtime, akun, None)


async def revoke_session(session: AsyncSession, sesi: Sesi) -> None:
    """End a session, and tell every service through the outbox (their tokens die with it)."""
    sesi.revoked_at = utcnow()
    session.add(sesi)
    await add_event(
        session,
        SESI_REVOKED,
        SesiRevoked(sid=sesi.id, akun_id=sesi.akun_id, expires_at=sesi.access_expires_at),
        tenant=None,
        subject=str(sesi.akun_id),
    )


async def refresh(session: AsyncSession, runtime: Runtime, *, refresh_token: str) -> TokenPair:
    """The next token pair; a refresh token is good once. A reused one ends its session (kept)."""
    hashed = token_hash(refresh_token)
    repo = SesiRepository(session)
    sesi = await repo.by_refresh_hash(hashed)
    if sesi is None:
        retired = await repo.retired(hashed)
        if retired is not None:
            # Both the thief and the owner hold this token now: end the session for both.
            stolen = await repo.for_update(retired.sesi_id)
            if stolen is not None and stolen.revoked_at is None:
                await revoke_session(session, stolen)
                raise RefreshDitolak(
                    "Token penyegar ini sudah pernah dipakai, jadi sesinya diakhiri demi keamanan. "
                    "Silakan masuk kembali.",
                    keep_changes=True,
                )
        raise RefreshDitolak()
    if sesi.revoked_at is not None or sesi.refresh_expires_at <= utcnow():
        raise RefreshDitolak()
    akun = await AkunRepository(session).get(sesi.akun_id)
    if akun is None or not akun.aktif:
        raise RefreshDitolak()
    return await _issue(session, runtime, akun, sesi)


async def logout(session: AsyncSession, principal: Principal) -> None:
    sesi = await SesiRepository(session).for_update(principal.sid)
    if sesi is not None and sesi.revoked_at is None:
        await revoke_session(session, sesi)


async def me(session: AsyncSession, principal: Principal, *, runtime: Runtime) -> AkunRead:
    akun = await AkunRepository(session).get_or_404(principal.id)
    grants = await HakAksesRepository(session).for_akun(akun.id)
    return _akun_read(runtime, akun, grants)


async def jwks(session: AsyncSession, *, runtime: Runtime) -> dict[str, list[dict[str, Any]]]:
    return await runtime.keys.jwks(session)


async def rotate_keys(session: AsyncSession, *, runtime: Runtime) -> SigningKeyRotated:
    current, retired = await runtime.keys.rotate(session, force=True)
    return SigningKeyRotated(kid=current.kid, kid_sebelumnya=retired.kid if retired else None)


async def withdraw_key(session: AsyncSession, kid: str, *, runtime: Runtime) -> SigningKeyWithdrawn:
    withdrawn, replacement = await runtime.keys.withdraw(session, kid)
    return SigningKeyWithdrawn(kid=withdrawn.kid, kid_pengganti=replacement.kid if replacement else None)


# Staff accounts: a region's admin manages its operators; admin pusat manages any region's staff,
# and alone appoints or changes a region's admins. The routes admit only those two (AdminPusatAtauDaerah,
# the admin daerah for the `{tenant}` of the path); what is left here is the finer rule on admins.


def _ensure_ministry(principal: Principal) -> None:
    """A region's admins are appointed and changed by the ministry; they manage operators."""
    if not principal.is_admin_pusat:
        raise Forbidden("Akun admin daerah dibuat dan diubah oleh admin pusat.")


async def _check_layanan(tenants: TenantCache, slug: str, role: StaffRole, layanan: list[str]) -> list[str]:
    chosen = sorted(set(layanan))
    if role == "admin_daerah":
        if chosen:
            raise InvalidInput(
                "Admin daerah mengelola semua layanan daerahnya; daftar layanan hanya untuk operator.",
                errors=[
                    {"field": "layanan", "code": "tidak_berlaku", "message": "kosongkan untuk admin daerah"}
                ],
            )
        return []
    if not chosen:
        raise InvalidInput(
            "Operator memerlukan sedikitnya satu layanan.",
            errors=[{"field": "layanan", "code": "too_short", "message": "pilih sedikitnya satu layanan"}],
        )
    for name in chosen:
        await tenants.get(slug, name)  # the 404 problem "layanan_tidak_aktif" when not enabled there
    return chosen


def _grant_claim(grant: HakAkses) -> dict[str, Any]:
    claim: dict[str, Any] = {"role": grant.role, "tenant": grant.tenant, "layanan": grant.layanan}
    if grant.opd_id is not None:
        claim["opd"] = str(grant.opd_id)
    return claim


def _staff_read(akun: Akun, grants: Sequence[HakAkses]) -> StaffRead:
    role: StaffRole = "admin_daerah" if any(g.role == "admin_daerah" for g in grants) else "operator"
    return StaffRead(
        id=akun.id,
        username=akun.username,
        nama=akun.nama,
        role=role,
        tenant=akun.tenant_id,
        layanan=sorted(g.layanan for g in grants if g.role == "operator" and g.layanan),
        opd_id=next((g.opd_id for g in grants if g.role == "operator" and g.opd_id), None),
        aktif=akun.aktif,
        dibuat=akun.created_at,
    )


async def create_staff(
    session: AsyncSession,
    principal: Principal,
    *,
    runtime: Runtime,
    tenants: TenantCache,
    slug: str,
    data: StaffCreate,
) -> StaffRead:
    region = await tenants.region(slug)
    if data.role == "admin_daerah":
        _ensure_ministry(principal)
    layanan = await _check_layanan(tenants, slug, data.role, data.layanan)
    if data.role == "admin_daerah":
        grants = [Grant("admin_daerah", region.kode)]
    else:
        grants = [Grant("operator", region.kode, name, opd=data.opd_id) for name in layanan]
    akun = await create_account(
        session,
        runtime,
        nama=data.nama,
        password=data.password,
        username=data.username,
        tenant_id=region.kode,
        grants=grants,
    )
    return _staff_read(akun, await HakAksesRepository(session).for_akun(akun.id))


async def list_staff(
    session: AsyncSession,
    *,
    tenants: TenantCache,
    slug: str,
    page: PageParams,
    q: str | None,
    aktif: bool | None,
) -> tuple[list[StaffRead], int]:
    region = await tenants.region(slug)
    repo = AkunRepository(session, region.kode)
    await repo.scope()
    rows, total = await repo.paginate(repo.staff_listing(q=q, aktif=aktif), page)
    grants = await HakAksesRepository(session).for_akuns([a.id for a in rows])
    return [_staff_read(a, grants[a.id]) for a in rows], total


async def update_staff(
    session: AsyncSession,
    principal: Principal,
    *,
    tenants: TenantCache,
    slug: str,
    akun_id: UUID,
    data: StaffUpdate,
) -> StaffRead:
    region = await tenants.region(slug)
    repo = AkunRepository(session, region.kode)
    await repo.scope()
    akun = await repo.get(akun_id)
    if akun is None:
        raise NotFound("Akun staf tidak ditemukan di daerah ini.")
    grant_repo = HakAksesRepository(session)
    grants = await grant_repo.for_akun(akun.id)
    role = _staff_read(akun, grants).role
    if role == "admin_daerah":
        _ensure_ministry(principal)
    # Everything is checked before anything changes.
    layanan = None
    if data.layanan is not None:
        layanan = await _check_layanan(tenants, slug, role, data.layanan)
    if data.aktif is False and akun.id == principal.id:
        raise InvalidInput(
            "Anda tidak dapat menonaktifkan akun Anda sendiri.",
            errors=[{"field": "aktif", "code": "akun_sendiri", "message": "tidak untuk akun sendiri"}],
        )
    if data.nama is not None:
        akun.nama = data.nama
    opd_id = next((g.opd_id for g in grants if g.role == "operator" and g.opd_id), None)
    if data.opd_id is not None or data.hapus_opd:
        opd_id = None if data.hapus_opd else data.opd_id
    if role == "operator" and (layanan is not None or opd_id != _staff_read(akun, grants).opd_id):
        names = (
            layanan
            if layanan is not None
            else [g.layanan for g in grants if g.role == "operator" and g.layanan]
        )
        await grant_repo.remove(akun.id, role="operator")
        for name in names:
            grant_repo.add(
                HakAkses(akun_id=akun.id, role="operator", tenant=region.kode, layanan=name, opd_id=opd_id)
            )
    if data.aktif is not None and data.aktif != akun.aktif:
        akun.aktif = data.aktif
        if not data.aktif:
            for sesi in await SesiRepository(session).open_for_akun(akun.id, now=utcnow()):
                await revoke_session(session, sesi)
    session.add(akun)
    await session.flush()
    return _staff_read(akun, await grant_repo.for_akun(akun.id))
