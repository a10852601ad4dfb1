"""A resident's record: the citizen's own and their family's, the staff's reads (logged), and an approved
change written to it with its event."""

from __future__ import annotations

from datetime import date
from typing import Any

from puja_kit.auth import Principal
from puja_kit.baca import Reader
from puja_kit.errors import NotFound
from puja_kit.events.catalog import (
    Alamat,
    PendudukBorn,
    PendudukDied,
    PendudukMoved,
    PendudukSnapshot,
    PendudukUpdated,
)
from puja_kit.outbox import add_event
from puja_kit.privasi import log_akses
from puja_kit.repository import CursorParams, decode_cursor, encode_cursor, prefix_pattern
from puja_kit.tenancy import Tenant, is_staff
from sqlalchemy.ext.asyncio import AsyncSession

from kependudukan import kata, validasi
from kependudukan.models import Penduduk, Permohonan
from kependudukan.repository import PendudukRepository, SearchKind, keluarga_query, penduduk_page_query
from kependudukan.schemas import PersetujuanIn
from kependudukan.service import verifikasi


async def own_record(session: AsyncSession, principal: Principal, *, tenant: Tenant) -> Penduduk:
    """The citizen's own record, once their NIK is proved theirs."""
    nik = await verifikasi.ensure_verified(session, principal, tenant=tenant)
    record = await PendudukRepository(session, tenant.kode).by_nik(nik)
    if record is None:
        raise NotFound("NIK Anda belum tercatat sebagai penduduk daerah ini; hubungi Disdukcapil.")
    return record


async def get(session: AsyncSession, principal: Principal, *, tenant: Tenant, nik: str) -> Penduduk:
    """A record for the region's staff, or for a member of the same family card."""
    record = await PendudukRepository(session, tenant.kode).by_nik(nik)
    if record is None:
        raise NotFound("Penduduk tidak ditemukan di daerah ini.")
    if is_staff(principal, tenant):
        log_akses(principal, tenant, nik=nik, data="penduduk")  # a staff read of a person's record
        return record
    if principal.has("warga") and principal.nik:
        own = await own_record(session, principal, tenant=tenant)
        if own.no_kk == record.no_kk:
            return record
    raise NotFound("Penduduk tidak ditemukan di daerah ini.")


