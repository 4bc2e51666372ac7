"""The live channel (an open app fetches what it has not shown yet, where Web Push cannot reach) and the
test notification."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from server.common.clock import utcnow
from server.common.http import outbox_write, parse_json, time_arg, transactional
from server.common.openapi import documented
from server.common.policy import require_login, require_roles
from server.common.roles import BRANCH_STAFF
from server.notifications.service import live_notifications, send_test
from server.push.schemas import PushTestIn
from server.push.service import devices

bp = Blueprint("notifications_api", __name__, url_prefix="/api/v1")


@bp.get("/notifications")
@documented(query={"after": "created_at of the last notification shown (ISO 8601 with time zone)"})
@require_login
@transactional
def live():
    """`?after=<created_at of the last one shown>` → {notifications: [payload + id, created_at], now}."""
    now = utcnow()
    found = live_notifications(current_user, now, time_arg("after"))
    return jsonify(
        notifications=[{**n.payload, "id": n.id, "created_at": n.created_at.isoformat()} for n in found],
        now=now.isoformat(),
    )


@bp.post("/push/test")
@documented(body=PushTestIn, answers=(202,))
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def test_notification():
    """A test notification to every device of the user (Web Push, the live channel, as the branch chooses)."""
    send_test(current_user, parse_json(PushTestIn).id.lower())
    return jsonify(queued=True, devices=devices(current_user)), 202
