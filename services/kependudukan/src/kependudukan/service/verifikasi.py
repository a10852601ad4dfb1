"""Proof that a citizen account's NIK is the holder's own, before kependudukan serves it.

A NIK is printed on every KTP copy, so knowing one proves nothing. A person proves theirs either by
matching what a KTP does not show (the family card number and the mother's name as SIAK records them),
with a few attempts a day, or at the Disdukcapil counter: the app shows a short code, and the operator who
has checked the KTP in person types it in. The proof is announced (`puja.kependudukan.nik.verified`):
akun records the region whose record proved it, and the account's next tokens name that region in
`nik_verified_regions`: the proof counts in that region only, never in another.

A NIK registers once. When someone else registered it first and never proved it, the holder goes to the
counter: the operator checks the KTP and releases the NIK (`puja.kependudukan.nik.released`), akun takes
it off that account and ends its sessions, and the holder registers and proves it.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import unicodedata
from datetime import datetime, timedelta

from puja_kit.auth import Principal
from puja_kit.baca import Reader
from puja_kit.db import utcnow
from puja_kit.errors import Conflict, Forbidden, InvalidInput, NikBelumTerverifikasi, NotFound, Terkunci
from puja_kit.events.catalog import NikReleased, NikVerified
from puja_kit.outbox import add_event
from puja_kit.privasi import mask_nik
from puja_kit.tenancy import Tenant
from puja_kit.workflow.tracking import ALPHABET
from sqlalchemy.ext.asyncio import AsyncSession

from kependudukan.models import Penduduk, VerifikasiNik
from kependudukan.repository import PendudukRepository, VerifikasiNikRepository, verifikasi_query
from kependudukan.schemas import (
    KodeLoketRead,
    PelepasanNikIn,
    PelepasanNikRead,
    VerifikasiLoketIn,
    VerifikasiMandiriIn,
    VerifikasiRead,
)

MAX_ATTEMPTS = 5
LOCK = timedelta(hours=24)
CODE_VALID = timedelta(hours=24)
logger = logging.getLogger("kependudukan.verifikasi")


class VerifikasiTerkunci(Terkunci):
    code = "verifikasi_terkunci"
    title = "Verifikasi NIK terkunci sementara"

    def message(self, seconds: int) -> str:
        return (
            f"Terlalu banyak percobaan yang tidak cocok. Coba lagi dalam {self.wait(seconds)}, "
            "atau datang ke loket Disdukcapil membawa KTP."
        )


class VerifikasiGagal(InvalidInput):
    code = "verifikasi_gagal"
    title = "Data tidak cocok dengan catatan kependudukan"


def _normal(name: str) -> str:
    """Names as people type them: case, accents, punctuation and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.casefold().split())


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _citizen_nik(principal: Principal) -> str:
    # The route admits citizens only; a citizen account without a NIK has nothing to prove.
    if not principal.nik:
        raise Forbidden("Verifikasi NIK untuk akun warga yang mendaftar dengan NIK.")
    return principal.nik


def _read(row: VerifikasiNik | None, now: datetime | None = None) -> VerifikasiRead:
    now = now or utcnow()
    if row is None:
        return VerifikasiRead(terverifikasi=False, sisa_percobaan=MAX_ATTEMPTS)
    locked = row.terkunci_sampai if row.terkunci_sampai and row.terkunci_sampai > now else None
    return VerifikasiRead(
        terverifikasi=row.terverifikasi_pada is not None,
        metode=row.metode,
        terverifikasi_pada=row.terverifikasi_pada,
        sisa_percobaan=0 if locked else MAX_ATTEMPTS - (0 if row.terkunci_sampai else row.gagal),
        terkunci_sampai=locked,
    )


async def _record(session: AsyncSession, tenant: Tenant, nik: str) -> Penduduk:
    record = await PendudukRepository(session, tenant.kode).by_nik(nik)
    if record is None or record.status != "HIDUP":
        raise NotFound(f"NIK ini tidak tercatat sebagai penduduk {tenant.nama}; hubungi Disdukcapil.")
    return record


async def _taken_by_another(repo: VerifikasiNikRepository, row: VerifikasiNik) -> None:
    other = await repo.verified_nik(row.nik)
    if other is not None and other.akun_id != row.akun_id:
        raise Conflict("NIK ini sudah dibuktikan oleh akun lain. Datang ke loket Disdukcapil membawa KTP.")


async def _verified(session: AsyncSession, tenant: Tenant, row: VerifikasiNik, metode: str) -> None:
    row.terverifikasi_pada = utcnow()
    row.metode = metode
    row.gagal, row.terkunci_sampai = 0, None
    row.kode_loket = row.kode_berlaku_sampai = None
    session.add(row)
    await add_event(
        session,
        "puja.kependudukan.nik.verified",
        NikVerified(akun_id=row.akun_id, nik=row.nik, metode=metode),
        tenant=tenant.kode,
        subject=str(row.akun_id),
    )
    logger.info("NIK %s terbukti milik akun %s (%s)", mask_nik(row.nik), row.akun_id, metode)


async def status(session: AsyncSession, principal: Principal, *, tenant: Tenant) -> VerifikasiRead:
    _citizen_nik(principal)
    return _read(await VerifikasiNikRepository(session, tenant.kode).of_akun(principal.id))


