"""The AuditEvent table (append-only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, new_id
from server.extensions import Model


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_branch_at", "branch_id", "at"),
        # The audit screen's filters (one customer's record, one person's actions) and the reveal limit.
        Index("ix_audit_events_subject_at", "subject_type", "subject_id", "at"),
        Index("ix_audit_events_actor_at", "actor_id", "at"),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    branch_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("branches.id"))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
