"""Applying a transition: roles, guard, history, the SLA clock and the event, in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from puja_kit.auth import Principal
from puja_kit.db import utcnow
from puja_kit.errors import Forbidden, InvalidInput, NotFound
from puja_kit.events.catalog import PermohonanStatusChanged
from puja_kit.outbox import add_event
from puja_kit.tenancy import Tenant, is_staff
from puja_kit.workflow.machine import TransitionNotAllowed, Workflow
from puja_kit.workflow.models import PermohonanBase, RiwayatBase
from puja_kit.workflow.schemas import TimelineEntry, TrackingView
from puja_kit.workflow.sla import add_working_days, local_date, working_days_between
from puja_kit.workflow.tracking import tracking_number

P = TypeVar("P", bound=PermohonanBase)
R = TypeVar("R", bound=RiwayatBase)


def actors_for(principal: Principal, tenant: Tenant, owner_id: UUID) -> set[str]:
    """The workflow actors a caller is for a case of `owner_id` (an application's applicant, a report's
    reporter: the citizen actor "pemohon") in the region's layanan; staff by their grant."""
    actors: set[str] = set()
    if principal.id == owner_id:
        actors.add("pemohon")
    if principal.has("operator", tenant=tenant.kode, layanan=tenant.layanan):
        actors.add("operator")
    if principal.has("admin_daerah", tenant=tenant.kode):
        actors.add("admin_daerah")
    return actors


def actors_of(principal: Principal, obj: PermohonanBase, tenant: Tenant) -> set[str]:
    return actors_for(principal, tenant, obj.pemohon_id)


def visible_to(principal: Principal, obj: PermohonanBase, tenant: Tenant, workflow: Workflow) -> bool:
    """The applicant sees their application; the region's staff see it once submitted. A draft is still
    the citizen's own work, so for staff (as for anyone else) it does not exist yet."""
    if principal.id == obj.pemohon_id:
        return True
    return obj.status != workflow.initial and is_staff(principal, tenant)


async def get_visible(
    session: AsyncSession,
    workflow: Workflow,
    model: type[P],
    principal: Principal,
    tenant: Tenant,
    permohonan_id: UUID,
    *,
    for_update: bool = False,
) -> P:
    """The application if the caller may see it (`visible_to`): the one place its ownership rule is
    applied. Anyone else gets "not found", not "forbidden", so its existence is not revealed.
    `for_update` locks the row for a change: two operators clicking at once act one after the other."""
    stmt = select(model).where(col(model.tenant_id) == tenant.kode, col(model.id) == permohonan_id)
    if for_update:
        stmt = stmt.with_for_update()
    obj = (await session.scalars(stmt)).first()
    if obj is None or not visible_to(principal, obj, tenant, workflow):
        raise NotFound("Permohonan tidak ditemukan.")
    return obj


def role_of(actors: set[str]) -> str:
    """The role a step is recorded under: the most able of the caller's actors."""
    for role in ("admin_daerah", "operator", "pemohon"):
        if role in actors:
            return role
    return "sistem"


async def assign_number(session: AsyncSession, obj: PermohonanBase, prefix: str) -> None:
    """A fresh tracking number, unique in the region (retried on the rare collision)."""
    for _ in range(5):
        obj.nomor = tracking_number(prefix)
        try:
            async with session.begin_nested():
                session.add(obj)
                await session.flush()
            return
        except IntegrityError:
            continue
    raise RuntimeError("nomor pelacakan tidak dapat dibuat")


