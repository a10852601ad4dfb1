"""Pokir: an aspiration a commission takes up for the budget becomes a DPRD member's pokir proposal,
verified by Setwan, validated by Bappeda/OPD, discussed by TAPD and taken into the OPD's Renja or not.
Each step is recorded (time, actor, note); its reporter sees it all, the public the states
and times by the aspiration's number. The public list of answered aspirations per commission lives here
too (it shows each one's pokir state)."""

from __future__ import annotations

from uuid import UUID

from puja_kit.auth import Principal
from puja_kit.errors import Conflict, InvalidInput, NotFound
from puja_kit.events.catalog import PokirStatusChanged
from puja_kit.outbox import add_event
from puja_kit.repository import CursorParams, RepositoryBase
from puja_kit.rls import set_tenant
from puja_kit.tenancy import Tenant
from puja_kit.workflow import laporan
from puja_kit.workflow.aduan import followers
from puja_kit.workflow.machine import ADUAN
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from aspirasi.laporan import DI_KOMISI, JENIS
from aspirasi.models import (
    POKIR,
    POKIR_AKHIR,
    POKIR_URUTAN,
    Anggota,
    Aspirasi,
    AspirasiRiwayat,
    Komisi,
    Pokir,
    PokirRiwayat,
)
from aspirasi.schemas import (
    AspirasiDijawab,
    PokirLangkah,
    PokirLangkahPublik,
    PokirPublik,
    PokirRead,
    PokirStatusIn,
    PokirUsulIn,
)

DIJAWAB = ("SELESAI", "DITUTUP")


class StatusPokirTidakSesuai(Conflict):
    code = "status_pokir_tidak_sesuai"
    title = "Tahap pokir tidak sesuai urutan"


class SudahPokir(Conflict):
    code = "sudah_pokir"
    title = "Aspirasi ini sudah diusulkan sebagai pokir"


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message[0].upper() + message[1:] + ".", errors=[{"field": field, "message": message}])


async def _aspirasi(
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    aspirasi_id: UUID,
    *,
    for_update: bool = False,
) -> Aspirasi:
    """The aspiration if the caller may see it: its reporter, or the region's staff of this layanan."""
    obj = await laporan.load(JENIS, session, principal, tenant, aspirasi_id, for_update=for_update)
    assert isinstance(obj, Aspirasi)
    return obj


async def _pokir_of(
    session: AsyncSession, tenant: Tenant, aspirasi_id: UUID, *, for_update: bool = False
) -> Pokir | None:
    stmt = select(Pokir).where(col(Pokir.tenant_id) == tenant.kode, col(Pokir.aspirasi_id) == aspirasi_id)
    return (await session.scalars(stmt.with_for_update() if for_update else stmt)).first()


async def _steps(session: AsyncSession, tenant: Tenant, pokir_id: UUID) -> list[PokirRiwayat]:
    stmt = (
        select(PokirRiwayat)
        .where(col(PokirRiwayat.tenant_id) == tenant.kode, col(PokirRiwayat.pokir_id) == pokir_id)
        .order_by(col(PokirRiwayat.waktu), col(PokirRiwayat.id))
    )
    return list((await session.scalars(stmt)).all())


async def _read(session: AsyncSession, tenant: Tenant, pokir: Pokir) -> PokirRead:
    komisi = await session.get(Komisi, pokir.komisi_id)
    anggota = await session.get(Anggota, pokir.anggota_id)
    return PokirRead(
        id=pokir.id,
        aspirasi_id=pokir.aspirasi_id,
        komisi_id=pokir.komisi_id,
        komisi_nama=komisi.nama if komisi else "",
        anggota_id=pokir.anggota_id,
        anggota_nama=anggota.nama if anggota else "",
        status=pokir.status,
        status_label=POKIR[pokir.status],
        alasan=pokir.alasan,
        riwayat=[
            PokirLangkah(
                dari=s.dari,
                ke=s.ke,
                label=POKIR[s.ke],
                catatan=s.catatan,
                actor_nama=s.actor_nama,
                waktu=s.waktu,
            )
            for s in await _steps(session, tenant, pokir.id)
        ],
    )


