"""The monthly report to the branch head: the month beside the one before and the same month a year
before, the busiest days and hours, what customers asked for and said, the lobby managers' suggestions, and
the problems still open."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from server.branches.models import Branch
from server.checks.codes import OPEN_FAULT
from server.checks.models import Fault
from server.common.sqltime import local_date, local_hour
from server.complaints.codes import STILL_OPEN
from server.complaints.models import Complaint
from server.extensions import db
from server.floor.models import Visit
from server.reports.daylog import scope_of
from server.reports.figures import counts, period_figures
from server.reports.measures import MEASURES, Scope
from server.reports.periods import Period, month_of
from server.worklog.models import WorkLogEntry

TOP = 5
EXAMPLES = 3
SUGGESTIONS = 50


def month_report(branch: Branch, month: date) -> dict:
    period = month_of(month, branch.timezone)
    scope = scope_of(branch, period)
    return {
        "month": period.label,
        "branch": {"code": branch.code, "name": branch.name},
        "figures": period_figures(scope, with_serials=False),
        "previous": _figures_if_any(branch, period.previous()),
        "year_ago": _figures_if_any(branch, period.year_before()),
        "busiest_days": busiest(scope, local_date(Visit.arrived_at, period.offset_minutes)),
        "busiest_hours": busiest(scope, local_hour(Visit.arrived_at, period.offset_minutes)),
        "opinions": opinions(scope),
        "suggestions": suggestions(scope),
        "open_problems": open_problems(branch.id),
    }


def _figures_if_any(branch: Branch, period: Period) -> dict | None:
    """A past period's figures, or None when the branch kept no records then (before it used the app)."""
    scope = scope_of(branch, period)
    if not counts(scope, ["visits.arrivals"])["visits.arrivals"]:
        return None
    return {"period": period.label, **period_figures(scope, with_serials=False)}


def busiest(scope: Scope, bucket) -> list[dict]:
    """The busiest local days (or hours of the day) by arrivals, busiest first."""
    measure = MEASURES["visits.arrivals"]
    arrivals = func.count().label("arrivals")
    stmt = (
        select(bucket.label("bucket"), arrivals)
        .where(*measure.where(scope))
        .group_by(bucket)
        .order_by(arrivals.desc(), bucket)
        .limit(TOP)
    )
    return [{"at": value, "arrivals": n} for value, n in db.session.execute(stmt)]


def opinions(scope: Scope) -> list[dict]:
    """The complaints and comment-book entries of the month by category (cause), with a few of their words."""
    measure = MEASURES["complaints.received"]
    per_cause = db.session.execute(
        select(Complaint.cause, func.count()).where(*measure.where(scope)).group_by(Complaint.cause)
    ).all()
    ranked = (
        select(
            Complaint.cause.label("cause"),
            Complaint.summary.label("summary"),
            Complaint.received_via.label("via"),
            func.row_number().over(partition_by=Complaint.cause, order_by=Complaint.received_at.desc()).label("rn"),
        )
        .where(*measure.where(scope))
        .subquery()
    )
    examples: dict[str, list[dict]] = {}
    for cause, summary, via, _rn in db.session.execute(select(ranked).where(ranked.c.rn <= EXAMPLES)):
        examples.setdefault(str(cause), []).append({"summary": summary, "received_via": str(via)})
    rows = [{"category": str(c), "count": n, "examples": examples.get(str(c), [])} for c, n in per_cause]
    return sorted(rows, key=lambda row: (-row["count"], row["category"]))


def suggestions(scope: Scope) -> list[dict]:
    """The lobby managers' notes of the month (the work log's problems and suggestions), newest first."""
    measure = MEASURES["worklog.notes"]
    stmt = select(WorkLogEntry).where(*measure.where(scope)).order_by(WorkLogEntry.occurred_at.desc())
    return [
        {"at": e.occurred_at.isoformat(), "author": e.author.display_name, "body": e.body}
        for e in db.session.scalars(stmt.limit(SUGGESTIONS))
    ]


def open_problems(branch_id: str) -> dict:
    complaints = db.session.execute(
        select(Complaint.id, Complaint.summary, Complaint.received_at)
        .where(Complaint.branch_id == branch_id, Complaint.status.in_(STILL_OPEN))
        .order_by(Complaint.received_at)
    ).all()
    faults = db.session.execute(
        select(Fault.id, Fault.symptom, Fault.since)
        .where(Fault.branch_id == branch_id, Fault.status.in_(OPEN_FAULT))
        .order_by(Fault.since)
    ).all()
    return {
        "complaints": [{"id": i, "summary": s, "since": at.isoformat()} for i, s, at in complaints],
        "faults": [{"id": i, "symptom": s, "since": at.isoformat()} for i, s, at in faults],
    }
