"""Handing a shift over: what the lobby manager leaves open (their complaints, the branch's open faults, the
VIPs still waiting, their referrals under way, the care tasks they took) is listed as it stands; the next one
on duty acknowledges it, and the complaints and tasks become theirs. The floor is never left unstaffed: the
handover goes to someone on duty."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from server.audit import service as audit
from server.auth.models import User
from server.care.models import CareStatus, CareTask
from server.checks.codes import OPEN_FAULT
from server.checks.models import Fault
from server.common.clock import local_day_start, utcnow
from server.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from server.common.roles import Role
from server.complaints.codes import STILL_OPEN, ActionType
from server.complaints.models import Complaint
from server.complaints.schemas import ActionIn
from server.complaints.steps import act as complaint_step
from server.customers.models import Tier
from server.extensions import db
from server.floor.codes import OPEN_STATUSES
from server.floor.models import Visit
from server.notifications.service import notify_many, worded
from server.referrals.models import OPEN as REFERRAL_OPEN
from server.referrals.models import Referral
from server.shifts.models import Handover

TAKERS = (Role.LOBBY_MANAGER, Role.SUPERVISOR)


def open_items(giver: User, now: datetime) -> dict[str, list[dict]]:
    """What `giver` would hand over now."""
    branch_id = giver.branch_id
    complaints = db.session.scalars(
        select(Complaint)
        .where(Complaint.branch_id == branch_id, Complaint.owner_id == giver.id, Complaint.status.in_(STILL_OPEN))
        .order_by(Complaint.received_at)
    )
    faults = db.session.scalars(
        select(Fault).where(Fault.branch_id == branch_id, Fault.status.in_(OPEN_FAULT)).order_by(Fault.since)
    )
    vips = db.session.scalars(
        select(Visit)
        .where(
            Visit.branch_id == branch_id,
            Visit.status.in_(OPEN_STATUSES),
            Visit.tier.in_((Tier.VIP, Tier.POTENTIAL)),
            Visit.arrived_at >= now - timedelta(hours=12),
        )
        .order_by(Visit.arrived_at)
    )
    referrals = db.session.scalars(
        select(Referral)
        .where(Referral.branch_id == branch_id, Referral.from_user_id == giver.id, Referral.status.in_(REFERRAL_OPEN))
        .order_by(Referral.created_at)
    )
    tasks = db.session.scalars(
        select(CareTask)
        .where(CareTask.branch_id == branch_id, CareTask.assignee_id == giver.id, CareTask.status == CareStatus.OPEN)
        .order_by(CareTask.due_at)
    )
    return {
        "complaints": [{"id": c.id, "summary": c.summary, "since": c.received_at.isoformat()} for c in complaints],
        "faults": [{"id": f.id, "symptom": f.symptom, "since": f.since.isoformat()} for f in faults],
        "waiting_vips": [
            {"id": v.id, "ticket": v.ticket, "tier": v.tier.value, "since": v.arrived_at.isoformat()} for v in vips
        ],
        "referrals": [
            {
                "id": r.id,
                "status": r.status.value,
                "to": r.to_user.display_name if r.to_user else None,
                "since": r.created_at.isoformat(),
            }
            for r in referrals
        ],
        "tasks": [{"id": t.id, "kind": t.kind.value, "since": t.due_at.isoformat()} for t in tasks],
    }


def hand_over(giver: User, *, handover_id: str, to_user_id: str, note: str) -> tuple[Handover, bool]:
    replay = db.session.get(Handover, handover_id)
    if replay is not None:
        if replay.from_user_id != giver.id:
            raise Conflict(_("This id belongs to another handover."), code="id_conflict")
        return replay, False
    receiver = db.session.get(User, to_user_id)
    if (
        receiver is None
        or receiver.branch_id != giver.branch_id
        or not receiver.active
        or receiver.role not in TAKERS
        or receiver.id == giver.id
    ):
        raise ValidationFailed(fields={"to_user_id": _("Hand over to another lobby manager or a supervisor.")})
    if not receiver.on_duty and receiver.role != Role.SUPERVISOR:
        raise ValidationFailed(fields={"to_user_id": _("%(name)s is not on duty.", name=receiver.display_name)})
    now = utcnow()
    handover = Handover(
        id=handover_id,
        branch_id=giver.branch_id,
        from_user=giver,
        to_user=receiver,
        note=note,
        items=open_items(giver, now),
        created_at=now,
    )
    db.session.add(handover)
    db.session.flush()
    _tell(handover)
    return handover, True


def acknowledge(receiver: User, handover_id: str, note: str | None) -> Handover:
    """The receiver has it: the giver's open complaints (but one about the receiver) and taken tasks are theirs."""
    handover = get_handover(receiver, handover_id)
    if handover.acknowledged_at is not None:
        return handover  # a replay
    if handover.to_user_id != receiver.id:
        raise PermissionDenied(_("This handover is to someone else."), code="not_receiver")
    giver = handover.from_user
    taken: dict[str, list[str]] = {"complaints": [], "tasks": [], "kept": []}
    for item in handover.items["complaints"]:
        complaint = db.session.get(Complaint, item["id"])
        if complaint is None or complaint.owner_id != giver.id or complaint.status not in STILL_OPEN:
            continue
        if complaint.about_staff_id == receiver.id:
            taken["kept"].append(complaint.id)  # the person complained about does not handle it
            continue
        complaint_step(
            giver, complaint.id, ActionIn(type=ActionType.HAND_ON, to_user_id=receiver.id, note=_("Shift handover"))
        )
        taken["complaints"].append(complaint.id)
    for item in handover.items["tasks"]:
        task = db.session.get(CareTask, item["id"])
        if task is not None and task.assignee_id == giver.id and task.status == CareStatus.OPEN:
            task.assignee_id = receiver.id
            taken["tasks"].append(task.id)
    handover.acknowledged_at, handover.acknowledge_note, handover.taken_over = utcnow(), note, taken
    audit.record(
        "handover.acknowledged",
        actor=receiver,
        subject_type="handover",
        subject_id=handover.id,
        branch_id=handover.branch_id,
    )
    return handover