async def _record(
    session: AsyncSession,
    principal: Principal,
    tenant: Tenant,
    obj: Aspirasi,
    pokir: Pokir,
    *,
    dari: str | None,
    catatan: str | None,
) -> None:
    obj.pokir_status = pokir.status
    session.add(
        PokirRiwayat(
            tenant_id=tenant.kode,
            pokir_id=pokir.id,
            dari=dari,
            ke=pokir.status,
            catatan=catatan,
            actor_id=principal.id,
            actor_nama=principal.nama,
        )
    )
    # The reporter and the followers of the aspiration hear what became of it (akun's notifications).
    await add_event(
        session,
        "puja.aspirasi.pokir.status_changed",
        PokirStatusChanged(
            aspirasi_id=obj.id,
            nomor=obj.nomor,
            dari=dari,
            ke=pokir.status,
            pelapor_id=obj.pelapor_id,
            pengikut_ids=await followers(session, Aspirasi, obj),
        ),
        tenant=tenant.kode,
    )
    await session.flush()


async def usulkan(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, aspirasi_id: UUID, data: PokirUsulIn
) -> PokirRead:
    """The commission takes the aspiration up: a member of the region's DPRD proposes it as pokir."""
    obj = await _aspirasi(session, principal, tenant, aspirasi_id, for_update=True)
    if obj.status not in DI_KOMISI or obj.opd_id is None:
        raise StatusPokirTidakSesuai(
            "Aspirasi baru dapat diusulkan sebagai pokir setelah didisposisikan ke komisi."
        )
    if await _pokir_of(session, tenant, obj.id) is not None:
        raise SudahPokir("Aspirasi ini sudah diusulkan sebagai pokir; ubah tahapnya saja.")
    anggota = (
        await session.scalars(
            select(Anggota).where(col(Anggota.tenant_id) == tenant.kode, col(Anggota.id) == data.anggota_id)
        )
    ).first()
    if anggota is None or not anggota.aktif:
        raise _invalid("anggota_id", "anggota tidak ada atau tidak aktif di DPRD daerah ini")
    pokir = Pokir(tenant_id=tenant.kode, aspirasi_id=obj.id, komisi_id=obj.opd_id, anggota_id=anggota.id)
    session.add(pokir)
    await session.flush()
    await _record(session, principal, tenant, obj, pokir, dari=None, catatan=data.catatan)
    return await _read(session, tenant, pokir)


async def ubah_status(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, aspirasi_id: UUID, data: PokirStatusIn
) -> PokirRead:
    """The next step only (DIUSULKAN -> DIVERIFIKASI_SETWAN -> DIVALIDASI_OPD -> DIBAHAS_TAPD ->
    MASUK_RENJA), or TIDAK_DITERIMA with its reason from any open step; an ended pokir stays ended."""
    obj = await _aspirasi(session, principal, tenant, aspirasi_id, for_update=True)
    pokir = await _pokir_of(session, tenant, obj.id, for_update=True)
    if pokir is None:
        raise NotFound("Aspirasi ini belum diusulkan sebagai pokir.")
    if pokir.status in POKIR_AKHIR:
        raise StatusPokirTidakSesuai(f"Pokir ini sudah berakhir: {POKIR[pokir.status].lower()}.")
    if data.status == "TIDAK_DITERIMA":
        if not data.catatan:
            raise _invalid("catatan", "alasan pokir tidak diterima wajib diisi")
        pokir.alasan = data.catatan
    else:
        expected = POKIR_URUTAN[POKIR_URUTAN.index(pokir.status) + 1]
        if data.status != expected:
            raise StatusPokirTidakSesuai(
                f"Pokir yang {POKIR[pokir.status].lower()} hanya dapat maju ke tahap "
                f"“{POKIR[expected]}” (atau tidak diterima)."
            )
    dari, pokir.status = pokir.status, data.status
    await _record(session, principal, tenant, obj, pokir, dari=dari, catatan=data.catatan)
    return await _read(session, tenant, pokir)


