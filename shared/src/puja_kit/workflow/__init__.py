from puja_kit.workflow.machine import ADUAN, PERMOHONAN, Transition, TransitionNotAllowed, Workflow
from puja_kit.workflow.models import PermohonanBase, RiwayatBase
from puja_kit.workflow.service import (
    apply_transition,
    assign_number,
    get_visible,
    is_overdue,
    tracking_view,
    visible_to,
)

__all__ = [
    "ADUAN",
    "PERMOHONAN",
    "PermohonanBase",
    "RiwayatBase",
    "Transition",
    "TransitionNotAllowed",
    "Workflow",
    "apply_transition",
    "assign_number",
    "get_visible",
    "is_overdue",
    "tracking_view",
    "visible_to",
]
