"""The submitted work logs (frozen figures, versioned) and the supervisors' targets."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.extensions import Model


class LogStatus(StrEnum):
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    CORRECTION_ASKED = "correction_asked"  # the supervisor asked for an amendment (with a note)


class DayLog(Model):
    """One submitted version of a branch's work log for a local day. Never changed once written but for the
    supervisor's review: an amendment is the next version, with its reason."""

    __tablename__ = "day_logs"
    __table_args__ = (UniqueConstraint("branch_id", "day", "version", name="uq_day_logs_branch_day_version"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    day: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict] = mapped_column(JSON)  # as they stood when submitted
    remarks: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str | None] = mapped_column(Text)  # why this amendment (None for the first version)
    status: Mapped[LogStatus] = mapped_column(code_enum(LogStatus, "day_log_status"), default=LogStatus.SUBMITTED)
    submitted_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)

    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class Target(Model):
    """What the supervisor expects of each person of a role in a period (per day, week or month)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("branch_id", "role", "period", "metric", name="uq_targets_branch_role"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    role: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(8))
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    set_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
