"""The steps of a complaint: a note, a contact, hand on, escalate up the ladder, the regulator's extensions and
pause, reply, resolve, withdraw, merge, new facts, close. Each is on the timeline under the client's id."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from server.auth.models import User
from server.auth.service import supervisors
from server.common.clock import utcnow
from server.common.errors import Conflict, ValidationFailed
from server.common.locking import lock
from server.common.roles import Role
from server.complaints import clocks
from server.complaints.codes import LADDER, STILL_OPEN, ActionType, DeadlineKind, Level, Status
from server.complaints.models import Complaint, ComplaintEvent
from server.complaints.policy import check_step, is_about
from server.complaints.schemas import ActionIn
from server.complaints.service import add_event, first_supervisor, get_complaint, staff_member, tell
from server.extensions import db

ALL_DEADLINES = tuple(DeadlineKind)
REPLIED = (DeadlineKind.DECISION, DeadlineKind.PHONE_REPLY, DeadlineKind.CALL_BACK)
CONTACTED = (DeadlineKind.PHONE_REPLY, DeadlineKind.CALL_BACK)


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
    to = staff_member(actor, data.to_user_id, "to_user_id")
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
    tell([to], complaint, "complaint.assigned", now)


def _escalate(actor, complaint, data, when, now) -> None:
    target = data.level or clocks.next_rung(complaint.level)
    step = LADDER.index(target) - LADDER.index(complaint.level)
    if step <= 0:
        raise ValidationFailed(fields={"level": _("Choose a level above the present one.")})
    if step > 1 and not data.note:
        raise ValidationFailed(fields={"note": _("Say why levels are skipped.")})
    if complaint.level == Level.LOBBY_MANAGER:  # the service quality lead (or above) takes it over
        lead = _lead(actor, data.to_user_id, complaint.branch_id)
        if lead.role != Role.SUPERVISOR or is_about(lead, complaint):
            raise ValidationFailed(fields={"to_user_id": _("Choose a supervisor who is not complained about.")})
        complaint.owner = lead
    complaint.level = target
    clocks.meet(complaint, (DeadlineKind.ON_SITE,), when)
    _record(complaint, data, actor, when, to=complaint.owner, level=target, details={"skipped": step - 1})
    tell(supervisors(complaint.branch_id), complaint, "complaint.escalated", now, by=actor)


def _lead(actor: User, chosen_id: str | None, branch_id: str) -> User:
    """Who takes a complaint escalated to the service quality lead: the one chosen, the supervisor escalating
    it, or the branch's first supervisor."""
    if chosen_id:
        return staff_member(actor, chosen_id, "to_user_id")
    return actor if actor.role == Role.SUPERVISOR else first_supervisor(branch_id)


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
    add_event(first, "merged_in", actor, when, note=data.note, details={"from": complaint.id})


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
    add_event(complaint, ActionType.CLOSE, actor, when, note=None)


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


def _record(complaint, data: ActionIn, actor, when, *, to=None, level=None, details=None) -> None:
    """The step on the timeline, under the client's id (so that a retry finds it)."""
    add_event(
        complaint, data.type, actor, when, to=to, level=level, note=data.note, details=details, event_id=data.id.lower()
    )
