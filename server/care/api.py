"""JSON endpoints of care tasks: the list, done, skipped, and the supervisor's figures for today."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from server.care import service
from server.care.policy import FLOOR_STAFF, TAKERS
from server.care.schemas import DoneIn, SkipIn, tasks_out
from server.common.clock import utcnow
from server.common.errors import ValidationFailed
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import Role

bp = Blueprint("care_api", __name__, url_prefix="/api/v1/care-tasks")
STATES = ("open", "closed")


@bp.get("")
@documented(query={"state": "open or today"})
@require_roles(*FLOOR_STAFF)
def index():
    """`?state=open` (default: today's open tasks, earliest due first) or `closed` (today's, latest first)."""
    state = request.args.get("state", "open")
    if state not in STATES:
        raise ValidationFailed(fields={"state": _("One of: %(boxes)s.", boxes=", ".join(STATES))})
    now = utcnow()
    tasks = service.list_tasks(current_user, state, now)
    return jsonify(tasks=tasks_out(tasks, current_user, now, service.people_ahead(tasks)), state=state)


@bp.get("/<task_id>")
@require_roles(*FLOOR_STAFF)
def read(task_id: str):
    return _one(service.get_task(current_user, task_id))


@bp.post("/<task_id>/done")
@documented(body=DoneIn)
@outbox_write
@require_roles(*FLOOR_STAFF)
@transactional
def done(task_id: str):
    """Care given: `{actions: [...], channel?, note?, occurred_at?}`. Sent again by the outbox → the same task."""
    return _one(service.complete(current_user, task_id, parse_json(DoneIn)))


@bp.post("/<task_id>/skip")
@documented(body=SkipIn)
@outbox_write
@require_roles(*FLOOR_STAFF)
@transactional
def skip(task_id: str):
    """Not done, and why: `{reason: declined / colleague / customer_gone / not_needed, note?}`."""
    return _one(service.skip(current_user, task_id, parse_json(SkipIn)))


@bp.post("/<task_id>/take")
@outbox_write
@require_roles(*TAKERS)
@transactional
def take(task_id: str):
    """ "I'll take it": the task becomes mine (409 task_taken when a colleague already has it)."""
    return _one(service.take(current_user, task_id))


@bp.get("/today")
@require_roles(Role.SUPERVISOR, Role.LOBBY_MANAGER)
def today():
    """Today's care timing (due → done), open and skipped counts, and who waited past the tolerance uncared."""
    return jsonify(service.today_stats(current_user, utcnow()))


def _one(task):
    [out] = tasks_out([task], current_user, utcnow(), service.people_ahead([task]))
    return jsonify(task=out)
