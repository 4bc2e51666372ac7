"""Complaint rules: capture (the first responder owns it), reading, the day's counts; steps.py has the steps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Row, func, select

from server.auth.models import User
from server.auth.service import supervisors
from server.common.clock import utcnow
from server.common.errors import Conflict, ValidationFailed
from server.common.idempotency import create_once, fingerprint
from server.common.policy import get_scoped_or_404
from server.common.roles import Role
from server.complaints import clocks, wording
from server.complaints.codes import STILL_OPEN, ActionType, Level, ReceivedVia, Status
from server.complaints.models import Complaint, ComplaintDeadline, ComplaintEvent
from server.complaints.schemas import ComplaintIn
from server.customers import service as customers
from server.customers.models import Customer
from server.extensions import db
from server.floor.models import Visit
from server.notifications.service import notify_many, worded

LIST_LIMIT = 100  # the most urgent first; a phone shows no more at once


# --- capture ----------------------------------------------------------------------------------------


def capture(actor: User, data: ComplaintIn) -> tuple[Complaint, bool]:
    """Record a complaint; whoever captures it owns it (首问负责). Idempotent on the client's id."""
    payload = fingerprint(actor=actor.id, **data.model_dump(mode="json"))
    complaint, created = create_once(Complaint, data.id.lower(), payload, lambda: _build(actor, data))
    if created:
        _announce(complaint, actor)
    return complaint, created


def _build(actor: User, data: ComplaintIn) -> Complaint:
    branch, now = actor.home_branch, utcnow()
    received = data.received_at or now
    customer = _customer(actor, data)
    visit = get_scoped_or_404(Visit, data.visit_id, actor) if data.visit_id else None
    about = staff_member(actor, data.about_staff_id, "about_staff_id") if data.about_staff_id else None
    owner = actor
    if about is not None and about.id == actor.id:
        owner = first_supervisor(branch.id)  # the person complained about does not handle it
    complaint = Complaint(
        id=data.id.lower(),
        branch_id=branch.id,
        received_via=data.received_via,
        received_at=received,
        recorded_at=now,
        summary=data.summary,
        details=data.details or None,
        asks=data.asks or None,
        customer=customer,
        visit=visit,
        waited_minutes=_waited(visit, received),
        about_staff=about,
        about_staff_name=None if about else (data.about_staff_name or None),
        severity=data.severity,
        arose_at=data.arose_at,
        business=data.business,
        cause=data.cause,
        status=Status.OPEN,
        level=_level_of(owner),
        owner=owner,
        created_by=actor,
    )
    add_event(complaint, "received", actor, received, level=complaint.level)
    if owner is not actor:
        add_event(
            complaint,
            ActionType.HAND_ON,
            None,
            received,
            to=owner,
            level=complaint.level,
            note=_("The complaint is about the person who received it."),
        )
    has_contact = bool(customer and customer.consent_contact and customer.phone_cipher)
    clocks.start_clocks(complaint, branch.settings, branch.timezone, has_contact=has_contact)
    return complaint


def _announce(complaint: Complaint, actor: User) -> None:
    now = utcnow()
    if complaint.owner_id != actor.id:
        tell([complaint.owner], complaint, "complaint.assigned", now)
    if complaint.received_via == ReceivedVia.MEDIA:  # domain.md: report to the supervisor at once
        tell(supervisors(complaint.branch_id), complaint, "complaint.media", now)


def _customer(actor: User, data: ComplaintIn) -> Customer | None:
    if data.customer_id:
        return customers.get_customer(actor, data.customer_id)
    if data.contact is not None:
        customer, _created = customers.create_customer(actor, data.contact.model_copy(update={"source": "complaint"}))
        return customer
    return None