async def lihat(
    session: AsyncSession, principal: Principal, *, tenant: Tenant, aspirasi_id: UUID
) -> PokirRead:
    obj = await _aspirasi(session, principal, tenant, aspirasi_id)
    pokir = await _pokir_of(session, tenant, obj.id)
    if pokir is None:
        raise NotFound("Aspirasi ini belum diusulkan sebagai pokir.")
    return await _read(session, tenant, pokir)


async def lacak(session: AsyncSession, *, tenant: Tenant, nomor: str) -> PokirPublik:
    """States and times only: no member, no actor, no note (they stay with the reporter and staff)."""
    await set_tenant(session, tenant.kode)
    stmt = (
        select(Pokir)
        .join(Aspirasi, col(Aspirasi.id) == col(Pokir.aspirasi_id))
        .where(col(Aspirasi.tenant_id) == tenant.kode, col(Aspirasi.nomor) == nomor)
    )
    pokir = (await session.scalars(stmt)).first()
    if pokir is None:
        raise NotFound("Aspirasi dengan nomor ini belum diusulkan sebagai pokir.")
    steps = await _steps(session, tenant, pokir.id)
    return PokirPublik(
        status=pokir.status,
        status_label=POKIR[pokir.status],
        riwayat=[PokirLangkahPublik(status=s.ke, label=POKIR[s.ke], waktu=s.waktu) for s in steps],
    )


class DijawabRepository(RepositoryBase[Aspirasi]):
    model = Aspirasi

    def of_komisi(self, komisi_id: UUID) -> Select[tuple[Aspirasi]]:
        return (
            self.base_statement()
            .where(
                col(Aspirasi.opd_id) == komisi_id,
                col(Aspirasi.status).in_(DIJAWAB),
                col(Aspirasi.dijawab_at).is_not(None),
                col(Aspirasi.diterbitkan).is_(True),
            )
            .order_by(col(Aspirasi.dijawab_at).desc(), col(Aspirasi.id).desc())
        )


async def dijawab(
    session: AsyncSession, *, tenant: Tenant, komisi_id: UUID, page: CursorParams, label: dict[str, str]
) -> tuple[list[AspirasiDijawab], str | None]:
    """A commission's answered aspirations that the secretariat published (their text may hold what the
    sender would not have public), latest answer first, with the answer and pokir state; never who sent
    them (ix_aspirasi_daerah_komisi_dijawab)."""
    komisi = await session.get(Komisi, komisi_id)
    if komisi is None or komisi.tenant_id != tenant.kode:
        raise NotFound("Komisi tidak ditemukan di DPRD daerah ini.")
    repo = DijawabRepository(session, tenant.kode)
    rows, cursor = await repo.keyset(repo.of_komisi(komisi_id), page)
    ids = [r.id for r in rows]
    answers: dict[UUID, str | None] = {}
    pokir: dict[UUID, str] = {}
    if ids:
        stmt = (
            select(AspirasiRiwayat)
            .where(
                col(AspirasiRiwayat.tenant_id) == tenant.kode,
                col(AspirasiRiwayat.aduan_id).in_(ids),
                col(AspirasiRiwayat.aksi) == "jawab",
            )
            .order_by(col(AspirasiRiwayat.waktu), col(AspirasiRiwayat.id))
        )
        for step in await session.scalars(stmt):
            answers[step.aduan_id] = step.catatan  # the latest answer wins
        found = await session.scalars(
            select(Pokir).where(col(Pokir.tenant_id) == tenant.kode, col(Pokir.aspirasi_id).in_(ids))
        )
        pokir = {p.aspirasi_id: p.status for p in found}
    items = [
        AspirasiDijawab(
            id=r.id,
            nomor=r.nomor,
            kategori=r.kategori,
            kategori_label=label.get(r.kategori, r.kategori),
            isi=r.isi,
            jawaban=answers.get(r.id),
            dijawab_at=r.dijawab_at,
            status=r.status,
            status_label=ADUAN.states.get(r.status, r.status),
            pokir_status=pokir.get(r.id),
            pokir_status_label=POKIR[pokir[r.id]] if r.id in pokir else None,
        )
        for r in rows
    ]
    return items, cursor