async def apply_transition(
    session: AsyncSession,
    workflow: Workflow,
    obj: P,
    riwayat_model: type[R],
    *,
    action: str,
    principal: Principal | None,
    tenant: Tenant,
    note: str | None = None,
    now: datetime | None = None,
) -> R:
    """Move `obj` through `action`; `principal=None` is the system (consumers, jobs)."""
    transition = workflow.transition(action)
    if obj.status not in transition.sources:
        raise TransitionNotAllowed(
            f"Tindakan '{transition.label}' tidak bisa dilakukan saat status "
            f"'{workflow.states.get(obj.status, obj.status)}'."
        )
    actors = actors_of(principal, obj, tenant) if principal is not None else {"sistem"}
    if principal is not None and not transition.actors & actors:
        raise Forbidden("Anda tidak berwenang melakukan tindakan ini pada permohonan ini.")
    if transition.note_required and not (note and note.strip()):
        raise InvalidInput(
            "Catatan wajib diisi untuk tindakan ini.",
            errors=[{"field": "catatan", "code": "missing", "message": "wajib diisi"}],
        )
    if transition.guard is not None and (refusal := transition.guard(obj)):
        raise TransitionNotAllowed(refusal)

    now = now or utcnow()
    today = local_date(now, tenant.zona_waktu)
    if transition.sla == "start":
        obj.diajukan_at = obj.diajukan_at or now
        obj.sla_jatuh_tempo = add_working_days(today, tenant.settings.sla_hari or workflow.default_sla_days)
    elif transition.sla == "restart":
        obj.sla_jatuh_tempo = add_working_days(today, 5)
    elif transition.sla == "pause":
        obj.sla_dijeda_sejak = now
    elif transition.sla == "resume" and obj.sla_dijeda_sejak is not None:
        # The clock stood still while the application waited on the citizen.
        waited = working_days_between(local_date(obj.sla_dijeda_sejak, tenant.zona_waktu), today)
        if obj.sla_jatuh_tempo is not None:
            obj.sla_jatuh_tempo = add_working_days(obj.sla_jatuh_tempo, waited)
        obj.sla_dijeda_sejak = None
    if transition.target in workflow.terminal:
        obj.selesai_at = now

    previous = obj.status
    obj.status = transition.target
    session.add(obj)
    row = riwayat_model(
        tenant_id=obj.tenant_id,
        permohonan_id=obj.id,
        dari=previous,
        ke=transition.target,
        aksi=transition.name,
        label=transition.label,
        actor_id=principal.id if principal is not None else None,
        actor_role=role_of(actors),
        catatan=note,
        waktu=now,
    )
    session.add(row)
    await add_event(
        session,
        f"puja.{tenant.layanan}.permohonan.status_changed",
        PermohonanStatusChanged(
            permohonan_id=obj.id,
            nomor=obj.nomor,
            dari=previous,
            ke=transition.target,
            aksi=transition.name,
            pemohon_id=obj.pemohon_id,
            sla_jatuh_tempo=obj.sla_jatuh_tempo,
        ),
        tenant=obj.tenant_id,
        subject=str(obj.id),
    )
    return row


def is_overdue(obj: PermohonanBase, workflow: Workflow, zona_waktu: str, now: datetime | None = None) -> bool:
    if obj.sla_jatuh_tempo is None or obj.status in workflow.terminal or obj.sla_dijeda_sejak is not None:
        return False
    return local_date(now or utcnow(), zona_waktu) > obj.sla_jatuh_tempo


async def tracking_view(
    session: AsyncSession,
    workflow: Workflow,
    model: type[P],
    riwayat_model: type[R],
    *,
    tenant: Tenant,
    nomor: str,
) -> TrackingView:
    obj = (
        await session.scalars(
            select(model).where(
                col(model.tenant_id) == tenant.kode, col(model.nomor) == nomor.strip().upper()
            )
        )
    ).first()
    if obj is None or obj.status == workflow.initial == "DRAF":
        raise NotFound(f"Nomor {nomor} tidak ditemukan di {tenant.nama}.")
    history = (
        await session.scalars(
            select(riwayat_model)
            .where(col(riwayat_model.permohonan_id) == obj.id)
            .order_by(col(riwayat_model.waktu))
        )
    ).all()
    return TrackingView(
        nomor=obj.nomor,
        layanan=tenant.layanan,
        status=obj.status,
        status_label=workflow.states[obj.status],
        diajukan_at=obj.diajukan_at,
        sla_jatuh_tempo=obj.sla_jatuh_tempo,
        terlambat=is_overdue(obj, workflow, tenant.zona_waktu),
        timeline=[TimelineEntry(status=h.ke, label=h.label, waktu=h.waktu) for h in history],
    )
