"""Writing audit events; callers' transactions commit them together with the change."""

from __future__ import annotations

from server.audit.models import AuditEvent
from server.extensions import db


def record(
    action: str,
    *,
    actor=None,
    subject_type: str,
    subject_id: str | None = None,
    branch_id: str | None = None,
    reason: str | None = None,
    **details,
) -> AuditEvent:
    """Add an audit event to the current transaction (flush only)."""
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        branch_id=branch_id,
        subject_type=subject_type,
        subject_id=subject_id,
        reason=reason,
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    return event
