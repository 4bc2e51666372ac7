"""JSON and file endpoints of the reports: the day's work log, the monthly report, the records behind a
figure, the performance board and its targets."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from server.audit import service as audit
from server.common.clock import utcnow
from server.common.errors import ValidationFailed
from server.common.http import date_arg, date_value, month_value, outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import BRANCH_STAFF, Role
from server.reports import daylog, documents, performance
from server.reports.daylog import scope_of
from server.reports.measures import MEASURES
from server.reports.month import month_report
from server.reports.periods import PeriodKind, local_today, period_of
from server.reports.records import records
from server.reports.schemas import ReviewIn, SubmitIn, TargetsIn

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1")
WRITERS = (Role.LOBBY_MANAGER, Role.SUPERVISOR)


def _today() -> date:
    return local_today(current_user.home_branch.timezone, utcnow())


def _period_kind() -> PeriodKind:
    raw = request.args.get("period", PeriodKind.DAY.value)
    if raw not in set(PeriodKind):
        raise ValidationFailed(fields={"period": _("One of: day, week, month.")})
    return PeriodKind(raw)


@bp.get("/reports/day")
@documented(query={"date": "YYYY-MM-DD (the branch's date; today by default)"})
@require_roles(*BRANCH_STAFF)
def day():
    """The day's work log: figures (frozen once submitted), notes, customers' needs, late records, versions."""
    return jsonify(daylog.compiled(current_user, date_arg("date", _today())))


@bp.post("/reports/day/<day>/submit")
@documented(body=SubmitIn, answers=(200, 201))
@outbox_write
@require_roles(*WRITERS)
@transactional
def submit(day: str):
    """Submit the day's log (its figures frozen); again with a reason, an amendment (the next version)."""
    data = parse_json(SubmitIn)
    the_day = date_value(day)
    _log, created = daylog.submit(current_user, the_day, log_id=data.id, remarks=data.remarks, reason=data.reason)
    return jsonify(daylog.compiled(current_user, the_day)), 201 if created else 200


@bp.post("/reports/day/<day>/review")
@documented(body=ReviewIn)
@outbox_write
@require_roles(Role.SUPERVISOR)
@transactional
def review(day: str):
    """The supervisor acknowledges the submitted log, or asks for a correction with a note."""
    data = parse_json(ReviewIn)
    the_day = date_value(day)
    daylog.review(current_user, the_day, acknowledge=data.action == "acknowledge", note=data.note)
    return jsonify(daylog.compiled(current_user, the_day))


@bp.get("/reports/records")
@documented(
    query={"measure": "a figure's list, e.g. visits.left", "period": "day, week or month", "date": "YYYY-MM-DD"}
)
@require_roles(*BRANCH_STAFF)
def figure_records():
    """The records a figure counts (the list behind a number of a report)."""
    name = request.args.get("measure", "")
    if name not in MEASURES:
        raise ValidationFailed(fields={"measure": _("Not a figure of the reports.")})
    branch = current_user.home_branch
    period = period_of(_period_kind(), date_arg("date", _today()), branch.timezone)
    rows, total = records(scope_of(branch, period), name)
    return jsonify(measure=name, period=period.label, total=total, records=rows)


@bp.get("/reports/month/<month>")
@documented(query={})
@require_roles(*WRITERS)
def month(month: str):
    """The monthly report (JSON); `.pdf` and `.csv` for the branch head."""
    return jsonify(month_report(current_user.home_branch, month_value(month)))


@bp.get("/reports/month/<month>.pdf")
@documented(query={}, media_type="application/pdf")
@require_roles(*WRITERS)
@transactional
def month_pdf(month: str):
    report = month_report(current_user.home_branch, month_value(month))
    return _file(report, documents.month_pdf(report), "pdf", "application/pdf")


@bp.get("/reports/month/<month>.csv")
@documented(query={}, media_type="text/csv")
@require_roles(*WRITERS)
@transactional
def month_csv(month: str):
    report = month_report(current_user.home_branch, month_value(month))
    return _file(report, documents.month_csv(report).encode("utf-8"), "csv", "text/csv")


def _file(report: dict, body: bytes, extension: str, mimetype: str) -> Response:
    audit.record(
        "report.exported",
        actor=current_user,
        subject_type="branch",
        subject_id=current_user.branch_id,
        branch_id=current_user.branch_id,
        month=report["month"],
        format=extension,
    )
    name = f"lobbypad-{current_user.home_branch.code}-{report['month']}.{extension}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.get("/performance")
@documented(query={"period": "day, week or month", "date": "YYYY-MM-DD"})
@require_roles(*BRANCH_STAFF)
def board():
    """Per person (supervisors: everyone; others: themselves) and branch figures against the targets, with the
    charts' data."""
    return jsonify(performance.board(current_user, _period_kind(), date_arg("date", _today())))


@bp.get("/targets")
@documented(query={"period": "day, week or month"})
@require_roles(*BRANCH_STAFF)
def targets():
    kind = _period_kind()
    return jsonify(period=kind.value, targets=performance.targets_of(current_user.branch_id, kind))


@bp.put("/targets/<period>/<role>")
@documented(body=TargetsIn)
@require_roles(Role.SUPERVISOR)
@transactional
def set_targets(period: str, role: str):
    """The supervisor sets a role's targets for a period kind (a value of null clears one)."""
    if period not in set(PeriodKind) or role not in set(Role):
        raise ValidationFailed(fields={"period": _("One of: day, week, month.")})
    values = performance.set_targets(current_user, PeriodKind(period), Role(role), parse_json(TargetsIn).targets)
    return jsonify(period=period, role=role, targets=values)
