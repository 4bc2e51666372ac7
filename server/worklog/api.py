"""JSON endpoints of the work log."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from server.common.clock import local_day_start
from server.common.errors import DomainError
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_login
from server.worklog import service
from server.worklog.schemas import WorkLogCorrectionIn, WorkLogEntryIn, entry_out

bp = Blueprint("worklog_api", __name__, url_prefix="/api/v1/worklog")


@bp.post("/entries")
@documented(body=WorkLogEntryIn, answers=(200, 201))
@outbox_write
@require_login
@transactional
def create_entry():
    """Add a note; idempotent on the client-chosen id (201 new, 200 replay, 409 different payload)."""
    data = parse_json(WorkLogEntryIn)
    if current_user.branch_id is None:
        raise DomainError(_("Administrators have no branch work log."), code="no_branch")
    entry, created = service.add_entry(current_user, entry_id=data.id, body=data.body, occurred_at=data.occurred_at)
    return jsonify(entry=entry_out(entry)), 201 if created else 200


@bp.get("/entries")
@require_login
def list_entries():
    """Today's notes of the user's branch (branch local day)."""
    timezone = current_user.branch.timezone if current_user.branch else "Asia/Shanghai"
    entries = service.entries_of_day(current_user, local_day_start(timezone))
    return jsonify(entries=[entry_out(e) for e in entries])


@bp.get("/entries/<entry_id>")
@require_login
def get_entry(entry_id: str):
    """One note of the user's branch."""
    return jsonify(entry=entry_out(service.get_entry(current_user, entry_id)))


@bp.patch("/entries/<entry_id>")
@documented(body=WorkLogCorrectionIn, answers=(200,))
@outbox_write
@require_login
@transactional
def correct_entry(entry_id: str):
    """The author rewords a note of today."""
    entry = service.get_entry(current_user, entry_id)
    return jsonify(entry=entry_out(service.correct_entry(current_user, entry, parse_json(WorkLogCorrectionIn).body)))


@bp.delete("/entries/<entry_id>")
@documented(answers=(200,))
@outbox_write
@require_login
@transactional
def withdraw_entry(entry_id: str):
    """The author withdraws a note of today (kept on record, no longer listed); repeating it changes nothing."""
    entry = service.get_entry(current_user, entry_id)
    return jsonify(entry=entry_out(service.withdraw_entry(current_user, entry)))
