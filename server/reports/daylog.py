"""The day's work log (大堂经理工作日志): compiled from the day's records, reviewed and submitted by the lobby
manager, acknowledged (or sent back) by the supervisor. A submitted version is frozen; an amendment is the
next version with its reason; a record that reaches the server after submission is listed as late."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from server.audit import service as audit
from server.auth.models import User
from server.branches.models import Branch
from server.common.clock import utcnow
from server.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from server.common.locking import lock
from server.common.roles import Role
from server.customers.models import Customer
from server.extensions import db
from server.floor.models import Visit
from server.reports.figures import period_figures
from server.reports.labels import FIGURE_NAMES
from server.reports.measures import FIGURE_MEASURES, Scope
from server.reports.models import DayLog, LogStatus
from server.reports.periods import Period, day_of, local_today
from server.reports.records import late_records
from server.shifts.schemas import handover_out
from server.shifts.service import handovers_of
from server.worklog.models import WorkLogEntry


def scope_of(branch: Branch, period: Period) -> Scope:
    return Scope(branch.id, period.start_utc, period.end_utc, branch.settings.wait_tolerance_minutes * 60)


def compiled(actor: User, day: date) -> dict:
    """The day's log: live figures until submitted, then the latest version's frozen figures, with what
    arrived after it."""
    branch = _branch_of(actor)
    _check_day(branch, day)
    scope = scope_of(branch, day_of(day, branch.timezone))
    versions = _versions(branch.id, day)
    latest = versions[-1] if versions else None
    return {
        "date": day.isoformat(),
        "status": latest.status.value if latest else "draft",
        "figures": latest.figures if latest else period_figures(scope, with_serials=True),
        "traces": FIGURE_MEASURES,
        "shown": list(FIGURE_NAMES),  # the figures in the order the log lists them
        "notes": _notes(scope),
        "needs": _needs(scope),
        "late": late_records(scope, latest.submitted_at) if latest else [],
        # The shift handovers of the day (交接班) belong to its log.
        "handovers": [handover_out(h) for h in handovers_of(branch.id, scope.start, scope.end)],
        "versions": [_version_out(v) for v in reversed(versions)],
        "allowed_actions": _allowed(actor, latest),
    }


def submit(actor: User, day: date, *, log_id: str, remarks: str, reason: str | None) -> tuple[DayLog, bool]:
    """Freeze the day's figures as the next version. The first needs no reason; an amendment does."""
    branch = _branch_of(actor)
    _check_day(branch, day)
    lock(branch)  # two phones submitting at once: versions stay 1, 2, 3
    replay = db.session.get(DayLog, log_id)
    if replay is not None:
        if replay.branch_id != branch.id or replay.day != day:
            raise Conflict(_("This id belongs to another log."), code="id_conflict")
        return replay, False
    versions = _versions(branch.id, day)
    if versions and not reason:
        raise Conflict(
            _("This day's log was submitted already: an amendment needs its reason."), code="amendment_needs_reason"
        )
    log = DayLog(
        id=log_id,
        branch_id=branch.id,
        day=day,
        version=len(versions) + 1,
        figures=period_figures(scope_of(branch, day_of(day, branch.timezone)), with_serials=True),
        remarks=remarks,
        reason=reason if versions else None,
        submitted_by_id=actor.id,
        submitted_at=utcnow(),
    )
    db.session.add(log)
    db.session.flush()
    audit.record("day_log.submit", actor=actor, subject_type="day_log", subject_id=log.id, branch_id=branch.id)
    return log, True


def review(actor: User, day: date, *, acknowledge: bool, note: str | None) -> DayLog:
    """The supervisor acknowledges the latest version, or asks for a correction (with a note)."""
    versions = _versions(_branch_of(actor).id, day)
    if not versions:
        raise NotFound(_("Nothing was submitted for this day yet."), code="not_submitted")
    latest = versions[-1]
    lock(latest)
    status = LogStatus.ACKNOWLEDGED if acknowledge else LogStatus.CORRECTION_ASKED
    if latest.status == status and latest.review_note == note:
        return latest  # a replay
    if not acknowledge and not note:
        raise ValidationFailed(_("Say what needs correcting."), code="note_required")
    latest.status, latest.review_note = status, note
    latest.reviewed_by_id, latest.reviewed_at = actor.id, utcnow()
    audit.record(
        "day_log." + status.value, actor=actor, subject_type="day_log", subject_id=latest.id, branch_id=latest.branch_id
    )
    return latest


def _versions(branch_id: str, day: date) -> list[DayLog]:
    stmt = select(DayLog).where(DayLog.branch_id == branch_id, DayLog.day == day).order_by(DayLog.version)
    return list(db.session.scalars(stmt))


def _branch_of(actor: User) -> Branch:
    if actor.branch is None:
        raise DomainError(_("Administrators have no branch work log."), code="no_branch")
    return actor.branch


def _check_day(branch: Branch, day: date) -> None:
    if day > local_today(branch.timezone, utcnow()):
        raise ValidationFailed(_("That day has not come yet."), code="future_day")


def _notes(scope: Scope) -> list[dict]:
    stmt = (
        select(WorkLogEntry)
        .where(
            WorkLogEntry.branch_id == scope.branch_id,
            WorkLogEntry.occurred_at >= scope.start,
            WorkLogEntry.occurred_at < scope.end,
            WorkLogEntry.withdrawn_at.is_(None),
        )
        .order_by(WorkLogEntry.occurred_at)
    )
    return [
        {"id": e.id, "at": e.occurred_at.isoformat(), "body": e.body, "author": e.author.display_name}
        for e in db.session.scalars(stmt)
    ]


def _needs(scope: Scope) -> list[dict]:
    """The needs noted on the cards of the customers who came that day."""
    visited = select(Visit.customer_id).where(
        Visit.branch_id == scope.branch_id, Visit.arrived_at >= scope.start, Visit.arrived_at < scope.end
    )
    stmt = (
        select(Customer.id, Customer.family_name, Customer.honorific, Customer.needs)
        .where(Customer.id.in_(visited), Customer.needs != "", Customer.erased_at.is_(None))
        .order_by(Customer.family_name)
    )
    return [
        {"customer_id": cid, "name": honorific or family, "needs": needs}
        for cid, family, honorific, needs in db.session.execute(stmt)
    ]


def _version_out(log: DayLog) -> dict:
    return {
        "id": log.id,
        "version": log.version,
        "status": log.status.value,
        "remarks": log.remarks,
        "reason": log.reason,
        "figures": log.figures,
        "submitted_by": {"id": log.submitted_by_id, "display_name": log.submitted_by.display_name},
        "submitted_at": log.submitted_at.isoformat(),
        "reviewed_by": log.reviewed_by.display_name if log.reviewed_by else None,
        "reviewed_at": log.reviewed_at.isoformat() if log.reviewed_at else None,
        "review_note": log.review_note,
    }


def _allowed(actor: User, latest: DayLog | None) -> list[str]:
    actions = []
    if actor.role in (Role.LOBBY_MANAGER, Role.SUPERVISOR):
        actions.append("amend" if latest else "submit")
    if actor.role == Role.SUPERVISOR and latest is not None:
        actions.append("review")
    return actions
