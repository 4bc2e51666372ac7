"""The audit trail for those who oversee: GET /api/v1/audit, newest first, paged (supervisors: their branch;
administrators: every branch)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy import and_, or_, select

from server.audit.models import AuditEvent
from server.auth.models import User
from server.common.http import time_arg
from server.common.openapi import documented
from server.common.policy import require_roles, scoped
from server.common.roles import Role
from server.extensions import db

bp = Blueprint("audit_api", __name__, url_prefix="/api/v1")
PAGE = 50


@bp.get("/audit")
@documented(
    query={
        "customer_id": "one customer's record",
        "user_id": "one person's actions",
        "since": "ISO 8601",
        "before": "the answer's next.before",
        "after_id": "the answer's next.after_id",
    }
)
@require_roles(Role.SUPERVISOR, Role.ADMIN)
def audit_trail():
    """`?customer_id=&user_id=&since=&before=&after_id=` → {events: [{at, actor, action, record, reason}], next}.
    The answer's `next` ({before, after_id}) are the query arguments of the next page, or null."""
    stmt = scoped(select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id), AuditEvent, current_user)
    if customer_id := request.args.get("customer_id"):
        stmt = stmt.where(AuditEvent.subject_type == "customer", AuditEvent.subject_id == customer_id[:64])
    if user_id := request.args.get("user_id"):
        stmt = stmt.where(AuditEvent.actor_id == user_id[:64])
    if since := time_arg("since"):
        stmt = stmt.where(AuditEvent.at >= since)
    if before := time_arg("before"):
        # Keyset paging on (at, id): events of the same instant are neither skipped nor repeated.
        last_id = request.args.get("after_id", "")[:64]
        stmt = stmt.where(or_(AuditEvent.at < before, and_(AuditEvent.at == before, AuditEvent.id < last_id)))
    rows = db.session.execute(stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE + 1)).all()
    events = [
        {
            "at": event.at.isoformat(),
            "actor": {"id": actor.id, "display_name": actor.display_name} if actor else None,
            "action": event.action,
            "record": {"type": event.subject_type, "id": event.subject_id},
            "reason": event.reason,
        }
        for event, actor in rows[:PAGE]
    ]
    last = rows[PAGE - 1][0] if len(rows) > PAGE else None
    return jsonify(events=events, next={"before": last.at.isoformat(), "after_id": last.id} if last else None)
