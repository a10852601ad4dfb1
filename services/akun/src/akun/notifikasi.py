"""Citizens hear about their applications: every layanan's `permohonan.status_changed` becomes a message
in the applicant's account, except for the steps the applicant took themselves."""

from __future__ import annotations

from uuid import UUID

from puja_kit.db import utcnow
from puja_kit.errors import NotFound
from puja_kit.events.catalog import PERMOHONAN_LAYANAN, PermohonanStatusChanged
from puja_kit.events.consumer import Consumer
from puja_kit.events.envelope import Event
from puja_kit.repository import CursorParams
from puja_kit.workflow import PERMOHONAN
from sqlalchemy.ext.asyncio import AsyncSession

from akun.models import Akun, Notifikasi
from akun.repository import NotifikasiRepository
from akun.schemas import NotifikasiPage, NotifikasiRead

# What the applicant can do next, by the status their application reached.
NEXT_STEP = {
    "VERIFIKASI": "Petugas sedang memeriksa permohonan Anda.",
    "PERLU_PERBAIKAN": "Buka permohonan untuk membaca catatan petugas, lalu perbaiki dan ajukan ulang.",
    "DIPROSES": "Permohonan Anda sedang diproses.",
    "SELESAI": "Permohonan Anda selesai.",
    "DITOLAK": "Permohonan Anda ditolak; alasannya ada di riwayat permohonan.",
    "DIBATALKAN": "Permohonan Anda dibatalkan.",
}


def _applicants_own(aksi: str) -> bool:
    transition = PERMOHONAN.transitions.get(aksi)
    return transition is not None and transition.actors == frozenset({"pemohon"})


def status_changed_consumers() -> list[Consumer]:
    """One durable consumer per layanan that runs the Permohonan workflow."""

    def for_layanan(layanan: str) -> Consumer:
        async def handle(session: AsyncSession, event: Event) -> None:
            data = event.data
            assert isinstance(data, PermohonanStatusChanged)
            if _applicants_own(data.aksi) or await session.get(Akun, data.pemohon_id) is None:
                return
            label = PERMOHONAN.states.get(data.ke, data.ke)
            session.add(
                Notifikasi(
                    akun_id=data.pemohon_id,
                    tenant_id=event.tenant or "",
                    layanan=layanan,
                    permohonan_id=data.permohonan_id,
                    nomor=data.nomor,
                    status=data.ke,
                    judul=f"Permohonan {data.nomor}: {label}",
                    pesan=NEXT_STEP.get(data.ke, f"Status permohonan Anda kini: {label}."),
                    dibuat=event.time,
                )
            )

        return Consumer(
            f"status_{layanan}", f"puja.{layanan}.permohonan.status_changed", handle, all_regions=True
        )

    return [for_layanan(layanan) for layanan in PERMOHONAN_LAYANAN]


async def list_own(session: AsyncSession, akun_id: UUID, page: CursorParams) -> NotifikasiPage:
    repo = NotifikasiRepository(session)
    rows, cursor = await repo.keyset(repo.of_akun(akun_id), page)
    return NotifikasiPage(
        items=[NotifikasiRead.model_validate(r) for r in rows],
        next_cursor=cursor,
        limit=page.limit,
        belum_dibaca=await repo.unread(akun_id),
    )


async def mark_read(session: AsyncSession, akun_id: UUID, notifikasi_id: UUID | None = None) -> None:
    """One of the account's messages (another's is "not found"), or all of them."""
    repo = NotifikasiRepository(session)
    if notifikasi_id is not None:
        found = await repo.get(notifikasi_id)
        if found is None or found.akun_id != akun_id:
            raise NotFound(repo.not_found)
    await repo.mark_read(akun_id, utcnow(), notifikasi_id)
