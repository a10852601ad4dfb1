"""A report layanan's reports, once for all of them: what a citizen reports (a category with its own
questions, a place, a description, photos), what the reporter and the staff see and do, the public
tracking view, the region's public list of the reports it published, per-category SLA days per region,
bulk actions and per-OPD performance, on the kit's report lifecycle (`puja_kit.workflow.aduan`).

A layanan declares one `JenisLaporan` (its categories and its four tables, `puja_kit.workflow.
aduan_models`) and mounts `puja_kit.workflow.laporan_api.laporan_router(jenis)`. Its own domain (the
DPRD's commissions, an asset a report is tied to) plugs in through `tujuan` (where a report may be
disposed to) and `saat_dibuat` (the layanan's own checks and fields on a new report).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from puja_kit.auth import Principal
from puja_kit.db import new_id, utcnow
from puja_kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from puja_kit.repository import CursorParams, RepositoryBase
from puja_kit.rls import set_tenant
from puja_kit.storage import Storage, check_upload
from puja_kit.tenancy import Tenant, is_staff
from puja_kit.workflow.aduan import (
    OPEN_STATUSES,
    AturanAduan,
    HasilMassal,
    KinerjaOpd,
    SlaAduan,
    apply_aduan,
    bulk_apply,
    kinerja_opd,
    merge,
    possible_duplicates,
    rate,
    receive_aduan,
)
from puja_kit.workflow.aduan_models import (
    AduanRiwayatBase,
    AturanKategoriBase,
    LaporanBase,
    LaporanFotoBase,
    aduan_in_order,
)
from puja_kit.workflow.aduan_view import AduanView, Penampil, aduan_view, strip_location
from puja_kit.workflow.models import Urutan

FOTO_TYPES = frozenset({"image/jpeg", "image/png"})
# What an OPD's operator does with the reports disposed to their OPD; the rest is the verifiers'.
OPD_ACTIONS = frozenset({"tindak_lanjut", "jawab"})
# Open311's datatypes, which the category's questions use too.
JenisAtribut = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
# The API's path segment of each step anyone but the system takes (merging has its own route).
AKSI = {
    "verifikasi": "verifikasi",
    "arsipkan": "arsipkan",
    "disposisi": "disposisi",
    "alihkan": "alihkan",
    "bukan-kewenangan": "bukan_kewenangan",
    "tindak-lanjut": "tindak_lanjut",
    "jawab": "jawab",
    "terima-jawaban": "terima_jawaban",
    "buka-kembali": "buka_kembali",
}


@dataclass(frozen=True)
class Atribut:
    """A question of a category a reporter answers (Open311's service attribute)."""

    kode: str
    nama: str
    jenis: JenisAtribut = "string"
    wajib: bool = False
    keterangan: str | None = None
    # For the list types: the allowed answers, code -> label.
    pilihan: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Kategori:
    """What a citizen can report: `opd_saran` names the OPD that usually acts on it (offered first to the
    verifier, e.g. "Damkar" for a fire)."""

    kode: str
    nama: str
    keterangan: str = ""
    atribut: tuple[Atribut, ...] = ()
    opd_saran: str | None = None
    kata_kunci: tuple[str, ...] = ()


# Where a report may be disposed to: (region, the id the staff chose, the name they sent) -> (id, name).
Tujuan = Callable[[AsyncSession, Tenant, UUID, str | None], Awaitable[tuple[UUID, str]]]
# The layanan's own checks and fields on a new report, before it is stored.
SaatDibuat = Callable[[AsyncSession, Tenant, LaporanBase, Any], Awaitable[None]]


@dataclass(frozen=True)
class JenisLaporan:
    """A layanan's reports: its categories and tables, and how its own domain plugs in."""

    layanan: str
    # The reports' name in the layanan's words ("Laporan kerusakan", "Aspirasi").
    nama: str
    prefix: str
    kategori: tuple[Kategori, ...]
    laporan: type[LaporanBase]
    riwayat: type[AduanRiwayatBase]
    foto: type[LaporanFotoBase]
    aturan: type[AturanKategoriBase]
    lokasi_wajib: bool = True
    radius_duplikat_m: float = 50.0
    maks_foto: int = 3
    # The disposition target ("OPD" by default: the id and name the staff sent, from the registry's
    # list of the region's OPDs); aspirasi's are its commissions.
    tujuan: Tujuan | None = None
    saat_dibuat: SaatDibuat | None = None
    # The layanan's own fields of a report, shown to its reporter and staff as `ekstra`.
    ekstra: Callable[[LaporanBase], dict[str, Any]] | None = None

    def kategori_of(self, kode: str) -> Kategori | None:
        return next((k for k in self.kategori if k.kode == kode), None)

    def label(self, kode: str) -> str:
        found = self.kategori_of(kode)
        return found.nama if found else kode


# --- the region's rules ----------------------------------------------------------------------------


async def scope(session: AsyncSession, tenant: Tenant) -> None:
    # Row-level security, the second wall behind the statements' tenant filter.
    await set_tenant(session, tenant.kode)


async def aturan_rows(jenis: JenisLaporan, session: AsyncSession, tenant: Tenant) -> list[AturanKategoriBase]:
    model = jenis.aturan
    stmt = select(model).where(col(model.tenant_id) == tenant.kode).order_by(col(model.kategori))
    return list((await session.scalars(stmt)).all())


async def aturan_of(
    jenis: JenisLaporan, session: AsyncSession, tenant: Tenant, kategori: str | None = None
) -> AturanAduan:
    """The region's rules for a report of `kategori` (see `aturan_from`)."""
    return aturan_from(await aturan_rows(jenis, session, tenant), tenant, kategori)


def aturan_from(
    rows: Sequence[AturanKategoriBase], tenant: Tenant, kategori: str | None = None
) -> AturanAduan:
    """The region's rules from its own rows: its days per category where it set them, else 3 working
    days to verify (SP4N-LAPOR!) and the layanan's `sla_hari` for the OPD's follow-up; reopening within
    the category's window (10 working days unless the region set another)."""
    by_kategori = {row.kategori: row for row in rows}
    own = by_kategori.get(kategori or "")
    return AturanAduan(
        sla={
            k: SlaAduan(verifikasi=r.sla_verifikasi, tindak_lanjut=r.sla_tindak_lanjut)
            for k, r in by_kategori.items()
        },
        sla_bawaan=SlaAduan(verifikasi=3, tindak_lanjut=tenant.settings.sla_hari),
        buka_kembali_hari=own.buka_kembali_hari if own else 10,
    )


async def set_aturan(
    jenis: JenisLaporan,
    session: AsyncSession,
    tenant: Tenant,
    *,
    kategori: str,
    sla_verifikasi: int,
    sla_tindak_lanjut: int,
    buka_kembali_hari: int,
) -> AturanKategoriBase:
    """The region's own days for one category (a second write replaces the first)."""
    if jenis.kategori_of(kategori) is None:
        raise NotFound("Kategori tidak dikenal di layanan ini.")
    await scope(session, tenant)
    model = jenis.aturan
    values = {
        "sla_verifikasi": sla_verifikasi,
        "sla_tindak_lanjut": sla_tindak_lanjut,
        "buka_kembali_hari": buka_kembali_hari,
        "updated_at": utcnow(),
    }
    table = model.__table__  # type: ignore[attr-defined]
    await session.execute(
        insert(table)
        .values(id=new_id(), tenant_id=tenant.kode, kategori=kategori, **values)
        .on_conflict_do_update(index_elements=["tenant_id", "kategori"], set_=values)
    )
    row = (
        await session.scalars(
            select(model)
            .where(col(model.tenant_id) == tenant.kode, col(model.kategori) == kategori)
            .execution_options(populate_existing=True)
        )
    ).one()
    return row


def check_atribut(kategori: Kategori, given: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to the category's questions, checked against their types: unknown questions, missing
    required ones and answers outside a list are refused with the field that is wrong."""
    known = {a.kode: a for a in kategori.atribut}
    errors: list[dict[str, str]] = []
    out: dict[str, Any] = {}
    for kode in given:
        if kode not in known:
            errors.append(
                {"field": f"atribut.{kode}", "code": "tidak_dikenal", "message": "pertanyaan tidak dikenal"}
            )
    for a in kategori.atribut:
        value = given.get(a.kode)
        if value in (None, "", []):
            if a.wajib:
                errors.append(
                    {"field": f"atribut.{a.kode}", "code": "missing", "message": f"{a.nama}: wajib diisi"}
                )
            continue
        where = f"atribut.{a.kode}"
        if a.jenis == "multivaluelist":
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) and v in a.pilihan for v in values):
                errors.append({"field": where, "code": "pilihan", "message": f"{a.nama}: pilih dari daftar"})
                continue
            out[a.kode] = list(dict.fromkeys(values))
        elif a.jenis == "singlevaluelist":
            if not isinstance(value, str) or value not in a.pilihan:
                errors.append({"field": where, "code": "pilihan", "message": f"{a.nama}: pilih dari daftar"})
                continue
            out[a.kode] = value
        elif a.jenis == "number":
            try:
                number = float(str(value).replace(",", "."))
            except ValueError:
                errors.append({"field": where, "code": "angka", "message": f"{a.nama}: isi dengan angka"})
                continue
            if number != number or number in (float("inf"), float("-inf")):
                errors.append({"field": where, "code": "angka", "message": f"{a.nama}: isi dengan angka"})
                continue
            out[a.kode] = number
        elif a.jenis == "datetime":
            try:
                out[a.kode] = datetime.fromisoformat(str(value)).isoformat()
            except ValueError:
                errors.append({"field": where, "code": "waktu", "message": f"{a.nama}: waktu ISO 8601"})
        else:
            text = str(value).strip()
            limit = 2000 if a.jenis == "text" else 200
            if not text or len(text) > limit or any(ord(c) < 32 and c not in "\n\t" for c in text):
                errors.append({"field": where, "code": "teks", "message": f"{a.nama}: 1-{limit} karakter"})
                continue
            out[a.kode] = text
    if errors:
        raise InvalidInput("Jawaban pertanyaan kategori tidak sesuai.", errors=errors)
    return out


# --- loading ---------------------------------------------------------------------------------------


def _base(jenis: JenisLaporan, tenant: Tenant) -> Select[Any]:
    return select(jenis.laporan).where(col(jenis.laporan.tenant_id) == tenant.kode)


async def get_row(
    jenis: JenisLaporan, session: AsyncSession, tenant: Tenant, laporan_id: UUID, *, for_update: bool = False
) -> LaporanBase | None:
    stmt = _base(jenis, tenant).where(col(jenis.laporan.id) == laporan_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).first()


async def load(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    laporan_id: UUID,
    *,
    for_update: bool = False,
) -> LaporanBase:
    """The report if the caller may see it: its reporter, the layanan's verifiers, or the operators of
    the OPD it is disposed to."""
    await scope(session, tenant)
    obj = await get_row(jenis, session, tenant, laporan_id, for_update=for_update)
    own = obj is not None and obj.pelapor_id == principal.id
    opd = opd_scope(principal, tenant)
    staff = obj is not None and is_staff(principal, tenant) and (opd is None or obj.opd_id == opd)
    if obj is None or not (own or staff):
        raise NotFound(f"{jenis.nama} tidak ditemukan")
    return obj


async def history(jenis: JenisLaporan, session: AsyncSession, tenant: Tenant, laporan_id: UUID) -> list[Any]:
    model = jenis.riwayat
    stmt = (
        select(model)
        .where(col(model.tenant_id) == tenant.kode, col(model.aduan_id) == laporan_id)
        .order_by(col(model.waktu), col(model.id))
    )
    return list((await session.scalars(stmt)).all())


async def photos(jenis: JenisLaporan, session: AsyncSession, tenant: Tenant, laporan_id: UUID) -> list[Any]:
    model = jenis.foto
    stmt = (
        select(model)
        .where(col(model.tenant_id) == tenant.kode, col(model.laporan_id) == laporan_id)  # type: ignore[attr-defined]
        .order_by(col(model.diunggah_at), col(model.id))
    )
    return list((await session.scalars(stmt)).all())


def opd_scope(principal: Principal, tenant: Tenant) -> UUID | None:
    """The OPD an operator works for (puja_kit.auth.Grant.opd), or None for the verifiers."""
    return principal.opd_of(tenant=tenant.kode, layanan=tenant.layanan)


def ensure_verifier(principal: Principal, tenant: Tenant) -> None:
    if opd_scope(principal, tenant) is not None:
        raise Forbidden(
            "Operator OPD hanya menindaklanjuti dan menjawab laporan yang didisposisikan ke OPD-nya."
        )


def viewer_of(principal: Principal, tenant: Tenant) -> Penampil:
    """An OPD's operator sees a report as the OPD does (a reporter who asked is hidden from them); the
    layanan's other operators and the region's admin are its verifiers."""
    if opd_scope(principal, tenant) is not None:
        return "opd"
    return "verifikator" if is_staff(principal, tenant) else "pelapor"


# --- the reporter ----------------------------------------------------------------------------------


async def create(
    jenis: JenisLaporan, session: AsyncSession, principal: Principal, *, tenant: Tenant, data: Any
) -> LaporanBase:
    """A new report from a citizen whose NIK is proved in this region (it is followed up on their word)."""
    principal.ensure_own_nik(tenant.kode)
    kategori = jenis.kategori_of(data.kategori)
    if kategori is None:
        raise InvalidInput(
            "Kategori tidak dikenal di layanan ini.",
            errors=[{"field": "kategori", "code": "tidak_dikenal", "message": "pilih kategori dari daftar"}],
        )
    if jenis.lokasi_wajib and (data.lat is None or data.lon is None):
        raise InvalidInput(
            "Tandai lokasi laporan (lintang dan bujur).",
            errors=[{"field": "lat", "code": "missing", "message": "wajib diisi"}],
        )
    atribut = check_atribut(kategori, data.atribut or {})
    await scope(session, tenant)
    obj = jenis.laporan(
        tenant_id=tenant.kode,
        nomor="",
        status="",
        kategori=kategori.kode,
        isi=data.isi,
        alamat=data.alamat,
        atribut=atribut,
        pelapor_id=principal.id,
        pelapor_nama=principal.nama,
        lat=data.lat,
        lon=data.lon,
        lokasi_dibagikan=data.lokasi_dibagikan,
        anonim_publik=data.anonim_publik or data.anonim_opd,
        anonim_opd=data.anonim_opd,
    )
    if jenis.saat_dibuat is not None:
        await jenis.saat_dibuat(session, tenant, obj, data)
    await receive_aduan(
        session,
        obj,
        jenis.riwayat,
        tenant=tenant,
        aturan=await aturan_of(jenis, session, tenant, kategori.kode),
        prefix=jenis.prefix,
    )
    return obj


async def add_photo(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    storage: Storage,
    laporan_id: UUID,
    data: bytes,
) -> LaporanFotoBase:
    """A photo of the reporter's open report, without its GPS unless they shared the location."""
    obj = await load(jenis, session, principal, tenant, laporan_id, for_update=True)
    if obj.pelapor_id != principal.id:
        raise NotFound(f"{jenis.nama} tidak ditemukan")
    if obj.status not in OPEN_STATUSES:
        raise Conflict("Foto hanya dapat ditambahkan selama laporan masih berjalan.")
    if len(await photos(jenis, session, tenant, obj.id)) >= jenis.maks_foto:
        raise Conflict(f"Satu laporan paling banyak {jenis.maks_foto} foto.")
    try:
        check_upload(data, allowed=FOTO_TYPES)
    except InvalidInput as exc:
        raise InvalidInput(
            "Foto harus JPG atau PNG, paling besar 5 MB.",
            errors=[{"field": "berkas", "code": "jenis_berkas", "message": exc.detail or exc.title}],
        ) from exc
    clean = strip_location(data, keep_location=obj.lokasi_dibagikan)
    stored = await storage.put(f"{tenant.kode}/{obj.id}", clean)
    row = jenis.foto(
        tenant_id=tenant.kode,
        laporan_id=obj.id,  # type: ignore[call-arg]
        storage_key=stored.key,
        content_type=stored.content_type,
        ukuran=stored.size,
        sha256=stored.sha256,
    )
    session.add(row)
    await session.flush()
    return row


async def open_photo(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    storage: Storage,
    laporan_id: UUID,
    foto_id: UUID,
) -> tuple[LaporanFotoBase, bytes]:
    obj = await load(jenis, session, principal, tenant, laporan_id)
    row = next((f for f in await photos(jenis, session, tenant, obj.id) if f.id == foto_id), None)
    if row is None:
        raise NotFound("Foto tidak ditemukan")
    return row, await storage.get(row.storage_key)


async def list_mine(
    jenis: JenisLaporan, session: AsyncSession, principal: Principal, *, tenant: Tenant, page: CursorParams
) -> tuple[list[LaporanBase], str | None]:
    await scope(session, tenant)
    model = jenis.laporan
    stmt = _base(jenis, tenant).where(col(model.pelapor_id) == principal.id).order_by(col(model.id).desc())
    return await _keyset(jenis, session, tenant, stmt, page)


async def by_nomor(jenis: JenisLaporan, session: AsyncSession, tenant: Tenant, nomor: str) -> LaporanBase:
    await scope(session, tenant)
    stmt = _base(jenis, tenant).where(col(jenis.laporan.nomor) == nomor.strip().upper())
    obj: LaporanBase | None = (await session.scalars(stmt)).first()
    if obj is None:
        raise NotFound(f"Nomor {jenis.nama.lower()} tidak ditemukan di daerah ini.")
    return obj


async def public_view(
    jenis: JenisLaporan, session: AsyncSession, tenant: Tenant, obj: LaporanBase
) -> AduanView:
    """The public view: statuses and times, never the reporter's identity or the notes."""
    riwayat = await history(jenis, session, tenant, obj.id)
    return aduan_view(obj, "publik", pelapor_nama=obj.pelapor_nama, riwayat=riwayat)


async def rate_answer(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    laporan_id: UUID,
    nilai: int,
) -> LaporanBase:
    obj = await load(jenis, session, principal, tenant, laporan_id, for_update=True)
    await rate(session, obj, jenis.riwayat, principal=principal, tenant=tenant, nilai=nilai)
    return obj


# --- the staff -------------------------------------------------------------------------------------


async def _keyset(
    jenis: JenisLaporan, session: AsyncSession, tenant: Tenant, stmt: Select[Any], page: CursorParams
) -> tuple[list[LaporanBase], str | None]:
    return await _Repository(session, tenant.kode).keyset(stmt, page)


class _Repository(RepositoryBase[Any]):
    """The kit's keyset pagination over whichever report table."""


async def list_for_staff(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    page: CursorParams,
    status: str | None,
    urut: Urutan,
    opd_id: UUID | None = None,
) -> tuple[list[LaporanBase], str | None]:
    await scope(session, tenant)
    # An OPD's operator works the reports disposed to their OPD only.
    opd_id = opd_scope(principal, tenant) or opd_id
    stmt = aduan_in_order(_base(jenis, tenant), jenis.laporan, urut, status=status, opd_id=opd_id)
    return await _keyset(jenis, session, tenant, stmt, page)


async def list_published(
    jenis: JenisLaporan, session: AsyncSession, *, tenant: Tenant, page: CursorParams, kategori: str | None
) -> tuple[list[LaporanBase], str | None]:
    """The reports the region put on its public map and list, newest first."""
    await scope(session, tenant)
    model = jenis.laporan
    stmt = _base(jenis, tenant).where(col(model.diterbitkan).is_(True))
    if kategori:
        stmt = stmt.where(col(model.kategori) == kategori)
    return await _keyset(jenis, session, tenant, stmt.order_by(col(model.id).desc()), page)


async def publish(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    laporan_id: UUID,
    terbit: bool,
) -> LaporanBase:
    """Show a report on the region's public map and list, or take it off (the verifiers). A report
    merged into another, or archived, is not worth showing."""
    ensure_verifier(principal, tenant)
    obj = await load(jenis, session, principal, tenant, laporan_id, for_update=True)
    if terbit and (obj.mengikuti_id is not None or obj.status == "DIARSIPKAN"):
        raise Conflict("Laporan yang diarsipkan atau digabung tidak ditampilkan untuk publik.")
    obj.diterbitkan = terbit
    await session.flush()
    return obj


async def _tujuan(
    jenis: JenisLaporan, session: AsyncSession, tenant: Tenant, opd_id: UUID | None, opd_nama: str | None
) -> tuple[UUID, str] | None:
    """Where the report goes, as the request names it. By default an OPD of the region (the registry's
    list, which the service's copy of the region does not hold): the name the request sends, or the
    layanan's own OPD's."""
    if opd_id is None:
        return None
    if jenis.tujuan is not None:
        return await jenis.tujuan(session, tenant, opd_id, opd_nama)
    nama = opd_nama
    if nama is None and tenant.settings.opd_id == opd_id:
        nama = tenant.settings.opd_nama
    if not nama:
        raise InvalidInput(
            "Sebutkan nama OPD yang dituju.",
            errors=[{"field": "opd_nama", "code": "missing", "message": "wajib diisi"}],
        )
    return opd_id, nama


async def act(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    laporan_id: UUID,
    action: str,
    catatan: str | None,
    opd_id: UUID | None,
    opd_nama: str | None,
    dialihkan_ke: str | None,
    now: datetime | None = None,
) -> LaporanBase:
    """One step of the report's lifecycle, checked by the kit's workflow (status, actor, note, OPD); an
    OPD's operator only follows up and answers."""
    if action not in OPD_ACTIONS:
        ensure_verifier(principal, tenant)
    obj = await load(jenis, session, principal, tenant, laporan_id, for_update=True)
    await apply_aduan(
        session,
        obj,
        jenis.riwayat,
        action=action,
        principal=principal,
        tenant=tenant,
        aturan=await aturan_of(jenis, session, tenant, obj.kategori),
        note=catatan,
        opd=await _tujuan(jenis, session, tenant, opd_id, opd_nama),
        dialihkan_ke=dialihkan_ke,
        now=now,
    )
    return obj


async def act_many(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    ids: Sequence[UUID],
    action: str,
    catatan: str | None,
    opd_id: UUID | None,
    opd_nama: str | None,
) -> HasilMassal:
    """Verify, archive or dispose several reports at once; each refusal is told, the rest go on."""
    ensure_verifier(principal, tenant)
    await scope(session, tenant)
    return await bulk_apply(
        session,
        jenis.laporan,
        jenis.riwayat,
        ids=ids,
        action=action,
        principal=principal,
        tenant=tenant,
        aturan=await aturan_of(jenis, session, tenant),
        note=catatan,
        opd=await _tujuan(jenis, session, tenant, opd_id, opd_nama),
    )


async def duplicates(
    jenis: JenisLaporan, session: AsyncSession, principal: Principal, *, tenant: Tenant, laporan_id: UUID
) -> list[tuple[LaporanBase, float]]:
    """Open reports of the same category near this one, the nearest first (for the verifier)."""
    ensure_verifier(principal, tenant)
    obj = await load(jenis, session, principal, tenant, laporan_id)
    if obj.lat is None or obj.lon is None or obj.mengikuti_id is not None:
        return []
    found = await possible_duplicates(
        session,
        jenis.laporan,
        tenant_id=tenant.kode,
        kategori=obj.kategori,
        lat=obj.lat,
        lon=obj.lon,
        radius_m=jenis.radius_duplikat_m,
        exclude_id=obj.id,
    )
    return [(d.aduan, d.jarak_m) for d in found]


async def merge_into(
    jenis: JenisLaporan,
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    laporan_id: UUID,
    induk_id: UUID,
    now: datetime | None = None,
) -> LaporanBase:
    """Merge this report into `induk_id` (the first report of the same matter): archived as merged, its
    reporter follows the first report."""
    ensure_verifier(principal, tenant)
    if laporan_id == induk_id:
        raise InvalidInput(
            "Laporan tidak dapat digabung dengan dirinya sendiri.",
            errors=[{"field": "induk_id", "code": "laporan_sama", "message": "laporan yang sama"}],
        )
    await scope(session, tenant)
    # Both rows locked in id order, so two merges of the same pair never deadlock.
    rows: dict[UUID, LaporanBase | None] = {}
    for ident in sorted((laporan_id, induk_id)):
        rows[ident] = await get_row(jenis, session, tenant, ident, for_update=True)
    obj, induk = rows[laporan_id], rows[induk_id]
    if obj is None:
        raise NotFound(f"{jenis.nama} tidak ditemukan")
    if induk is None:
        raise InvalidInput(
            "Laporan induk tidak ditemukan di daerah ini.",
            errors=[{"field": "induk_id", "code": "tidak_dikenal", "message": "laporan tidak ditemukan"}],
        )
    await merge(
        session,
        jenis.laporan,
        jenis.riwayat,
        duplikat=obj,
        induk=induk,
        principal=principal,
        tenant=tenant,
        aturan=await aturan_of(jenis, session, tenant, obj.kategori),
        now=now,
    )
    return obj


async def performance(jenis: JenisLaporan, session: AsyncSession, *, tenant: Tenant) -> list[KinerjaOpd]:
    """Ratings and SLA performance per OPD (or commission) of the region's reports."""
    await scope(session, tenant)
    return await kinerja_opd(session, jenis.laporan, tenant_id=tenant.kode)


__all__ = [
    "AKSI",
    "Atribut",
    "JenisLaporan",
    "Kategori",
    "SaatDibuat",
    "Tujuan",
]
