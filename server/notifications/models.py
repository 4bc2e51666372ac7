"""The outbox: a notification per (event, recipient), and a delivery per channel and device."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.extensions import Model


class Channel(StrEnum):
    WEBPUSH = "webpush"  # the device's push service, in the background
    LIVE = "live"  # an open app polling for its notifications (no push service needed)
    WECOM = "wecom"  # the branch's Enterprise WeChat group robot (a message in Chinese with a link)


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # due at next_attempt_at
    SENDING = "sending"  # claimed by a worker until claimed_until (then claimable again)
    SENT = "sent"  # accepted by the push service / webhook, or fetched by the open app
    GONE = "gone"  # the subscription is dead (404/410): deleted, nothing more to do
    FAILED = "failed"  # gave up after the last retry: the sender is told the recipient was not reached


class Notification(Model):
    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    recipient_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # The push payload of the API contract: {kind, title, body, url, tag, ref: {type, id}}.
    payload: Mapped[dict] = mapped_column(JSON)
    # One event notifies a recipient once, however often the code that raises it runs.
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    ttl_seconds: Mapped[int] = mapped_column(Integer)
    # The Enterprise WeChat group's message: always Chinese, names the recipient, links to the record.
    group_text: Mapped[str | None] = mapped_column(Text)
    ref_type: Mapped[str | None] = mapped_column(String(20))
    ref_id: Mapped[str | None] = mapped_column(IdString)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list[Delivery]] = relationship(back_populates="notification", order_by="Delivery.created_at")

    __table_args__ = (
        Index("ix_notifications_recipient_created", "recipient_id", "created_at"),
        Index("ix_notifications_ref", "ref_type", "ref_id"),
    )


class Delivery(Model):
    __tablename__ = "notification_deliveries"

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    notification_id: Mapped[str] = mapped_column(IdString, ForeignKey("notifications.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(code_enum(Channel, "delivery_channel"))
    # Web Push: the subscription's id (a plain id: a dead subscription is deleted, its history is not);
    # the other channels have one target each: "app" (live: any open app of the recipient), "group" (wecom).
    target: Mapped[str] = mapped_column(String(36))
    status: Mapped[DeliveryStatus] = mapped_column(
        code_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notification: Mapped[Notification] = relationship(back_populates="deliveries")

    __table_args__ = (
        # A notification reaches a device (or a channel) once: the dedupe the worker relies on.
        UniqueConstraint("notification_id", "channel", "target", name="uq_deliveries_once"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )
