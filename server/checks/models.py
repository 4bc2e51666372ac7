"""The branch's equipment, its faults, and the checklists with their runs.

A template is versioned: editing one saves a new version, and a run keeps the version it was made from, so
a past run reads as it was ticked. A run's item holds every tick (two phones may tick the same item); the
item's result is its latest tick by the device's time.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.checks.codes import AssetKind, Category, FaultSeverity, FaultStatus, FaultStep, Result
from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.extensions import Model


class Asset(Model):
    """A piece of the branch's equipment ("ATM 2"): its name is the kind's label and number unless renamed."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("branch_id", "kind", "number", name="uq_assets_branch_kind_number"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    kind: Mapped[AssetKind] = mapped_column(code_enum(AssetKind, "asset_kind"))
    number: Mapped[int] = mapped_column(Integer, default=0)  # 0: the branch has one of its kind
    name: Mapped[str | None] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Fault(Model):
    """Something broken, from the moment it is seen to the fix. While open it holds `open_key` (asset and
    symptom): one open fault per asset and symptom, enforced by the database too."""

    __tablename__ = "faults"
    __table_args__ = (
        UniqueConstraint("branch_id", "open_key", name="uq_faults_open_key"),
        Index("ix_faults_branch_status", "branch_id", "status"),
        Index("ix_faults_remind_at", "remind_at"),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    payload_hash: Mapped[str] = mapped_column(String(64))
    asset_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("assets.id"))
    symptom: Mapped[str] = mapped_column(String(200))
    open_key: Mapped[str | None] = mapped_column(String(260))
    severity: Mapped[FaultSeverity] = mapped_column(code_enum(FaultSeverity, "fault_severity"))
    status: Mapped[FaultStatus] = mapped_column(code_enum(FaultStatus, "fault_status"), default=FaultStatus.OPEN)
    since: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was first seen (the device's time)
    reported_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    reported_to: Mapped[str | None] = mapped_column(String(120))  # the maintenance contact or vendor
    vendor_ticket: Mapped[str | None] = mapped_column(String(60))
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fixed_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    # When the supervisors are told it has been open too long (None: told, or fixed first).
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    asset: Mapped[Asset | None] = relationship()
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    fixed_by: Mapped[User | None] = relationship(foreign_keys=[fixed_by_id])
    events: Mapped[list[FaultEvent]] = relationship(back_populates="fault", order_by="FaultEvent.occurred_at")


class FaultEvent(Model):
    """One step of a fault's history, under the client's id (a step sent twice is one)."""

    __tablename__ = "fault_events"
    __table_args__ = (Index("ix_fault_events_fault", "fault_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    fault_id: Mapped[str] = mapped_column(IdString, ForeignKey("faults.id", ondelete="CASCADE"))
    type: Mapped[FaultStep] = mapped_column(code_enum(FaultStep, "fault_step"))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    fault: Mapped[Fault] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()


class ChecklistTemplate(Model):
    """One version of a branch's checklist for a phase (before_opening, after_closing, or the branch's own)."""

    __tablename__ = "checklist_templates"
    __table_args__ = (UniqueConstraint("branch_id", "phase", "version", name="uq_checklist_templates_version"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    phase: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(80))  # a branch's own phase ("Midday"); None: the label
    version: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[TemplateItem]] = relationship(
        back_populates="template", order_by="TemplateItem.position", cascade="all, delete-orphan"
    )


class TemplateItem(Model):
    """A line of a checklist: a seeded one has a `code` (worded in the reader's language) until reworded."""

    __tablename__ = "checklist_items"
    __table_args__ = (Index("ix_checklist_items_template", "template_id", "position"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    template_id: Mapped[str] = mapped_column(IdString, ForeignKey("checklist_templates.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[Category] = mapped_column(code_enum(Category, "check_category"))
    asset_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("assets.id"))

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")
    asset: Mapped[Asset | None] = relationship()


class CheckRun(Model):
    """A day's run of a phase's checklist: one per branch, phase and day (two phones share it)."""

    __tablename__ = "check_runs"
    __table_args__ = (UniqueConstraint("branch_id", "phase", "day", name="uq_check_runs_day"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    template_id: Mapped[str] = mapped_column(IdString, ForeignKey("checklist_templates.id"))
    phase: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    started_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    template: Mapped[ChecklistTemplate] = relationship()
    started_by: Mapped[User] = relationship()
    ticks: Mapped[list[CheckTick]] = relationship(back_populates="run", order_by="CheckTick.occurred_at")


class CheckTick(Model):
    """One phone's answer to one item of a run, under the client's id (sent twice, kept once)."""

    __tablename__ = "check_ticks"
    __table_args__ = (Index("ix_check_ticks_run_item", "run_id", "item_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(IdString, ForeignKey("check_runs.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(IdString, ForeignKey("checklist_items.id"))
    result: Mapped[Result] = mapped_column(code_enum(Result, "check_result"))
    note: Mapped[str | None] = mapped_column(Text)
    fault_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("faults.id"))
    photo_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("check_photos.id"))
    actor_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the device's time: the later tick wins
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    run: Mapped[CheckRun] = relationship(back_populates="ticks")
    actor: Mapped[User] = relationship()


class Photo(Model):
    """A photo taken during a check, re-encoded on arrival (no EXIF, no location) and kept on disk."""

    __tablename__ = "check_photos"

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    payload_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the stored file
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
