"""A device's push subscription; one user may have several (phone, tablet, desktop)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, new_id
from server.extensions import Model


class PushSubscription(Model):
    __tablename__ = "push_subscriptions"

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The push service's URL for this device; unique: a device that changes hands moves to the new user.
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Refreshed each time the app opens and re-sends it (subscriptions change silently).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
