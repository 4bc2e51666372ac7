"""The WorkLogEntry table: one note in a branch's daily work log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.common.idempotency import ClientCreated
from server.common.types import IdString, UTCDateTime
from server.extensions import Model


class WorkLogEntry(ClientCreated, Model):
    __tablename__ = "work_log_entries"
    __table_args__ = (Index("ix_work_log_entries_branch_occurred", "branch_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    author_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # The author may correct or withdraw a note the same day; a withdrawn note is kept, not listed.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship()