def get_handover(actor: User, handover_id: str) -> Handover:
    handover = db.session.get(Handover, handover_id)
    if handover is None or handover.branch_id != actor.branch_id:
        raise NotFound()
    return handover


def handovers_of(branch_id: str, start: datetime, end: datetime) -> list[Handover]:
    stmt = (
        select(Handover)
        .where(Handover.branch_id == branch_id, Handover.created_at >= start, Handover.created_at < end)
        .order_by(Handover.created_at)
    )
    return list(db.session.scalars(stmt))


def mine(actor: User, now: datetime) -> dict[str, list[Handover]]:
    """Handovers waiting for the actor's acknowledgement, and today's from and to them."""
    today = local_day_start(actor.home_branch.timezone, now)
    waiting = db.session.scalars(
        select(Handover)
        .where(Handover.to_user_id == actor.id, Handover.acknowledged_at.is_(None))
        .order_by(Handover.created_at)
    )
    todays = [
        h
        for h in handovers_of(actor.home_branch.id, today, now + timedelta(seconds=1))
        if actor.id in (h.from_user_id, h.to_user_id)
    ]
    return {"to_acknowledge": list(waiting), "today": todays}


def _tell(handover: Handover) -> None:
    giver, items = handover.from_user, handover.items
    open_count = sum(len(rows) for rows in items.values())

    def text() -> tuple[str, str]:
        title = _("%(name)s hands the shift over to you", name=giver.display_name)
        return title, _("%(n)s things open: acknowledge on More.", n=open_count)

    notify_many(
        [
            worded(
                handover.to_user,
                "shift.handover",
                text,
                url="/#more",
                ref=("handover", handover.id),
                dedupe_key=f"shift.handover:{handover.id}",
                tag=f"handover-{handover.id}",
            )
        ]
    )
