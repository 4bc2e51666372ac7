"""Visits (one customer's arrival and path through the lobby), their events, and queue-machine deliveries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.common.clock import utcnow
from server.common.idempotency import ClientCreated
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.customers.models import Customer, Tier
from server.extensions import Model
from server.floor.codes import BusinessType, Channel, EventType, VisitSource, VisitStatus


class Visit(ClientCreated, Model):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_branch_status_arrived", "branch_id", "status", "arrived_at"),
        Index("ix_visits_branch_ticket_arrived", "branch_id", "ticket", "arrived_at"),
        Index("ix_visits_customer_arrived", "customer_id", "arrived_at"),
        # The wait estimate's look back over today and the same hour of past weeks (server/floor/estimate.py),
        # and the reports' month of visits: the columns they read are in the index, so a range of it is all
        # they scan (a third less time for 30,000 visits on SQLite).
        Index(
            "ix_visits_branch_arrived_covering",
            "branch_id",
            "arrived_at",
            "status",
            "wait_seconds",
            "called_at",
            "serving_at",
            "care_given_at",
            "channel",
        ),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    ticket: Mapped[str] = mapped_column(String(16))
    business_type: Mapped[BusinessType] = mapped_column(code_enum(BusinessType, "business_type"))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    customer_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("customers.id"))
    tier: Mapped[Tier] = mapped_column(code_enum(Tier, "visit_tier"), default=Tier.ORDINARY)  # at arrival
    flags: Mapped[list] = mapped_column(JSON, default=list)
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[VisitStatus] = mapped_column(code_enum(VisitStatus, "visit_status"), default=VisitStatus.WAITING)
    channel: Mapped[Channel] = mapped_column(code_enum(Channel, "channel"))
    suggested_channel: Mapped[Channel] = mapped_column(code_enum(Channel, "suggested_channel"))
    triage_rule: Mapped[str] = mapped_column(String(32))
    triage_params: Mapped[dict] = mapped_column(JSON, default=dict)
    override_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[VisitSource] = mapped_column(code_enum(VisitSource, "visit_source"), default=VisitSource.MANUAL)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    serving_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    care_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seconds from arriving to being called (or to leaving, for one who left uncalled); None while waiting.
    # Kept with the row (set on every write, below) so that reports aggregate a number, not two timestamps.
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    logged_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))

    customer: Mapped[Customer | None] = relationship()
    logged_by: Mapped[User | None] = relationship()


@event.listens_for(Visit, "before_insert")
@event.listens_for(Visit, "before_update")
def _keep_wait(_mapper, _connection, visit: Visit) -> None:
    reached = visit.called_at or visit.serving_at or visit.finished_at
    visit.wait_seconds = None if reached is None else round((reached - visit.arrived_at).total_seconds())


class VisitEvent(ClientCreated, Model):
    """One step of a visit's path, as it happened on the floor (or at the queue machine)."""

    __tablename__ = "visit_events"
    __table_args__ = (Index("ix_visit_events_visit_occurred", "visit_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True)
    visit_id: Mapped[str] = mapped_column(IdString, ForeignKey("visits.id"))
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    type: Mapped[EventType] = mapped_column(code_enum(EventType, "visit_event_type"))
    from_status: Mapped[VisitStatus] = mapped_column(code_enum(VisitStatus, "visit_event_from"))
    to_status: Mapped[VisitStatus] = mapped_column(code_enum(VisitStatus, "visit_event_to"))
    channel: Mapped[Channel | None] = mapped_column(code_enum(Channel, "visit_event_channel"))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))

    actor: Mapped[User | None] = relationship()


class QueueDelivery(Model):
    """A webhook call of a branch's queue-ticket machine, kept so that a repeated delivery does nothing twice."""

    __tablename__ = "queue_deliveries"
    __table_args__ = (UniqueConstraint("branch_id", "digest", name="uq_queue_deliveries_branch_digest"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    digest: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(16))
    ticket: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    visit_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("visits.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
