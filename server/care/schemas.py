"""Shapes of the care-task API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from server.auth.models import User
from server.care.labels import SKIP_NAMES
from server.care.models import ACTIONS_BY_KIND, CareAction, CareTask, SkipReason
from server.care.policy import task_actions
from server.care.wording import wording
from server.common.fields import ClientTime
from server.common.i18n import resolved
from server.customers.schemas import greeting_name
from server.floor.codes import Channel

USER_SKIP_REASONS = tuple(r for r in SkipReason if r != SkipReason.VISIT_MOVED_ON)


class DoneIn(BaseModel):
    """Care given: what was done; `channel` when the customer was moved (second triage)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    actions: list[CareAction] = Field(min_length=1, max_length=len(CareAction))
    channel: Channel | None = None
    note: str | None = Field(None, max_length=500)
    # With `forms_checked`: the lines of the business's guide (GET /api/v1/guides) the customer had.
    checked: list[Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]] = Field(default_factory=list, max_length=30)
    # With `product_introduced`: which of the branch's products of the month (GET /api/v1/campaigns).
    product: str | None = Field(None, min_length=1, max_length=60)
    occurred_at: ClientTime | None = None

    @field_validator("actions")
    @classmethod
    def unique(cls, value: list[CareAction]) -> list[CareAction]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def move_needs_channel(self) -> DoneIn:
        if (CareAction.MOVED_CHANNEL in self.actions) != (self.channel is not None):
            raise PydanticCustomError("move_needs_channel", _("Say which channel the customer was moved to."))
        if self.product and CareAction.PRODUCT_INTRODUCED not in self.actions:
            raise PydanticCustomError("product_needs_introduced", _("A product is named with “product introduced”."))
        if self.checked and CareAction.FORMS_CHECKED not in self.actions:
            raise PydanticCustomError("checked_needs_forms", _("Lines are checked with “forms checked”."))
        return self


class SkipIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: SkipReason
    note: str | None = Field(None, max_length=500)
    occurred_at: ClientTime | None = None

    @field_validator("reason")
    @classmethod
    def chosen_by_people(cls, value: SkipReason) -> SkipReason:
        if value not in USER_SKIP_REASONS:
            raise PydanticCustomError("reserved_reason", _("Only the system sets this reason."))
        return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def tasks_out(tasks: list[CareTask], reader: User, now: datetime, ahead: dict[str, int]) -> list[dict]:
    """The tasks as `reader` sees them; `ahead`: visit id → people ahead (one query for the whole list)."""
    return [task_out(task, reader, now, ahead[task.visit_id]) for task in tasks]


def task_out(task: CareTask, reader: User, now: datetime, ahead: int) -> dict:
    """Codes only: the app words them from its catalog (care_kind.*, care_action.*, care_skip.*); the title and
    body are the notification's own words."""
    visit = task.visit
    title, body = wording(task, now, ahead)
    return {
        "id": task.id,
        "kind": task.kind.value,
        "status": task.status.value,
        "round": task.round,
        "title": title,
        "body": body,
        "tag": task.tag,
        "due_at": task.due_at.isoformat(),
        "opened_at": _iso(task.opened_at),
        "reminders": task.reminders,
        "assignee_id": task.assignee_id,
        "assignee": {"id": task.assignee.id, "display_name": task.assignee.display_name} if task.assignee else None,
        "done_at": _iso(task.done_at),
        "done_by": {"id": task.done_by.id, "display_name": task.done_by.display_name} if task.done_by else None,
        "actions": list(task.actions or []),
        "checked": list(task.checked or []),
        "product": task.product,
        "skip_reason": task.skip_reason.value if task.skip_reason else None,
        "note": task.note,
        "allowed_actions": task_actions(reader, task),
        "visit": {
            "id": visit.id,
            "ticket": visit.ticket,
            "status": visit.status.value,
            "business_type": visit.business_type.value,
            "amount": float(visit.amount) if visit.amount is not None else None,
            "channel": visit.channel.value,
            "arrived_at": visit.arrived_at.isoformat(),
            "customer": (
                {"id": visit.customer.id, "greeting_name": greeting_name(visit.customer)} if visit.customer else None
            ),
        },
    }


def skip_choices() -> list[dict]:
    names = resolved(SKIP_NAMES)
    return [{"code": r.value, "name": names[r]} for r in USER_SKIP_REASONS]


def care_catalog() -> dict:
    """What the care sheet offers, offline too: the actions of each kind of task, and why one may skip
    (their names are in the JS catalog, server/care/labels.py)."""
    return {
        "choices": {k.value: [a.value for a in choices] for k, choices in ACTIONS_BY_KIND.items()},
        "skip_reasons": skip_choices(),
    }
