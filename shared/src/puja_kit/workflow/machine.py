"""The Permohonan and Aduan state machines, declared once: states, transitions, roles, guards, SLA.

A service never hand-codes its status changes: it asks the machine for a transition by name, and
`puja_kit.workflow.service.apply_transition` checks the roles and the guard, writes the history row,
moves the SLA clock and writes the event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from puja_kit.errors import DomainError

# "pemohon" is the citizen who owns the application, checked by ownership rather than by grant.
Actor = Literal["pemohon", "operator", "admin_daerah"]
SlaEffect = Literal["start", "pause", "resume", "stop", "restart"]
Guard = Callable[[Any], str | None]


class TransitionNotAllowed(DomainError):
    status_code = 409
    code = "status_tidak_sesuai"
    title = "Tindakan ini tidak dapat dilakukan pada status sekarang"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]
    label: str
    sla: SlaEffect | None = None
    note_required: bool = False
    guard: Guard | None = None


@dataclass(frozen=True)
class Workflow:
    name: str
    initial: str
    states: dict[str, str]  # status -> label in Bahasa Indonesia
    transitions: dict[str, Transition] = field(default_factory=dict)
    terminal: frozenset[str] = frozenset()
    # The SLA clock of the first stage, in working days, when the region sets none.
    default_sla_days: int = 5

    def transition(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise TransitionNotAllowed(f"Tindakan '{name}' tidak dikenal.") from None

    def available(self, status: str, actors: set[str]) -> list[Transition]:
        return [t for t in self.transitions.values() if status in t.sources and t.actors & actors]

    def with_guard(self, name: str, guard: Guard) -> Workflow:
        """A copy where transition `name` also checks `guard(obj)` (a message when refused)."""
        transitions = dict(self.transitions)
        old = transitions[name]
        transitions[name] = Transition(**{**old.__dict__, "guard": guard})
        return Workflow(**{**self.__dict__, "transitions": transitions})


def _t(
    name: str,
    sources: tuple[str, ...],
    target: str,
    actors: tuple[Actor, ...],
    label: str,
    **kwargs: Any,
) -> tuple[str, Transition]:
    return name, Transition(name, frozenset(sources), target, frozenset(actors), label, **kwargs)


STAFF: tuple[Actor, ...] = ("operator", "admin_daerah")

PERMOHONAN = Workflow(
    name="permohonan",
    initial="DRAF",
    states={
        "DRAF": "Draf",
        "DIAJUKAN": "Diajukan",
        "VERIFIKASI": "Diverifikasi petugas",
        "PERLU_PERBAIKAN": "Perlu perbaikan",
        "DIPROSES": "Diproses",
        "SELESAI": "Selesai",
        "DITOLAK": "Ditolak",
        "DIBATALKAN": "Dibatalkan",
    },
    transitions=dict(
        [
            _t("ajukan", ("DRAF",), "DIAJUKAN", ("pemohon",), "Permohonan diajukan", sla="start"),
            _t("verifikasi", ("DIAJUKAN",), "VERIFIKASI", STAFF, "Petugas mulai memverifikasi"),
            _t(
                "minta_perbaikan",
                ("VERIFIKASI",),
                "PERLU_PERBAIKAN",
                STAFF,
                "Petugas meminta perbaikan",
                sla="pause",
                note_required=True,
            ),
            _t(
                "ajukan_ulang",
                ("PERLU_PERBAIKAN",),
                "DIAJUKAN",
                ("pemohon",),
                "Perbaikan dikirim",
                sla="resume",
            ),
            _t("proses", ("VERIFIKASI",), "DIPROSES", STAFF, "Berkas lengkap, diproses"),
            _t("selesaikan", ("DIPROSES",), "SELESAI", STAFF, "Permohonan selesai", sla="stop"),
            _t(
                "tolak",
                ("VERIFIKASI", "DIPROSES"),
                "DITOLAK",
                STAFF,
                "Permohonan ditolak",
                sla="stop",
                note_required=True,
            ),
            _t(
                "batalkan",
                ("DRAF", "DIAJUKAN", "VERIFIKASI", "PERLU_PERBAIKAN"),
                "DIBATALKAN",
                ("pemohon",),
                "Dibatalkan pemohon",
                sla="stop",
            ),
        ]
    ),
    terminal=frozenset({"SELESAI", "DITOLAK", "DIBATALKAN"}),
)

# SP4N-LAPOR!: verify within 3 working days, the OPD follows up within 5 (both per region and category:
# puja_kit.workflow.aduan.AturanAduan). The OPD's answer makes the report SELESAI; it is DITUTUP when the
# reporter accepts the answer, or by itself 10 working days later (`aduan.close_expired`). The reporter
# may reopen it, back to the OPD. "Bukan kewenangan" either re-routes to another OPD of the region
# (`alihkan`) or hands the report to an authority outside the region (BUKAN_KEWENANGAN). Transitions
# and their SLA effects are applied by `puja_kit.workflow.aduan.apply_aduan`.
ADUAN = Workflow(
    name="aduan",
    initial="DITERIMA",
    states={
        "DITERIMA": "Diterima",
        "TERVERIFIKASI": "Terverifikasi",
        "DIARSIPKAN": "Diarsipkan",
        "BUKAN_KEWENANGAN": "Bukan kewenangan daerah",
        "DIDISPOSISI": "Didisposisikan ke OPD",
        "DITINDAKLANJUTI": "Ditindaklanjuti",
        "SELESAI": "Selesai dijawab",
        "DITUTUP": "Ditutup",
    },
    transitions=dict(
        [
            _t("verifikasi", ("DITERIMA",), "TERVERIFIKASI", STAFF, "Laporan diverifikasi", sla="stop"),
            _t(
                "arsipkan",
                ("DITERIMA", "TERVERIFIKASI"),
                "DIARSIPKAN",
                STAFF,
                "Laporan diarsipkan",
                sla="stop",
                note_required=True,
            ),
            _t(
                "gabungkan",
                ("DITERIMA", "TERVERIFIKASI"),
                "DIARSIPKAN",
                STAFF,
                "Digabung dengan laporan yang sama",
                sla="stop",
            ),
            _t(
                "bukan_kewenangan",
                ("DITERIMA", "TERVERIFIKASI", "DIDISPOSISI", "DITINDAKLANJUTI"),
                "BUKAN_KEWENANGAN",
                STAFF,
                "Bukan kewenangan daerah, diteruskan ke instansi berwenang",
                sla="stop",
                note_required=True,
            ),
            _t(
                "disposisi",
                ("TERVERIFIKASI", "BUKAN_KEWENANGAN"),
                "DIDISPOSISI",
                STAFF,
                "Didisposisikan ke OPD",
                sla="restart",
            ),
            _t(
                "alihkan",
                ("DIDISPOSISI", "DITINDAKLANJUTI"),
                "DIDISPOSISI",
                STAFF,
                "Bukan kewenangan OPD, dialihkan ke OPD lain",
                sla="restart",
                note_required=True,
            ),
            _t(
                "tindak_lanjut",
                ("DIDISPOSISI",),
                "DITINDAKLANJUTI",
                STAFF,
                "Ditindaklanjuti OPD",
                sla="stop",
                note_required=True,
            ),
            _t(
                "jawab",
                ("DITINDAKLANJUTI",),
                "SELESAI",
                STAFF,
                "Dijawab OPD",
                note_required=True,
            ),
            _t("terima_jawaban", ("SELESAI",), "DITUTUP", ("pemohon",), "Pelapor menerima jawaban"),
            # The system only (no human actor): 10 working days after the answer without a response.
            _t("tutup_otomatis", ("SELESAI",), "DITUTUP", (), "Ditutup otomatis, pelapor tidak menanggapi"),
            _t(
                "buka_kembali",
                ("SELESAI", "DITUTUP"),
                "DIDISPOSISI",
                ("pemohon",),
                "Dibuka kembali pelapor",
                sla="restart",
                note_required=True,
            ),
        ]
    ),
    terminal=frozenset({"DIARSIPKAN", "DITUTUP"}),
    default_sla_days=3,
)
