"""The clocks of a complaint: which deadlines it runs, when each reminder falls, and the worker's sweep.

Every clock is a `ComplaintDeadline` row whose `next_alert_at` says when the sweep next has something to
say: half-way, three quarters, an hour before, and the deadline itself. The sweep is one indexed range scan
plus a compare-and-set UPDATE (as care's), so several workers never tell twice, and a complaint is looked at
only when one of its clocks has something to say. Each reminder also has a dedupe key (the deadline, the
stage and the due time it counted to), so an extended deadline reminds afresh and nothing else twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.branches.settings import BranchSettings
from server.common.clock import add_business_days, local_day_end
from server.common.roles import Role
from server.common.sweeps import claim_due
from server.complaints import wording
from server.complaints.codes import LADDER, DeadlineKind, Level, ReceivedVia
from server.complaints.models import Complaint, ComplaintDeadline, ComplaintEvent
from server.extensions import db
from server.notifications.service import Message, notify_many, worded

BATCH = 500
HOUR = timedelta(hours=1)
FRACTIONS = (("half", 0.5), ("three_quarters", 0.75))
PASSED = "passed"


# --- which clocks run ------------------------------------------------------------------------------


def start_clocks(complaint: Complaint, settings: BranchSettings, tz: str, *, has_contact: bool) -> None:
    """The deadlines of a new complaint, counted from when it was received (the device's time)."""
    start = complaint.received_at
    via = complaint.received_via
    if via == ReceivedVia.ON_SITE:
        _add(complaint, DeadlineKind.ON_SITE, start, start + timedelta(minutes=settings.complaint_on_site_minutes))
    elif via in (ReceivedVia.PHONE, ReceivedVia.HOTLINE):
        due = add_business_days(start, settings.complaint_phone_reply_business_days, tz, settings.holidays)
        _add(complaint, DeadlineKind.PHONE_REPLY, start, due)
    elif via == ReceivedVia.COMMENT_BOOK and has_contact:
        _add(complaint, DeadlineKind.CALL_BACK, start, local_day_end(tz, start))
    _add(complaint, DeadlineKind.DECISION, start, start + timedelta(days=settings.complaint_decision_days))


def decision_days(settings: BranchSettings, extensions: int) -> int:
    """The regulator's time for a decision: 15 days, 30 for a complex case, another 30 with approval."""
    return (
        settings.complaint_decision_days,
        settings.complaint_extended_days,
        settings.complaint_extended_days + settings.complaint_further_extension_days,
    )[extensions]


def deadline(complaint: Complaint, kind: DeadlineKind) -> ComplaintDeadline | None:
    return next((d for d in complaint.deadlines if d.kind == kind), None)


def meet(complaint: Complaint, kinds: tuple[DeadlineKind, ...], at: datetime) -> None:
    for clock in complaint.deadlines:
        if clock.kind in kinds and clock.running:
            clock.met_at, clock.next_alert_at = at, None


def end_all(complaint: Complaint, at: datetime) -> None:
    """Withdrawn or merged: every clock stops, neither met nor missed."""
    for clock in complaint.deadlines:
        if clock.running:
            clock.ended_at, clock.next_alert_at = at, None


def pause(complaint: Complaint) -> None:
    clock = deadline(complaint, DeadlineKind.DECISION)
    if clock is not None:
        clock.next_alert_at = None


def resume(complaint: Complaint, paused_for: timedelta, now: datetime) -> None:
    """Time spent on an outside appraisal does not count: the clock moves on by as much."""
    clock = deadline(complaint, DeadlineKind.DECISION)
    if clock is not None and clock.running:
        clock.starts_at += paused_for
        clock.due_at += paused_for
        reschedule(clock, now)


def set_due(clock: ComplaintDeadline, due_at: datetime, now: datetime, *, starts_at: datetime | None = None) -> None:
    """A new due time (an extension; new facts restart the clock): its reminders count to the new time."""
    if starts_at is not None:
        clock.starts_at, clock.met_at, clock.last_alert = starts_at, None, None
    clock.due_at = due_at
    reschedule(clock, now)


def reschedule(clock: ComplaintDeadline, now: datetime) -> None:
    clock.next_alert_at = next((at for _stage, at in alert_times(clock) if at > now), None)


def alert_times(clock: ComplaintDeadline) -> list[tuple[str, datetime]]:
    """(stage, time) of each reminder, in time order: half, three quarters, an hour before, the deadline.
    A reminder that would fall at the start or together with another is left out (a 10-minute clock has no
    hour-before)."""
    start, due = clock.starts_at, clock.due_at
    times = [(name, start + (due - start) * fraction) for name, fraction in FRACTIONS]
    times += [("hour_before", due - HOUR), (PASSED, due)]
    kept: dict[datetime, str] = {}
    for name, at in sorted(times, key=lambda item: (item[1], item[0] == PASSED)):
        if at > start:
            kept[at] = name  # the same moment twice: the later stage of the two speaks
    return [(name, at) for at, name in sorted(kept.items())]


def _add(complaint: Complaint, kind: DeadlineKind, start: datetime, due: datetime) -> None:
    clock = ComplaintDeadline(branch_id=complaint.branch_id, kind=kind, starts_at=start, due_at=due)
    clock.next_alert_at = alert_times(clock)[0][1]
    complaint.deadlines.append(clock)


# --- the sweep --------------------------------------------------------------------------------------


def sweep(now: datetime) -> int:
    """Tell the owners of what falls due, and the next level of what has passed. Returns how many clocks spoke."""
    claimed = claim_due(ComplaintDeadline.next_alert_at, now, BATCH)
    if not claimed:
        return 0
    clocks = list(
        db.session.scalars(
            select(ComplaintDeadline)
            .options(selectinload(ComplaintDeadline.complaint).selectinload(Complaint.owner))
            .where(ComplaintDeadline.id.in_(claimed))
            .execution_options(populate_existing=True)
        )
    )
    leads = next_level({clock.branch_id for clock in clocks})
    messages: list[Message] = []
    for clock in clocks:
        messages += _speak(clock, now, leads.get(clock.branch_id, []))
    notify_many(messages)
    return len(clocks)


def _speak(clock: ComplaintDeadline, now: datetime, leads: list[User]) -> list[Message]:
    complaint = clock.complaint
    if not clock.running or complaint.paused_at is not None:
        return []
    times = alert_times(clock)
    due = [name for name, at in times if at <= now]
    if not due:  # moved later (resumed, extended) since it was claimed
        reschedule(clock, now)
        return []
    stage = due[-1]  # a late sweep says only the latest
    clock.last_alert = stage
    clock.next_alert_at = next((at for _name, at in times if at > now), None)
    key = f"{clock.id}:{stage}:{clock.due_at.isoformat()}"
    owner = complaint.owner
    if stage != PASSED:
        return [_message(owner, "complaint.due", complaint, clock, now, key)]
    db.session.add(  # on the timeline, without loading the timeline
        ComplaintEvent(
            complaint_id=complaint.id,
            type="deadline_passed",
            note=clock.kind.value,
            details={"deadline": clock.kind.value},
            occurred_at=now,
            recorded_at=now,
        )
    )
    told = {owner.id: owner}
    for person in leads:
        told.setdefault(person.id, person)
    return [_message(person, "complaint.escalated", complaint, clock, now, key) for person in told.values()]


def next_level(branch_ids: set[str]) -> dict[str, list[User]]:
    """Who stands above a complaint's level in the app, per branch: the supervisors (the service quality lead;
    the levels above are reached through them). One query for a sweep's batch."""
    leads: dict[str, list[User]] = {}
    for user in db.session.scalars(
        select(User)
        .where(User.branch_id.in_(branch_ids), User.role == Role.SUPERVISOR, User.active.is_(True))
        .order_by(User.display_name)
    ):
        leads.setdefault(user.branch_id or "", []).append(user)
    return leads


def next_rung(level: Level) -> Level:
    return LADDER[min(LADDER.index(level) + 1, len(LADDER) - 1)]


def _message(person, kind: str, complaint: Complaint, clock: ComplaintDeadline, now: datetime, key: str) -> Message:
    return worded(
        person,
        kind,
        lambda: wording.clock(kind, complaint, clock, now, is_owner=person.id == complaint.owner_id),
        url=f"/#complaints/{complaint.id}",
        ref=("complaint", complaint.id),
        dedupe_key=f"{kind}:{key}:{person.id}",
        tag=f"complaint-{complaint.id}",
        group=lambda: wording.discreet(kind),
    )
