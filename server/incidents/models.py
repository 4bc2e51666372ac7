"""Incident and its timeline of actions; lost property left by customers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.extensions import Model
from server.floor.models import Visit


class IncidentKind(StrEnum):
    ILLNESS = "illness"
    LOITERING = "loitering"
    DISORDER = "disorder"
    EQUIPMENT = "equipment"
    OTHER = "other"


class IncidentStep(StrEnum):
    FIRST_AIDER = "first_aider"  # called the branch's first-aider
    CALLED_120 = "called_120"
    CALLED_110 = "called_110"
    INFORMED_FAMILY = "informed_family"
    MOVED_CHANNEL = "moved_channel"  # customer moved to another channel
    ASKED_TO_LEAVE = "asked_to_leave"
    APOLOGISED = "apologised"
    SECURITY = "security"  # called the security guard
    NOTE = "note"
    CLOSE = "close"


class Incident(Model):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_branch_occurred", "branch_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    payload_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[IncidentKind] = mapped_column(code_enum(IncidentKind, "incident_kind"))
    note: Mapped[str | None] = mapped_column(Text)
    visit_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("visits.id"))
    reported_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the device's time
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str | None] = mapped_column(Text)  # what happened, written when closed
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))

    visit: Mapped[Visit | None] = relationship()
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    actions: Mapped[list[IncidentAction]] = relationship(
        back_populates="incident", order_by="IncidentAction.occurred_at"
    )


class IncidentAction(Model):
    """One action taken, under the client's id (an action sent twice is one)."""

    __tablename__ = "incident_actions"
    __table_args__ = (Index("ix_incident_actions_incident", "incident_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(IdString, ForeignKey("incidents.id", ondelete="CASCADE"))
    type: Mapped[IncidentStep] = mapped_column(code_enum(IncidentStep, "incident_step"))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="actions")
    actor: Mapped[User] = relationship()


class LostItem(Model):
    """Something a customer left: kept, handed to the business manager, returned to its owner."""

    __tablename__ = "lost_items"
    __table_args__ = (Index("ix_lost_items_branch_found", "branch_id", "found_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    payload_hash: Mapped[str] = mapped_column(String(64))
    what: Mapped[str] = mapped_column(String(200))
    where_found: Mapped[str] = mapped_column(String(120))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    found_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    kept_where: Mapped[str | None] = mapped_column(String(120))
    handed_to: Mapped[str | None] = mapped_column(String(80))
    returned_to: Mapped[str | None] = mapped_column(String(80))  # the owner's name
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    found_by: Mapped[User] = relationship(foreign_keys=[found_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
