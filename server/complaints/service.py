"""Complaint rules: capture (the first responder owns it), the steps of the ladder, and the day's counts."""

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
from server.common.locking import lock
from server.common.policy import get_scoped_or_404
from server.common.roles import Role
from server.complaints import clocks, wording
from server.complaints.codes import LADDER, STILL_OPEN, ActionType, DeadlineKind, Level, ReceivedVia, Status
from server.complaints.models import Complaint, ComplaintDeadline, ComplaintEvent
from server.complaints.policy import check_step, is_about
from server.complaints.schemas import ActionIn, ComplaintIn
from server.customers import service as customers
from server.customers.models import Customer
from server.extensions import db
from server.floor.models import Visit
from server.notifications.service import notify_many, worded

LIST_LIMIT = 100  # the most urgent first; a phone shows no more at once
ALL_DEADLINES = tuple(DeadlineKind)
REPLIED = (DeadlineKind.DECISION, DeadlineKind.PHONE_REPLY, DeadlineKind.CALL_BACK)
CONTACTED = (DeadlineKind.PHONE_REPLY, DeadlineKind.CALL_BACK)


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
    about = _staff(actor, data.about_staff_id, "about_staff_id") if data.about_staff_id else None
    owner = actor
    if about is not None and about.id == actor.id:
        owner = _first_supervisor(branch.id)  # the person complained about does not handle it
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
    _event(complaint, "received", actor, received, level=complaint.level)
    if owner is not actor:
        _event(
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
        _tell([complaint.owner], complaint, "complaint.assigned", now)
    if complaint.received_via == ReceivedVia.MEDIA:  # domain.md: report to the supervisor at once
        _tell(supervisors(complaint.branch_id), complaint, "complaint.media", now)


def _customer(actor: User, data: ComplaintIn) -> Customer | None:
    if data.customer_id:
        return customers.get_customer(actor, data.customer_id)
    if data.contact is not None:
        customer, _created = customers.create_customer(actor, data.contact.model_copy(update={"source": "complaint"}))
        return customer
    return None


def _staff(actor: User, user_id: str, field: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.branch_id != actor.branch_id or not user.active:
        raise ValidationFailed(fields={field: _("Not a member of staff at this branch.")})
    return user


def _first_supervisor(branch_id: str) -> User:
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


# --- the steps --------------------------------------------------------------------------------------


def act(actor: User, complaint_id: str, data: ActionIn) -> Complaint:
    """Take one step on a complaint. The step's id makes a retry harmless (the outbox may send it twice)."""
    complaint = get_complaint(actor, complaint_id)
    lock(complaint)
    known = db.session.get(ComplaintEvent, data.id.lower())
    if known is not None:
        if known.complaint_id != complaint.id:
            raise Conflict(_("A different record with this id already exists."), code="id_conflict")
        return complaint
    missing = data.missing_fields()
    if missing:
        raise ValidationFailed(fields=missing)
    check_step(actor, complaint, data.type)
    now = utcnow()
    when = data.occurred_at or now
    STEPS[data.type](actor, complaint, data, when, now)
    db.session.flush()
    return complaint


def _note(actor, complaint, data, when, now) -> None:
    _record(complaint, data, actor, when)


def _contact(actor, complaint, data, when, now) -> None:
    clocks.meet(complaint, CONTACTED, when)
    _record(complaint, data, actor, when, details={"how": data.how.value})


def _hand_on(actor, complaint, data, when, now) -> None:
    to = _staff(actor, data.to_user_id, "to_user_id")
    if is_about(to, complaint):
        raise ValidationFailed(fields={"to_user_id": _("The person complained about does not handle it.")})
    if to.id == complaint.owner_id:
        raise ValidationFailed(fields={"to_user_id": _("They own it already.")})
    complaint.owner = to
    if to.role == Role.SUPERVISOR and complaint.level == Level.LOBBY_MANAGER:
        complaint.level = Level.SERVICE_QUALITY_LEAD
    if complaint.level != Level.LOBBY_MANAGER:
        clocks.meet(complaint, (DeadlineKind.ON_SITE,), when)
    _record(complaint, data, actor, when, to=to, level=complaint.level)
    _tell([to], complaint, "complaint.assigned", now)


def _escalate(actor, complaint, data, when, now) -> None:
    target = data.level or clocks.next_rung(complaint.level)
    step = LADDER.index(target) - LADDER.index(complaint.level)
    if step <= 0:
        raise ValidationFailed(fields={"level": _("Choose a level above the present one.")})
    if step > 1 and not data.note:
        raise ValidationFailed(fields={"note": _("Say why levels are skipped.")})
    if complaint.level == Level.LOBBY_MANAGER:  # the service quality lead (or above) takes it over
        lead = (
            _staff(actor, data.to_user_id, "to_user_id") if data.to_user_id else _first_supervisor(complaint.branch_id)
        )
        if lead.role != Role.SUPERVISOR or is_about(lead, complaint):
            raise ValidationFailed(fields={"to_user_id": _("Choose a supervisor who is not complained about.")})
        complaint.owner = lead
    complaint.level = target
    clocks.meet(complaint, (DeadlineKind.ON_SITE,), when)
    _record(complaint, data, actor, when, to=complaint.owner, level=target, details={"skipped": step - 1})
    _tell(supervisors(complaint.branch_id), complaint, "complaint.escalated", now, by=actor)


def _extend(actor, complaint, data, when, now) -> None:
    if complaint.extensions >= 2:
        raise Conflict(_("The decision may be extended twice at most."), code="no_more_extensions")
    if complaint.extensions == 1 and not data.approved_by:
        raise ValidationFailed(fields={"approved_by": _("Name who at a higher level approved it.")})
    clock = clocks.deadline(complaint, DeadlineKind.DECISION)
    complaint.extensions += 1
    days = clocks.decision_days(complaint.branch.settings, complaint.extensions)
    if clock is not None:
        clocks.set_due(clock, clock.starts_at + timedelta(days=days), now)
    _record(complaint, data, actor, when, details={"days": days, "approved_by": data.approved_by})


def _pause(actor, complaint, data, when, now) -> None:
    complaint.paused_at = when
    clocks.pause(complaint)
    _record(complaint, data, actor, when)


def _resume(actor, complaint, data, when, now) -> None:
    paused_for = max(timedelta(0), when - (complaint.paused_at or when))
    complaint.paused_at = None
    clocks.resume(complaint, paused_for, now)
    _record(complaint, data, actor, when, details={"paused_minutes": int(paused_for.total_seconds() // 60)})


def _reply(actor, complaint, data, when, now) -> None:
    complaint.replied_at, complaint.reply_how = when, data.how
    clocks.meet(complaint, REPLIED, when)
    _record(complaint, data, actor, when, details={"how": data.how.value})


def _resolve(actor, complaint, data, when, now) -> None:
    complaint.status, complaint.resolved_at = Status.RESOLVED, when
    complaint.replied_at = complaint.replied_at or when
    complaint.reply_how = complaint.reply_how or data.how
    complaint.resolution, complaint.customer_response = data.resolution, data.customer_response
    complaint.root_cause, complaint.fix, complaint.valid = data.root_cause, data.fix, data.valid
    complaint.paused_at = None
    clocks.meet(complaint, ALL_DEADLINES, when)
    _record(complaint, data, actor, when, details={"customer_response": data.customer_response.value})


def _withdraw(actor, complaint, data, when, now) -> None:
    complaint.status, complaint.closed_at = Status.WITHDRAWN, when
    clocks.end_all(complaint, when)
    _record(complaint, data, actor, when)


def _merge(actor, complaint, data, when, now) -> None:
    first = get_complaint(actor, data.merge_into_id)
    if first.id == complaint.id or first.status not in STILL_OPEN:
        raise ValidationFailed(fields={"merge_into_id": _("Choose another complaint that is still open.")})
    complaint.status, complaint.closed_at, complaint.merged_into_id = Status.MERGED, when, first.id
    clocks.end_all(complaint, when)
    _record(complaint, data, actor, when, details={"into": first.id})
    _event(first, "merged_in", actor, when, note=data.note, details={"from": complaint.id})


def _new_facts(actor, complaint, data, when, now) -> None:
    """New facts or reasons make it a new complaint for the regulator: the decision's clock starts again."""
    complaint.status, complaint.resolved_at, complaint.paused_at, complaint.extensions = Status.OPEN, None, None, 0
    clock = clocks.deadline(complaint, DeadlineKind.DECISION)
    days = clocks.decision_days(complaint.branch.settings, 0)
    if clock is not None:
        clock.ended_at = None
        clocks.set_due(clock, when + timedelta(days=days), now, starts_at=when)
    _record(complaint, data, actor, when)


def _close(actor, complaint, data, when, now) -> None:
    if complaint.status != Status.RESOLVED:
        if not (data.resolution and data.how and data.customer_response):
            raise ValidationFailed(
                _("Record the outcome before closing."),
                fields={
                    name: _("Required.")
                    for name in ("resolution", "how", "customer_response")
                    if not getattr(data, name)
                },
            )
        _resolve(actor, complaint, data, when, now)
    complaint.status, complaint.closed_at = Status.CLOSED, when
    _event(complaint, ActionType.CLOSE, actor, when, note=None)


STEPS = {
    ActionType.NOTE: _note,
    ActionType.CONTACT: _contact,
    ActionType.HAND_ON: _hand_on,
    ActionType.ESCALATE: _escalate,
    ActionType.EXTEND: _extend,
    ActionType.PAUSE: _pause,
    ActionType.RESUME: _resume,
    ActionType.REPLY: _reply,
    ActionType.RESOLVE: _resolve,
    ActionType.WITHDRAW: _withdraw,
    ActionType.MERGE: _merge,
    ActionType.NEW_FACTS: _new_facts,
    ActionType.CLOSE: _close,
}


# --- helpers ----------------------------------------------------------------------------------------


def _record(complaint, data: ActionIn, actor, when, *, to=None, level=None, details=None) -> None:
    """The step on the timeline, under the client's id (so that a retry finds it)."""
    _event(
        complaint, data.type, actor, when, to=to, level=level, note=data.note, details=details, event_id=data.id.lower()
    )


def _event(complaint, kind, actor, when, *, to=None, level=None, note=None, details=None, event_id=None) -> None:
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


def _tell(people, complaint: Complaint, kind: str, now: datetime, by: User | None = None) -> None:
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
