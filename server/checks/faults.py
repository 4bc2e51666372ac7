"""Equipment faults: reported once per asset and symptom, tracked to the fix, and what they take out of
service (the triage reads it through the floor's `self_service_down`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from server.auth.models import User
from server.branches.models import Branch, touch_floor
from server.care import scheduling as care
from server.checks.codes import OPEN_FAULT, SELF_SERVICE, FaultSeverity, FaultStatus, FaultStep
from server.checks.models import Asset, Fault, FaultEvent
from server.checks.schemas import FaultActionIn, FaultIn
from server.checks.seed import ensure_seeded
from server.common.clock import local_day_start, utcnow
from server.common.errors import Conflict
from server.common.idempotency import fingerprint
from server.common.locking import lock
from server.common.policy import get_scoped_or_404
from server.extensions import db
from server.floor.codes import Channel, VisitStatus
from server.floor.models import Visit

# The order of the status steps: a fault moves forward only (a step may be skipped: fixed at once).
ORDER = [FaultStatus.OPEN, FaultStatus.REPORTED, FaultStatus.FIXING, FaultStatus.FIXED, FaultStatus.VERIFIED]
STEP_STATUS = {
    FaultStep.REPORTED: FaultStatus.REPORTED,
    FaultStep.FIXING: FaultStatus.FIXING,
    FaultStep.FIXED: FaultStatus.FIXED,
    FaultStep.VERIFIED: FaultStatus.VERIFIED,
}


def list_assets(actor: User) -> list[Asset]:
    ensure_seeded(actor.home_branch)
    return list(
        db.session.scalars(
            select(Asset)
            .where(Asset.branch_id == actor.branch_id, Asset.active.is_(True))
            .order_by(Asset.kind, Asset.number)
        )
    )


def report_fault(actor: User, data: FaultIn) -> tuple[Fault, bool]:
    """Open a fault, or add this report to the open fault of the same asset and symptom. Returns (the fault,
    whether it is new); the same report sent again is one."""
    branch = actor.home_branch
    ensure_seeded(branch)
    record_id = data.id.lower()
    known = db.session.get(Fault, record_id)
    if known is not None:
        if known.branch_id != branch.id or known.payload_hash != _payload(actor, data):
            raise Conflict(_("A different record with this id already exists."), code="id_conflict")
        return known, False
    again = db.session.get(FaultEvent, record_id)
    if again is not None:
        return get_scoped_or_404(Fault, again.fault_id, actor), False
    asset = get_scoped_or_404(Asset, data.asset, actor) if data.asset else None
    when = data.since or utcnow()
    lock(branch)  # two phones reporting the same fault at once: the second adds to the first
    key = open_key(asset, data.symptom)
    fault = db.session.scalar(select(Fault).where(Fault.branch_id == branch.id, Fault.open_key == key))
    if fault is not None:
        fault.events.append(
            FaultEvent(
                id=record_id, type=FaultStep.REPORTED_AGAIN, note=data.note or None, actor=actor, occurred_at=when
            )
        )
        worse = data.severity == FaultSeverity.OUT_OF_SERVICE and fault.severity != data.severity
        if worse:  # it worked badly; now it does not work at all
            fault.severity = data.severity
            touch_floor(branch.id)
        db.session.flush()
        if worse and asset is not None and asset.kind in SELF_SERVICE:
            _reroute_the_waiting(branch, when)
        return fault, False
    fault = Fault(
        id=record_id,
        payload_hash=_payload(actor, data),
        branch_id=branch.id,
        asset=asset,
        symptom=data.symptom,
        open_key=key,
        severity=data.severity,
        since=when,
        reported_by=actor,
        remind_at=when + timedelta(hours=branch.settings.fault_reminder_hours),
    )
    fault.events.append(FaultEvent(type=FaultStep.OPENED, note=data.note or None, actor=actor, occurred_at=when))
    db.session.add(fault)
    touch_floor(branch.id)
    db.session.flush()
    if fault.severity == FaultSeverity.OUT_OF_SERVICE and asset is not None and asset.kind in SELF_SERVICE:
        _reroute_the_waiting(branch, when)
    return fault, True


def _reroute_the_waiting(branch: Branch, now: datetime) -> None:
    """Customers waiting for self-service whose business no machine can do now get a care task: to the counter."""
    down = businesses_down(branch.id)
    if not down:
        return
    stranded = db.session.scalars(
        select(Visit).where(
            Visit.branch_id == branch.id,
            Visit.status == VisitStatus.WAITING,
            Visit.channel == Channel.SELF_SERVICE,
            Visit.business_type.in_(sorted(down)),
            Visit.arrived_at >= local_day_start(branch.timezone, now),
        )
    )
    care.reroute(list(stranded), utcnow())


def _payload(actor: User, data: FaultIn) -> str:
    return fingerprint(actor=actor.id, **data.model_dump(mode="json"))


def open_key(asset: Asset | None, symptom: str) -> str:
    """The same machine and the same words (whatever their case and spacing) are the same fault."""
    return f"{asset.id if asset else '-'}:{' '.join(symptom.casefold().split())}"[:260]


def get_fault(actor: User, fault_id: str) -> Fault:
    return get_scoped_or_404(Fault, fault_id, actor)


def act(actor: User, fault_id: str, data: FaultActionIn) -> Fault:
    """A step of the fault (forward only); `fixed` takes it off the floor and gives the machine back to triage."""
    fault = get_fault(actor, fault_id)
    lock(fault)
    known = db.session.get(FaultEvent, data.id.lower())
    if known is not None:
        if known.fault_id != fault.id:
            raise Conflict(_("A different record with this id already exists."), code="id_conflict")
        return fault
    when = data.occurred_at or utcnow()
    status = STEP_STATUS.get(data.type)
    if status is not None:
        _move(fault, status, actor, when)
    if data.type == FaultStep.REPORTED:
        fault.reported_to = data.reported_to or fault.reported_to
        fault.vendor_ticket = data.vendor_ticket or fault.vendor_ticket
    fault.events.append(FaultEvent(id=data.id.lower(), type=data.type, note=data.note, actor=actor, occurred_at=when))
    db.session.flush()
    return fault


def _move(fault: Fault, status: FaultStatus, actor: User, when: datetime) -> None:
    if ORDER.index(status) <= ORDER.index(fault.status) and status != FaultStatus.REPORTED:
        raise Conflict(_("This fault is already past that step."), code="fault_step_done")
    if status == FaultStatus.REPORTED and fault.status not in OPEN_FAULT:
        raise Conflict(_("This fault is already fixed."), code="fault_step_done")
    if status == FaultStatus.VERIFIED and fault.status != FaultStatus.FIXED:
        raise Conflict(_("A fault is verified after it is fixed."), code="fault_not_fixed")
    if status == FaultStatus.FIXED:
        fault.fixed_at, fault.fixed_by = when, actor
        fault.open_key = fault.remind_at = None
        touch_floor(fault.branch_id)
    if status == FaultStatus.VERIFIED:
        fault.verified_at, fault.verified_by_id = when, actor.id
    if status != FaultStatus.REPORTED or fault.status == FaultStatus.OPEN:
        fault.status = status


def list_faults(actor: User, status: str) -> list[Fault]:
    """Open faults (the default), or every fault of the last 30 days."""
    stmt = select(Fault).options(selectinload(Fault.asset)).where(Fault.branch_id == actor.branch_id)
    if status == "all":
        stmt = stmt.where(Fault.since >= utcnow() - timedelta(days=30))
    else:
        stmt = stmt.where(Fault.status.in_(OPEN_FAULT))
    return list(db.session.scalars(stmt.order_by(Fault.since.desc()).limit(200)))


def open_faults(branch_id: str) -> list[Fault]:
    return list(
        db.session.scalars(
            select(Fault)
            .options(joinedload(Fault.asset))  # one query: the board rebuilds with it
            .where(Fault.branch_id == branch_id, Fault.status.in_(OPEN_FAULT))
            .order_by(Fault.since)
        )
    )


def businesses_down(branch_id: str) -> set[str]:
    """The businesses for which every self-service machine of the branch is out of service (one query)."""
    broken = (
        select(Fault.id)
        .where(
            Fault.asset_id == Asset.id,
            Fault.status.in_(OPEN_FAULT),
            Fault.severity == FaultSeverity.OUT_OF_SERVICE,
        )
        .exists()
    )
    machines = db.session.execute(
        select(Asset.kind, broken).where(
            Asset.branch_id == branch_id, Asset.active.is_(True), Asset.kind.in_(list(SELF_SERVICE))
        )
    ).all()
    working: set[str] = set()
    possible: set[str] = set()
    for kind, is_broken in machines:
        businesses = {b.value for b in SELF_SERVICE[kind]}
        possible |= businesses
        if not is_broken:
            working |= businesses
    return possible - working