async def verify_self(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: VerifikasiMandiriIn
) -> VerifikasiRead:
    nik = _citizen_nik(principal)
    record = await _record(session, tenant, nik)
    repo = VerifikasiNikRepository(session, tenant.kode)
    row = await repo.locked_for(principal.id, nik)
    if row.terverifikasi_pada is not None:
        return _read(row)
    await _taken_by_another(repo, row)
    now = utcnow()
    if row.terkunci_sampai is not None:
        if row.terkunci_sampai > now:
            raise VerifikasiTerkunci(row.terkunci_sampai)
        row.gagal, row.terkunci_sampai = 0, None  # an expired lock starts a fresh count
    # Records without the name, or with a placeholder such as "-", cannot prove anything.
    expected = _normal(record.nama_ibu or "")
    if len(expected.replace(" ", "")) < 2:
        raise InvalidInput(
            "Nama ibu kandung Anda belum ada dalam catatan daerah ini: verifikasi di loket Disdukcapil."
        )
    matches = _same(record.no_kk, data.no_kk) & _same(expected, _normal(data.nama_ibu))
    if not matches:
        row.gagal += 1
        if row.gagal >= MAX_ATTEMPTS:
            row.terkunci_sampai = now + LOCK
        session.add(row)
        if row.terkunci_sampai is not None:
            raise VerifikasiTerkunci(row.terkunci_sampai, keep_changes=True)
        raise VerifikasiGagal(
            f"No. KK atau nama ibu kandung tidak cocok. Sisa percobaan: {MAX_ATTEMPTS - row.gagal}.",
            keep_changes=True,
        )
    await _verified(session, tenant, row, "MANDIRI")
    return _read(row)


async def counter_code(session: AsyncSession, principal: Principal, *, tenant: Tenant) -> KodeLoketRead:
    """A code for the counter, valid a day; asking again replaces it."""
    nik = _citizen_nik(principal)
    await _record(session, tenant, nik)
    repo = VerifikasiNikRepository(session, tenant.kode)
    row = await repo.locked_for(principal.id, nik)
    if row.terverifikasi_pada is not None:
        raise Conflict("NIK Anda sudah terverifikasi.")
    row.kode_loket = "".join(secrets.choice(ALPHABET) for _ in range(8))
    row.kode_berlaku_sampai = utcnow() + CODE_VALID
    session.add(row)
    return KodeLoketRead(kode=row.kode_loket, berlaku_sampai=row.kode_berlaku_sampai)


async def verify_at_counter(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: VerifikasiLoketIn
) -> VerifikasiRead:
    await _record(session, tenant, data.nik)
    repo = VerifikasiNikRepository(session, tenant.kode)
    kode = data.kode.strip().upper().replace("-", "").replace(" ", "")
    row = await repo.by_counter_code(data.nik, kode)
    if row is None or row.kode_berlaku_sampai is None or row.kode_berlaku_sampai <= utcnow():
        raise InvalidInput(
            "Kode loket tidak cocok dengan NIK ini atau sudah kedaluwarsa; minta warga membuat kode baru.",
            errors=[{"field": "kode", "code": "tidak_valid", "message": "kode tidak cocok"}],
        )
    await _taken_by_another(repo, row)
    row.petugas_id = principal.id
    await _verified(session, tenant, row, "LOKET")
    return _read(row)


async def release_at_counter(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: PelepasanNikIn
) -> PelepasanNikRead:
    """The operator has checked the holder's KTP: an account that registered the NIK and never proved it
    here loses it. A NIK proved against this region's records is never released this way; one proved
    only in another region is (that region's records do not make it the account's here)."""
    await _record(session, tenant, data.nik)
    if await VerifikasiNikRepository(session, tenant.kode).verified_nik(data.nik) is not None:
        raise Conflict(
            "NIK ini sudah dibuktikan oleh sebuah akun di daerah ini; akun yang sudah terbukti tidak dilepas "
            "di loket."
        )
    await add_event(
        session,
        "puja.kependudukan.nik.released",
        NikReleased(nik=data.nik, alasan=data.alasan.strip()),
        tenant=tenant.kode,
        subject=data.nik,
    )
    logger.info(
        "NIK %s dilepas dari akun yang belum terbukti oleh petugas %s", mask_nik(data.nik), principal.id
    )
    return PelepasanNikRead(nik=data.nik, status="DILEPAS")


async def ensure_verified_read(reader: Reader, principal: Principal) -> str:
    """`ensure_verified` on the read path (puja_kit.baca)."""
    nik = _citizen_nik(principal)
    if principal.nik_verified_in(reader.tenant.kode):
        return nik
    row = await reader.one(verifikasi_query(), akun_id=principal.id)
    if row is None or row["terverifikasi_pada"] is None or row["nik"] != nik:
        raise NikBelumTerverifikasi()
    return nik


async def ensure_verified(session: AsyncSession, principal: Principal, *, tenant: Tenant) -> str:
    """The citizen's NIK once proved against this region's records: just now (this region's own row),
    or earlier (the token names this region, from akun). Another region's proof does not count here."""
    nik = _citizen_nik(principal)
    if principal.nik_verified_in(tenant.kode):
        return nik
    row = await VerifikasiNikRepository(session, tenant.kode).of_akun(principal.id)
    if row is None or row.terverifikasi_pada is None or row.nik != nik:
        raise NikBelumTerverifikasi()
    return nik
