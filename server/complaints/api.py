"""JSON endpoints of complaints: capture, the lists, one complaint with its timeline, its steps, the day's
counts and the regulatory export."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from server.audit import service as audit
from server.auth.labels import ROLE_NAMES
from server.auth.service import list_users
from server.common.clock import local_day_start, utcnow
from server.common.errors import ValidationFailed
from server.common.http import date_arg, outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import BRANCH_STAFF, Role
from server.complaints import service, steps
from server.complaints.export import complaints_csv
from server.complaints.schemas import ActionIn, ComplaintIn, complaint_brief, complaint_out

bp = Blueprint("complaints_api", __name__, url_prefix="/api/v1/complaints")
EXPORT_MAX_DAYS = 366


@bp.post("")
@documented(body=ComplaintIn, answers=(200, 201))
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def create():
    """Capture a complaint; the one who captures it owns it. Idempotent on the client's id."""
    complaint, created = service.capture(current_user, parse_json(ComplaintIn))
    return jsonify(complaint=complaint_out(complaint, current_user, utcnow(), timeline=True)), 201 if created else 200


@bp.get("")
@documented(query={"status": "open (not closed, withdrawn or merged) or all", "mine": "1: the ones I own"})
@require_roles(*BRANCH_STAFF)
def index():
    """The branch's complaints (or mine), the soonest deadline first: the first 100 (`more`: there are more)."""
    status = request.args.get("status", "open")
    if status not in ("open", "all"):
        raise ValidationFailed(fields={"status": _("One of: %(boxes)s.", boxes="open, all")})
    mine = request.args.get("mine") == "1"
    rows = service.list_complaints(current_user, open_only=status == "open", mine=mine, limit=service.LIST_LIMIT + 1)
    now = utcnow()
    shown = rows[: service.LIST_LIMIT]
    return jsonify(
        complaints=[complaint_brief(line, clocks, now) for line, clocks in shown], more=len(rows) > len(shown)
    )


@bp.get("/day")
@documented(query={"date": "YYYY-MM-DD, the branch's day (default today)"})
@require_roles(*BRANCH_STAFF)
def day():
    """The day's complaints counted by channel, by each axis of JR/T 0169 and by status."""
    today = local_day_start(current_user.home_branch.timezone).date()
    return jsonify(service.day_counts(current_user, date_arg("date", today)))


@bp.get("/staff")
@require_roles(*BRANCH_STAFF)
def staff():
    """The branch's staff: whom a complaint may be about, or handed to."""
    people = [u for u in list_users(current_user.branch_id) if u.active]
    return jsonify(
        staff=[
            {"id": u.id, "display_name": u.display_name, "role": u.role.value, "role_name": str(ROLE_NAMES[u.role])}
            for u in sorted(people, key=lambda u: (u.role != Role.SUPERVISOR, u.display_name))
        ]
    )


@bp.get("/export.csv")
@documented(query={"from": "YYYY-MM-DD", "to": "YYYY-MM-DD (at most a year after from)"}, media_type="text/csv")
@require_roles(Role.SUPERVISOR)
@transactional
def export():
    """The regulatory export of a date range (the branch's dates), as CSV for Excel; audited."""
    today = local_day_start(current_user.home_branch.timezone).date()
    first, last = date_arg("from", today), date_arg("to", today)
    if last < first or last - first > timedelta(days=EXPORT_MAX_DAYS):
        raise ValidationFailed(fields={"to": _("From 0 to 366 days after the first date.")})
    text, count = complaints_csv(current_user.branch_id, current_user.home_branch.timezone, first, last, utcnow())
    audit.record(
        "complaint.exported",
        actor=current_user,
        subject_type="branch",
        subject_id=current_user.branch_id,
        branch_id=current_user.branch_id,
        first=first.isoformat(),
        last=last.isoformat(),
        complaints=count,
    )
    name = f"complaints-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.get("/<complaint_id>")
@require_roles(*BRANCH_STAFF)
def show(complaint_id: str):
    """One complaint with its clocks and its timeline."""
    return _answer(service.get_complaint(current_user, complaint_id))


@bp.post("/<complaint_id>/actions")
@documented(body=ActionIn)
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def act(complaint_id: str):
    """One step: a note, a contact, hand on, escalate, extend, pause, resume, reply, resolve, withdraw, merge,
    new facts, close. A retry with the same step id is answered as the first."""
    return _answer(steps.act(current_user, complaint_id, parse_json(ActionIn)))


def _answer(complaint):
    out = complaint_out(complaint, current_user, utcnow(), timeline=True)
    return jsonify(complaint=out, timeline=out["timeline"])
