"""Referral and its timeline."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.branches.models import Branch
from server.common.clock import utcnow
from server.common.idempotency import ClientCreated
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.customers.models import Customer
from server.extensions import Model


class Urgency(StrEnum):
    NOW = "now"  # the customer is in the lobby and has time: the account manager comes now
    FOLLOW_UP = "follow_up"  # the customer had no time: call back by the due date


class ReferralStatus(StrEnum):
    SENT = "sent"
    ESCALATED = "escalated"  # nobody accepted in time: sent on to the next account manager
    ACCEPTED = "accepted"
    DECLINED = "declined"  # back with the lobby manager, who chooses someone else
    MET = "met"
    OUTCOME_RECORDED = "outcome_recorded"
    CANCELLED = "cancelled"


OPEN = (ReferralStatus.SENT, ReferralStatus.ESCALATED, ReferralStatus.ACCEPTED, ReferralStatus.MET)
AWAITING_ANSWER = (ReferralStatus.SENT, ReferralStatus.ESCALATED)


class Outcome(StrEnum):
    BECAME_VIP = "became_vip"
    PRODUCT_SOLD = "product_sold"
    FOLLOW_UP_BOOKED = "follow_up_booked"
    NOT_INTERESTED = "not_interested"
    UNREACHABLE = "unreachable"


class CallResult(StrEnum):
    """How a call-back went (the account manager's call list)."""

    BOOKED = "reached_booked"  # reached, and a meeting booked
    NOT_INTERESTED = "reached_not_interested"
    NOT_REACHED = "not_reached"  # try again the next business day


class Referral(ClientCreated, Model):
    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_status_answer_by", "status", "answer_by"),
        Index("ix_referrals_to_status", "to_user_id", "status"),
        Index("ix_referrals_status_due", "status", "due_at"),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    customer_id: Mapped[str] = mapped_column(IdString, ForeignKey("customers.id"))
    from_user_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    to_user_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    signals: Mapped[list] = mapped_column(JSON, default=list)
    location: Mapped[str | None] = mapped_column(String(60))
    best_time: Mapped[str | None] = mapped_column(String(60))  # when the customer would like the call-back
    urgency: Mapped[Urgency] = mapped_column(code_enum(Urgency, "referral_urgency"))
    status: Mapped[ReferralStatus] = mapped_column(
        code_enum(ReferralStatus, "referral_status"), default=ReferralStatus.SENT
    )
    # `now`: the assignee must accept by this time or it escalates; `follow_up`: when the call is due.
    answer_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    eta_minutes: Mapped[int | None] = mapped_column(Integer)
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[Outcome | None] = mapped_column(code_enum(Outcome, "referral_outcome"))
    product: Mapped[str | None] = mapped_column(String(120))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch] = relationship()
    customer: Mapped[Customer] = relationship()
    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])
    events: Mapped[list[ReferralEvent]] = relationship(order_by="ReferralEvent.occurred_at", back_populates="referral")
    # Saved with the referral (one insert, one transaction): the card handed out with a follow-up.
    handouts = relationship("CardHandout", back_populates="referral")


class ReferralEvent(Model):
    """One step of a referral's timeline: who did what, to whom, when."""

    __tablename__ = "referral_events"
    __table_args__ = (Index("ix_referral_events_referral_occurred", "referral_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(IdString, ForeignKey("referrals.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))  # None: the system (a sweep)
    to_user_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])
