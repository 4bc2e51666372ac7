"""The Handover table: one end of a shift, what was open then, and its acknowledgement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime
from server.extensions import Model


class Handover(Model):
    __tablename__ = "handovers"
    __table_args__ = (
        Index("ix_handovers_branch_created", "branch_id", "created_at"),
        Index("ix_handovers_to_user", "to_user_id", "acknowledged_at"),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    from_user_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    to_user_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # What was open at the handover, as it stood (complaints, faults, waiting VIPs, referrals, tasks taken).
    items: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledge_note: Mapped[str | None] = mapped_column(Text)
    # What passed to the receiver on acknowledgement, and what could not (a complaint about them).
    taken_over: Mapped[dict | None] = mapped_column(JSON)

    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id])
