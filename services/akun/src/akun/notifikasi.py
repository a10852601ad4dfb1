"""Citizens hear about their applications and reports: every layanan's `permohonan.status_changed` becomes
a message in the applicant's account, and every report layanan's `aduan.status_changed` one in the
reporter's and in those of the reporters who follow the report (theirs was merged into it), except for
the steps each took themselves; an aspiration's pokir steps (`aspirasi.pokir.status_changed`) likewise."""

from __future__ import annotations

from uuid import UUID

from puja_kit.db import utcnow
from puja_kit.errors import NotFound
from puja_kit.events.catalog import (
    ADUAN_LAYANAN,
    PERMOHONAN_LAYANAN,
    AduanStatusChanged,
    PermohonanStatusChanged,
    PokirStatusChanged,
)
from puja_kit.events.consumer import Consumer
from puja_kit.events.envelope import Event
from puja_kit.repository import CursorParams
from puja_kit.workflow import PERMOHONAN
from puja_kit.workflow.machine import ADUAN
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


# A report's steps in the reporter's words: what happened and what comes next.
ADUAN_NEXT = {
    "TERVERIFIKASI": "Laporan Anda sudah diverifikasi dan akan diteruskan kepada yang menangani.",
    "DIARSIPKAN": "Laporan Anda diarsipkan; alasannya ada di riwayat laporan.",
    "BUKAN_KEWENANGAN": "Laporan Anda di luar kewenangan daerah dan diteruskan kepada instansi yang berwenang.",
    "DIDISPOSISI": "Laporan Anda diteruskan kepada yang menangani.",
    "DITINDAKLANJUTI": "Laporan Anda sedang ditindaklanjuti.",
    "SELESAI": "Laporan Anda sudah dijawab. Terima jawabannya, beri nilai, atau buka kembali bila belum beres.",
    "DITUTUP": "Laporan Anda ditutup.",
}
# What a report is called in its layanan's messages.
NOUN = {"aspirasi": "Aspirasi"}
# The steps a reporter takes themselves (no message for them); a merge tells the merged report's
# reporter whom they now follow.
REPORTERS_OWN = frozenset({"terima", "terima_jawaban", "buka_kembali", "nilai"})
POKIR_LABEL = {
    "DIUSULKAN": "diusulkan sebagai pokir DPRD",
    "DIVERIFIKASI_SETWAN": "diverifikasi Sekretariat DPRD",
    "DIVALIDASI_OPD": "divalidasi OPD",
    "DIBAHAS_TAPD": "dibahas TAPD",
    "MASUK_RENJA": "masuk Rencana Kerja OPD",
    "TIDAK_DITERIMA": "tidak diterima sebagai pokir",
}


async def _notify(
    session: AsyncSession,
    recipients: list[UUID],
    event: Event,
    *,
    layanan: str,
    item_id: UUID,
    nomor: str,
    status: str,
    judul: str,
    pesan: str,
) -> None:
    """One message per recipient with an account here (an account removed since hears nothing)."""
    for akun_id in dict.fromkeys(recipients):
        if await session.get(Akun, akun_id) is None:
            continue
        session.add(
            Notifikasi(
                akun_id=akun_id,
                tenant_id=event.tenant or "",
                layanan=layanan,
                permohonan_id=item_id,
                nomor=nomor,
                status=status,
                judul=judul,
                pesan=pesan,
                dibuat=event.time,
            )
        )


def aduan_consumers() -> list[Consumer]:
    """One durable consumer per report layanan, and one for the aspirations' pokir steps."""

    def for_layanan(layanan: str) -> Consumer:
        async def handle(session: AsyncSession, event: Event) -> None:
            data = event.data
            assert isinstance(data, AduanStatusChanged)
            label = ADUAN.states.get(data.ke, data.ke)
            recipients = [] if data.aksi in REPORTERS_OWN else [data.pelapor_id]
            if data.aksi not in ("terima", "nilai"):
                recipients += data.pengikut_ids
            pesan = ADUAN_NEXT.get(data.ke, f"Status laporan kini: {label}.")
            if data.aksi == "gabungkan":
                pesan = "Laporan Anda digabung dengan laporan lain tentang hal yang sama; Anda mengikuti laporan itu."
            await _notify(
                session,
                recipients,
                event,
                layanan=layanan,
                item_id=data.aduan_id,
                nomor=data.nomor,
                status=data.ke,
                judul=f"{NOUN.get(layanan, 'Laporan')} {data.nomor}: {label}",
                pesan=pesan,
            )

        return Consumer(f"aduan_{layanan}", f"puja.{layanan}.aduan.status_changed", handle, all_regions=True)

    async def pokir(session: AsyncSession, event: Event) -> None:
        data = event.data
        assert isinstance(data, PokirStatusChanged)
        label = POKIR_LABEL.get(data.ke, data.ke.replace("_", " ").lower())
        await _notify(
            session,
            [data.pelapor_id, *data.pengikut_ids],
            event,
            layanan="aspirasi",
            item_id=data.aspirasi_id,
            nomor=data.nomor,
            status=data.ke,
            judul=f"Aspirasi {data.nomor}: {label}",
            pesan=f"Aspirasi Anda {label}.",
        )

    return [
        *(for_layanan(layanan) for layanan in ADUAN_LAYANAN),
        Consumer("pokir_aspirasi", "puja.aspirasi.pokir.status_changed", pokir, all_regions=True),
    ]


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