def staff_member(actor: User, user_id: str, field: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.branch_id != actor.branch_id or not user.active:
        raise ValidationFailed(fields={field: _("Not a member of staff at this branch.")})
    return user


def first_supervisor(branch_id: str) -> User:
    found = supervisors(branch_id)
    if not found:
        raise Conflict(
            _("A complaint about you goes to the service quality lead, and the branch has no supervisor."),
            code="no_supervisor",
        )
    return found[0]


def _level_of(user: User) -> Level:
    return Level.SERVICE_QUALITY_LEAD if user.role == Role.SUPERVISOR else Level.LOBBY_MANAGER


def _waited(visit: Visit | None, received: datetime) -> int | None:
    if visit is None:
        return None
    until = visit.called_at or visit.finished_at or received
    return max(0, int((until - visit.arrived_at).total_seconds() // 60))


# --- reading ----------------------------------------------------------------------------------------


def get_complaint(actor: User, complaint_id: str) -> Complaint:
    return get_scoped_or_404(Complaint, complaint_id, actor)


def list_complaints(
    actor: User, *, open_only: bool, mine: bool, limit: int = LIST_LIMIT
) -> list[tuple[Row, list[Row]]]:
    """The branch's complaints (or the user's own), the soonest running deadline first: (line, clocks) each,
    at most `limit`. Read as plain rows, not records (the list is read on every poll; the page reads the
    record)."""
    soonest = (
        select(func.min(ComplaintDeadline.due_at))
        .where(
            ComplaintDeadline.complaint_id == Complaint.id,
            ComplaintDeadline.met_at.is_(None),
            ComplaintDeadline.ended_at.is_(None),
        )
        .correlate(Complaint)
        .scalar_subquery()
    )
    scope = [Complaint.branch_id == actor.branch_id]
    if open_only:
        scope.append(Complaint.status.in_(STILL_OPEN))
    if mine:
        scope.append(Complaint.owner_id == actor.id)
    lines = db.session.execute(
        select(*LINE_COLUMNS, User.display_name.label("owner_name"))
        .join(User, User.id == Complaint.owner_id)
        .where(*scope)
        .order_by(soonest.is_(None), soonest, Complaint.received_at.desc())
        .limit(limit)
    ).all()
    clocks: dict[str, list[Row]] = {line.id: [] for line in lines}
    if lines:
        for clock in db.session.execute(
            select(*CLOCK_COLUMNS).where(ComplaintDeadline.complaint_id.in_(clocks)).order_by(ComplaintDeadline.due_at)
        ):
            clocks[clock.complaint_id].append(clock)
    return [(line, clocks[line.id]) for line in lines]


LINE_COLUMNS = (
    Complaint.id,
    Complaint.status,
    Complaint.received_via,
    Complaint.received_at,
    Complaint.summary,
    Complaint.severity,
    Complaint.arose_at,
    Complaint.business,
    Complaint.cause,
    Complaint.level,
    Complaint.paused_at,
    Complaint.owner_id,
)
CLOCK_COLUMNS = (
    ComplaintDeadline.complaint_id,
    ComplaintDeadline.kind,
    ComplaintDeadline.starts_at,
    ComplaintDeadline.due_at,
    ComplaintDeadline.met_at,
    ComplaintDeadline.ended_at,
)


def day_counts(actor: User, day: date) -> dict:
    """The complaints received on the branch's `day`, counted by channel, each axis and status."""
    tz = ZoneInfo(actor.home_branch.timezone)
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    end = start + timedelta(days=1)
    scope = (Complaint.branch_id == actor.branch_id, Complaint.received_at >= start, Complaint.received_at < end)
    counts: dict = {"date": day.isoformat()}
    for name, column in (
        ("received_via", Complaint.received_via),
        ("arose_at", Complaint.arose_at),
        ("business", Complaint.business),
        ("cause", Complaint.cause),
        ("status", Complaint.status),
    ):
        rows = db.session.execute(select(column, func.count()).where(*scope).group_by(column))
        counts[name] = {code.value: n for code, n in rows}
    counts["total"] = sum(counts["status"].values())
    return counts


# --- helpers ----------------------------------------------------------------------------------------


def add_event(complaint, kind, actor, when, *, to=None, level=None, note=None, details=None, event_id=None) -> None:
    event = ComplaintEvent(
        type=str(kind),
        actor=actor,
        to_user=to,
        level=level,
        note=note,
        details={k: v for k, v in (details or {}).items() if v is not None},
        occurred_at=when,
        recorded_at=utcnow(),
    )
    if event_id:
        event.id = event_id
    complaint.events.append(event)


def tell(people, complaint: Complaint, kind: str, now: datetime, by: User | None = None) -> None:
    db.session.flush()
    notify_many(
        [
            worded(
                person,
                kind,
                lambda: wording.step(kind, complaint, by),
                url=f"/#complaints/{complaint.id}",
                ref=("complaint", complaint.id),
                dedupe_key=f"{kind}:{complaint.id}:{complaint.level.value}:{complaint.owner_id}:{person.id}",
                tag=f"complaint-{complaint.id}",
                group=lambda: wording.discreet(kind),
            )
            for person in people
            if by is None or person.id != by.id
        ]
    )
