"""A care task: something a lobby manager must do for a customer on the floor, and when it fell due."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.extensions import Model
from server.floor.models import Visit


class CareKind(StrEnum):
    WAIT_CARE = "wait_care"  # waited past the tolerance: water, newspaper, tell them how many are ahead…
    VIP_LOUNGE = "vip_lounge"  # a VIP not served at once: to the VIP lounge, tea
    GREEN_CHANNEL = "green_channel"  # elderly, disabled, urgent: accompany now
    VIP_SEE_OFF = "vip_see_off"  # a VIP's business is done: see them to the door
    CASH_ESCORT = "cash_escort"  # a large cash withdrawal is done: escort out or to the car
    REROUTE = "reroute"  # sent to self-service, and every machine that can do their business broke: to the counter


class CareStatus(StrEnum):
    SCHEDULED = "scheduled"  # not due yet: nobody sees it; the sweep opens it at due_at
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


class CareAction(StrEnum):
    """What was done (domain.md, steps 3, 5 and 7)."""

    WATER = "water"
    NEWSPAPER = "newspaper"
    BROCHURE = "brochure"
    FORMS_CHECKED = "forms_checked"
    TOLD_AHEAD = "told_ahead"
    MOVED_CHANNEL = "moved_channel"  # second triage: the visit goes to another channel
    PRODUCT_INTRODUCED = "product_introduced"
    ACCOMPANIED = "accompanied"
    LOUNGE_TEA = "lounge_tea"
    NEEDS_CHECKED = "needs_checked"  # asked whether they need anything else
    SEEN_TO_DOOR = "seen_to_door"
    ESCORTED_OUT = "escorted_out"
    ESCORTED_TO_CAR = "escorted_to_car"


# The choices offered for each kind, in the order the app shows them.
ACTIONS_BY_KIND: dict[CareKind, tuple[CareAction, ...]] = {
    CareKind.WAIT_CARE: (
        CareAction.WATER,
        CareAction.NEWSPAPER,
        CareAction.BROCHURE,
        CareAction.FORMS_CHECKED,
        CareAction.TOLD_AHEAD,
        CareAction.MOVED_CHANNEL,
        CareAction.PRODUCT_INTRODUCED,
    ),
    CareKind.VIP_LOUNGE: (CareAction.ACCOMPANIED, CareAction.LOUNGE_TEA, CareAction.PRODUCT_INTRODUCED),
    CareKind.GREEN_CHANNEL: (CareAction.ACCOMPANIED, CareAction.FORMS_CHECKED, CareAction.MOVED_CHANNEL),
    CareKind.VIP_SEE_OFF: (CareAction.NEEDS_CHECKED, CareAction.SEEN_TO_DOOR),
    CareKind.CASH_ESCORT: (CareAction.ESCORTED_OUT, CareAction.ESCORTED_TO_CAR),
    CareKind.REROUTE: (CareAction.MOVED_CHANNEL, CareAction.TOLD_AHEAD),
}


class SkipReason(StrEnum):
    DECLINED = "declined"  # the customer did not want it
    COLLEAGUE = "colleague"  # a colleague took care of it
    CUSTOMER_GONE = "customer_gone"
    NOT_NEEDED = "not_needed"
    VISIT_MOVED_ON = "visit_moved_on"  # the system: the customer was called or left before anyone came


class CareTask(Model):
    __tablename__ = "care_tasks"
    __table_args__ = (
        # A task (and each waiting-care round) exists once, however many workers sweep at once.
        UniqueConstraint("visit_id", "kind", "round", name="uq_care_tasks_visit_kind_round"),
        # The sweep's three look-ups, each a range scan of only the rows it may act on.
        Index(
            "ix_care_tasks_scheduled_due",
            "due_at",
            sqlite_where=text("status = 'scheduled'"),
            postgresql_where=text("status = 'scheduled'"),
        ),
        Index(
            "ix_care_tasks_reminder",
            "next_reminder_at",
            sqlite_where=text("next_reminder_at IS NOT NULL"),
            postgresql_where=text("next_reminder_at IS NOT NULL"),
        ),
        Index(
            "ix_care_tasks_alert",
            "alert_at",
            sqlite_where=text("alert_at IS NOT NULL"),
            postgresql_where=text("alert_at IS NOT NULL"),
        ),
        Index("ix_care_tasks_branch_status_due", "branch_id", "status", "due_at"),
        Index("ix_care_tasks_visit", "visit_id"),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    visit_id: Mapped[str] = mapped_column(IdString, ForeignKey("visits.id"))
    kind: Mapped[CareKind] = mapped_column(code_enum(CareKind, "care_kind"))
    round: Mapped[int] = mapped_column(Integer, default=1)  # waiting care comes round again while they wait
    status: Mapped[CareStatus] = mapped_column(code_enum(CareStatus, "care_status"), default=CareStatus.SCHEDULED)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Waiting care: while open, remind again at this time; the supervisor hears of a long wait at alert_at.
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assignee_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))  # None: on-duty lobby managers
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    actions: Mapped[list] = mapped_column(JSON, default=list)
    checked: Mapped[list] = mapped_column(JSON, default=list)  # the guide's lines checked (forms_checked)
    product: Mapped[str | None] = mapped_column(String(60))  # the product of the month introduced
    skip_reason: Mapped[SkipReason | None] = mapped_column(code_enum(SkipReason, "care_skip_reason"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    @property
    def tag(self) -> str:
        """The notification tag: every push about this care (and the phone's offline reminder) replaces the last."""
        return notification_tag(self.kind, self.visit_id)


def notification_tag(kind: CareKind, visit_id: str) -> str:
    return f"care-{kind.value}-{visit_id}"
