"""A branch's own guide for one business (the defaults live in code: server/guides/defaults.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.extensions import Model
from server.floor.codes import BusinessType


class BusinessGuide(Model):
    __tablename__ = "business_guides"
    __table_args__ = (UniqueConstraint("branch_id", "business_type", name="uq_business_guides_business"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    business_type: Mapped[BusinessType] = mapped_column(code_enum(BusinessType, "guide_business_type"))
    items: Mapped[list] = mapped_column(JSON, default=list)  # [{id, kind, text}], in order
    updated_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