def _with_nama_wilayah(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["nama_wilayah"] = validasi.nama_desa(row["kode_wilayah"])
    return rows


async def keluarga_saya(reader: Reader, principal: Principal) -> list[dict[str, Any]]:
    """The citizen's own record and their family card's, as PendudukRead writes them (read path)."""
    nik = await verifikasi.ensure_verified_read(reader, principal)
    rows = await reader.all(keluarga_query(), nik=nik)
    if not rows:  # the family of a NIK without a record: none
        raise NotFound("NIK Anda belum tercatat sebagai penduduk daerah ini; hubungi Disdukcapil.")
    return _with_nama_wilayah(rows)


async def search(
    reader: Reader, *, q: str | None, kode_wilayah: str | None, status: str | None, page: CursorParams
) -> dict[str, Any]:
    """The staff search's keyset page, as CursorPage[PendudukRead] writes it (read path).

    Digits are a NIK; anything else is words of the name (kependudukan.kata), each of which must be a
    whole word of it, in any order: one or two words are one key of the word index, read in name
    order; more are checked on each name of the two longest words' range."""
    kind: SearchKind = None
    values: dict[str, Any] = {"limit": page.limit + 1}
    if q and q.isdigit():
        kind, values["q"] = "nik", q
    elif q:
        found = kata.words(q)
        if not found:
            raise validasi.invalid(
                "q", "Cari dengan NIK atau sedikitnya satu kata dari nama (huruf atau angka)."
            )
        key, others = kata.search_key(found)
        kind, values["kata"] = ("kata_banyak" if others else "kata"), key
        if others:
            values["lain"], values["jumlah_lain"] = others, len(others)
    if kode_wilayah:
        values["kode_wilayah"] = prefix_pattern(kode_wilayah)
    if status:
        values["status"] = status
    if page.cursor is not None:
        values["after_nama"], values["after_nik"] = decode_cursor(
            page.cursor,
            [Penduduk.__table__.c.nama, Penduduk.__table__.c.nik],  # type: ignore[attr-defined]
        )
    query = penduduk_page_query(
        q=kind, kode_wilayah=bool(kode_wilayah), status=bool(status), after=page.cursor is not None
    )
    rows = await reader.all(query, **values)
    cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        cursor = encode_cursor([rows[-1]["nama"], rows[-1]["nik"]])
    return {"items": _with_nama_wilayah(rows), "next_cursor": cursor, "limit": page.limit}


def _alamat_event(record: Penduduk) -> Alamat:
    return Alamat(
        alamat=record.alamat,
        rt=record.rt,
        rw=record.rw,
        kode_wilayah=record.kode_wilayah,
        nama_wilayah=validasi.nama_desa(record.kode_wilayah),
    )


def _snapshot(record: Penduduk) -> PendudukSnapshot:
    return PendudukSnapshot(
        nama=record.nama,
        no_kk=record.no_kk,
        alamat=_alamat_event(record),
        status=record.status,
        tanggal_meninggal=record.tanggal_meninggal,
    )


async def apply_change(
    session: AsyncSession, *, tenant: Tenant, obj: Permohonan, approval: PersetujuanIn
) -> None:
    """Write the approved change to the record and announce it, in the approval's transaction."""
    repo = PendudukRepository(session, tenant.kode)
    record = await repo.by_nik(obj.subjek_nik, for_update=True)
    if record is None:
        raise NotFound("Data penduduk yang dimohonkan tidak ditemukan.")
    change = obj.data

    async def announce(event_type: str, payload: Any) -> None:
        # Every change carries the whole record after it (see PendudukChange).
        person = record if payload.nik == record.nik else await repo.by_nik(payload.nik)
        assert person is not None
        payload = payload.model_copy(update={"snapshot": _snapshot(person)})
        await add_event(session, event_type, payload, tenant=tenant.kode, subject=payload.nik)

    if obj.jenis in ("KTP", "KIA"):
        return
    if obj.jenis == "AKTA_KELAHIRAN":
        await _register_birth(session, tenant, record, change, approval, announce)
        return
    record.versi += 1
    if obj.jenis == "PINDAH":
        if "alamat_baru" in change:
            _set_alamat(record, change["alamat_baru"])
            await announce(
                "puja.kependudukan.penduduk.moved",
                PendudukMoved(
                    nik=record.nik,
                    versi=record.versi,
                    tujuan_kode_wilayah=record.kode_wilayah,
                    keluar_daerah=False,
                    alamat=_alamat_event(record),
                ),
            )
        else:
            record.status = "PINDAH"
            await announce(
                "puja.kependudukan.penduduk.moved",
                PendudukMoved(
                    nik=record.nik,
                    versi=record.versi,
                    tujuan_kode_wilayah=change["tujuan_kode_wilayah"],
                    keluar_daerah=True,
                ),
            )
    elif obj.jenis == "PERUBAHAN_KK":
        record.no_kk = change["no_kk_baru"]
        changed = ["no_kk"]
        if "alamat_baru" in change:
            _set_alamat(record, change["alamat_baru"])
            changed.append("alamat")
        await announce(
            "puja.kependudukan.penduduk.updated",
            PendudukUpdated(
                nik=record.nik,
                versi=record.versi,
                no_kk=record.no_kk,
                alamat=_alamat_event(record) if "alamat" in changed else None,
                changed=changed,
            ),
        )
    elif obj.jenis == "PERBAIKAN_DATA":
        fixes = change["perbaikan"]
        for key, value in fixes.items():
            setattr(record, key, value if key != "tanggal_lahir" else date.fromisoformat(value))
        await announce(
            "puja.kependudukan.penduduk.updated",
            PendudukUpdated(
                nik=record.nik, versi=record.versi, nama=fixes.get("nama"), changed=sorted(fixes)
            ),
        )
    elif obj.jenis == "AKTA_KEMATIAN":
        record.status = "MENINGGAL"
        record.tanggal_meninggal = date.fromisoformat(change["tanggal_meninggal"])
        await announce(
            "puja.kependudukan.penduduk.died",
            PendudukDied(nik=record.nik, versi=record.versi, tanggal_meninggal=record.tanggal_meninggal),
        )
    session.add(record)


def _set_alamat(record: Penduduk, alamat: dict[str, Any]) -> None:
    record.alamat = alamat["alamat"]
    record.rt = alamat.get("rt")
    record.rw = alamat.get("rw")
    record.kode_wilayah = alamat["kode_wilayah"]


async def _register_birth(
    session: AsyncSession,
    tenant: Tenant,
    parent: Penduduk,
    change: dict[str, Any],
    approval: PersetujuanIn,
    announce: Any,
) -> None:
    bayi = change["bayi"]
    lahir = date.fromisoformat(bayi["tanggal_lahir"])
    nik = approval.nik_baru or ""
    if problem := validasi.nik_problem(nik):
        raise validasi.invalid("nik_baru", f"NIK bayi dari SIAK wajib diisi: {problem}.")
    if not validasi.nik_matches(nik, lahir, bayi["jenis_kelamin"]):
        raise validasi.invalid("nik_baru", "NIK bayi tidak cocok dengan tanggal lahir dan jenis kelaminnya.")
    repo = PendudukRepository(session, tenant.kode)
    if await repo.by_nik(nik) is not None:
        raise validasi.invalid("nik_baru", "NIK ini sudah tercatat.")
    child = repo.add(
        Penduduk(
            tenant_id=tenant.kode,
            nik=nik,
            no_kk=parent.no_kk,
            nama=bayi["nama"],
            tempat_lahir=bayi["tempat_lahir"],
            tanggal_lahir=lahir,
            jenis_kelamin=bayi["jenis_kelamin"],
            alamat=parent.alamat,
            rt=parent.rt,
            rw=parent.rw,
            kode_wilayah=parent.kode_wilayah,
        )
    )
    await session.flush()
    await announce(
        "puja.kependudukan.penduduk.born",
        PendudukBorn(
            nik=child.nik,
            versi=child.versi,
            nama=child.nama,
            tanggal_lahir=child.tanggal_lahir,
            jenis_kelamin=child.jenis_kelamin,
            no_kk=child.no_kk,
            alamat=_alamat_event(child),
        ),
    )
