"""Complaint, its deadlines (each clock a row the worker's sweep finds by index) and its timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.branches.models import Branch
from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.complaints.codes import (
    AroseAt,
    Business,
    Cause,
    CustomerResponse,
    DeadlineKind,
    Level,
    ReceivedVia,
    ReplyHow,
    Severity,
    Status,
)
from server.customers.models import Customer
from server.extensions import Model
from server.floor.models import Visit


class Complaint(Model):
    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_branch_status_received", "branch_id", "status", "received_at"),
        Index("ix_complaints_owner_status", "owner_id", "status"),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    payload_hash: Mapped[str] = mapped_column(String(64))
    received_via: Mapped[ReceivedVia] = mapped_column(code_enum(ReceivedVia, "complaint_received_via"))
    # When the bank received it (the device's time: the clocks start here) and when the server heard of it.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    asks: Mapped[str | None] = mapped_column(Text)  # what the customer asks for
    customer_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("customers.id"))
    visit_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("visits.id"))
    waited_minutes: Mapped[int | None] = mapped_column(Integer)  # the visit's wait, as it stood when received
    about_staff_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    about_staff_name: Mapped[str | None] = mapped_column(String(80))  # someone without an account (a teller)
    severity: Mapped[Severity] = mapped_column(code_enum(Severity, "complaint_severity"), default=Severity.NORMAL)
    arose_at: Mapped[AroseAt] = mapped_column(code_enum(AroseAt, "complaint_arose_at"))
    business: Mapped[Business] = mapped_column(code_enum(Business, "complaint_business"))
    cause: Mapped[Cause] = mapped_column(code_enum(Cause, "complaint_cause"))
    status: Mapped[Status] = mapped_column(code_enum(Status, "complaint_status"), default=Status.OPEN)
    level: Mapped[Level] = mapped_column(code_enum(Level, "complaint_level"))
    owner_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    created_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # waiting for an outside appraisal
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("complaints.id"))
    # The outcome.
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_how: Mapped[ReplyHow | None] = mapped_column(code_enum(ReplyHow, "complaint_reply_how"))
    resolution: Mapped[str | None] = mapped_column(Text)
    customer_response: Mapped[CustomerResponse | None] = mapped_column(
        code_enum(CustomerResponse, "complaint_customer_response")
    )
    root_cause: Mapped[str | None] = mapped_column(Text)
    fix: Mapped[str | None] = mapped_column(Text)
    valid: Mapped[bool | None] = mapped_column(Boolean)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    about_staff: Mapped[User | None] = relationship(foreign_keys=[about_staff_id])
    customer: Mapped[Customer | None] = relationship()
    visit: Mapped[Visit | None] = relationship()
    deadlines: Mapped[list[ComplaintDeadline]] = relationship(
        back_populates="complaint", order_by="ComplaintDeadline.due_at"
    )
    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.occurred_at"
    )


class ComplaintDeadline(Model):
    """One clock of a complaint. `next_alert_at` is when the sweep next has something to say about it (the
    half-way and three-quarter reminders, the hour before, the deadline itself); None when there is nothing
    more: met, ended, paused, or past and told."""

    __tablename__ = "complaint_deadlines"
    __table_args__ = (
        Index("ix_complaint_deadlines_next_alert", "next_alert_at"),
        Index("ix_complaint_deadlines_complaint_due", "complaint_id", "due_at"),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    complaint_id: Mapped[str] = mapped_column(IdString, ForeignKey("complaints.id", ondelete="CASCADE"))
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    kind: Mapped[DeadlineKind] = mapped_column(code_enum(DeadlineKind, "complaint_deadline_kind"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # withdrawn, merged: neither met nor missed
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_alert: Mapped[str | None] = mapped_column(String(20))  # the last stage told (half, …, passed)

    complaint: Mapped[Complaint] = relationship(back_populates="deadlines")

    @property
    def running(self) -> bool:
        return self.met_at is None and self.ended_at is None


class ComplaintEvent(Model):
    """One step of a complaint's timeline: who, when, what, with any note. Its id is the client's (an action
    sent twice by the outbox is one step)."""

    __tablename__ = "complaint_events"
    __table_args__ = (Index("ix_complaint_events_complaint_occurred", "complaint_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    complaint_id: Mapped[str] = mapped_column(IdString, ForeignKey("complaints.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))  # None: the sweep
    to_user_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    level: Mapped[Level | None] = mapped_column(code_enum(Level, "complaint_event_level"))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])
