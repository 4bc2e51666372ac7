"""Shapes of the complaint API: what may come in (a capture, a step) and the complaint that goes out."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from server.common.fields import ClientTime, WrittenReason
from server.common.types import new_id
from server.complaints.codes import (
    STANDARD_NUMBERS,
    ActionType,
    AroseAt,
    Business,
    Cause,
    CustomerResponse,
    Level,
    ReceivedVia,
    ReplyHow,
    Severity,
)
from server.complaints.models import Complaint
from server.complaints.policy import complaint_steps
from server.customers.schemas import UUID_PATTERN, CustomerIn, customer_out

LONG_TEXT = 5000


class ComplaintIn(BaseModel):
    """A complaint as captured: how it came, what happened, the three axes. `contact`: a new customer record
    with only what the customer agreed to give (contact consent needed), instead of a known `customer_id`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    received_via: ReceivedVia
    received_at: ClientTime | None = None
    summary: str = Field(min_length=1, max_length=500)
    details: str | None = Field(None, max_length=LONG_TEXT)
    asks: str | None = Field(None, max_length=1000)
    customer_id: str | None = Field(None, pattern=UUID_PATTERN)
    contact: CustomerIn | None = None
    visit_id: str | None = Field(None, pattern=UUID_PATTERN)
    about_staff_id: str | None = Field(None, pattern=UUID_PATTERN)
    about_staff_name: str | None = Field(None, max_length=80)
    arose_at: AroseAt
    business: Business
    cause: Cause
    severity: Severity = Severity.NORMAL

    @model_validator(mode="after")
    def one_customer(self) -> ComplaintIn:
        if self.customer_id is not None and self.contact is not None:
            raise PydanticCustomError("customer_or_contact", _("Give either a known customer or a new contact."))
        if self.contact is not None and not self.contact.consent.contact:
            raise PydanticCustomError(
                "contact_needs_consent", _("Contact details are kept only when the customer agrees.")
            )
        return self


class ActionIn(BaseModel):
    """One step of a complaint. Which fields a step needs is checked here (the form) and in the service (what
    depends on the complaint: skipping levels, the second extension)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    type: ActionType
    note: WrittenReason | None = Field(None, max_length=2000)
    to_user_id: str | None = Field(None, pattern=UUID_PATTERN)
    level: Level | None = None
    how: ReplyHow | None = None
    customer_told: bool | None = None
    approved_by: str | None = Field(None, max_length=120)
    merge_into_id: str | None = Field(None, pattern=UUID_PATTERN)
    resolution: str | None = Field(None, max_length=LONG_TEXT)
    customer_response: CustomerResponse | None = None
    root_cause: str | None = Field(None, max_length=2000)
    fix: str | None = Field(None, max_length=2000)
    valid: bool | None = None
    occurred_at: ClientTime | None = None

    def missing_fields(self) -> dict[str, str]:
        """The fields this step needs that were not given (ValidationFailed's `fields`)."""
        missing = {name: _("Required.") for name in STEP_NEEDS.get(self.type, ()) if getattr(self, name) in (None, "")}
        if self.customer_told is False and self.type in (ActionType.EXTEND, ActionType.PAUSE):
            missing["customer_told"] = _("Tell the customer first.")
        return missing


# What each step needs besides its type.
STEP_NEEDS: dict[ActionType, tuple[str, ...]] = {
    ActionType.NOTE: ("note",),
    ActionType.CONTACT: ("how",),
    ActionType.HAND_ON: ("to_user_id", "note"),
    ActionType.EXTEND: ("note", "customer_told"),
    ActionType.PAUSE: ("note", "customer_told"),
    ActionType.REPLY: ("how",),
    ActionType.RESOLVE: ("resolution", "how", "customer_response"),
    ActionType.MERGE: ("merge_into_id",),
    ActionType.NEW_FACTS: ("note",),
}


def _person(user) -> dict | None:
    return {"id": user.id, "display_name": user.display_name} if user else None


def deadline_state(clock, now: datetime, paused: bool) -> str:
    """running, paused, missed (past due, not met), met, met_late or ended, of a deadline (a record or a row)."""
    if clock.ended_at is not None:
        return "ended"
    if clock.met_at is not None:
        return "met" if clock.met_at <= clock.due_at else "met_late"
    if paused and clock.kind == "decision":
        return "paused"
    return "missed" if now > clock.due_at else "running"


def deadline_out(clock, now: datetime, paused: bool) -> dict:
    return {
        "kind": clock.kind.value,
        "starts_at": clock.starts_at.isoformat(),
        "due_at": clock.due_at.isoformat(),
        "met_at": clock.met_at.isoformat() if clock.met_at else None,
        "state": deadline_state(clock, now, paused),
    }


def complaint_brief(line, clocks: list, now: datetime) -> dict:
    """A line of a list (service.list_complaints' row and its clocks): what it is about, whose it is, and its
    clocks; the complaint's page has the rest."""
    return {
        "id": line.id,
        "status": line.status.value,
        "received_via": line.received_via.value,
        "received_at": line.received_at.isoformat(),
        "summary": line.summary,
        "severity": line.severity.value,
        "arose_at": line.arose_at.value,
        "business": line.business.value,
        "cause": line.cause.value,
        "owner": {"id": line.owner_id, "display_name": line.owner_name},
        "level": line.level.value,
        "paused_at": line.paused_at.isoformat() if line.paused_at else None,
        "deadlines": [deadline_out(clock, now, line.paused_at is not None) for clock in clocks],
    }


def complaint_out(complaint: Complaint, reader, now: datetime, *, timeline: bool = False) -> dict:
    """The complaint as `reader` sees it (customer masked), with its clocks and the steps open to the reader."""
    visit = complaint.visit
    out = {
        "id": complaint.id,
        "status": complaint.status.value,
        "received_via": complaint.received_via.value,
        "received_at": complaint.received_at.isoformat(),
        "recorded_at": complaint.recorded_at.isoformat(),
        "summary": complaint.summary,
        "details": complaint.details,
        "asks": complaint.asks,
        "customer": customer_out(complaint.customer) if complaint.customer else None,
        "visit": {"id": visit.id, "ticket": visit.ticket, "waited_minutes": complaint.waited_minutes}
        if visit
        else None,
        "about_staff": _person(complaint.about_staff)
        or ({"id": None, "display_name": complaint.about_staff_name} if complaint.about_staff_name else None),
        "severity": complaint.severity.value,
        "arose_at": complaint.arose_at.value,
        "business": complaint.business.value,
        "cause": complaint.cause.value,
        "standard_numbers": {
            axis: STANDARD_NUMBERS[getattr(complaint, axis)] for axis in ("arose_at", "business", "cause")
        },
        "owner": _person(complaint.owner),
        "level": complaint.level.value,
        "created_by": _person(complaint.created_by),
        "paused_at": complaint.paused_at.isoformat() if complaint.paused_at else None,
        "extensions": complaint.extensions,
        "merged_into_id": complaint.merged_into_id,
        "deadlines": [deadline_out(d, now, complaint.paused_at is not None) for d in complaint.deadlines],
        "outcome": {
            "replied_at": complaint.replied_at.isoformat() if complaint.replied_at else None,
            "how": complaint.reply_how.value if complaint.reply_how else None,
            "resolution": complaint.resolution,
            "customer_response": complaint.customer_response.value if complaint.customer_response else None,
            "root_cause": complaint.root_cause,
            "fix": complaint.fix,
            "valid": complaint.valid,
        },
        "resolved_at": complaint.resolved_at.isoformat() if complaint.resolved_at else None,
        "closed_at": complaint.closed_at.isoformat() if complaint.closed_at else None,
        "allowed_actions": complaint_steps(reader, complaint),
    }
    if timeline:
        out["timeline"] = [
            {
                "id": e.id,
                "type": e.type,
                "actor": _person(e.actor),
                "to": _person(e.to_user),
                "level": e.level.value if e.level else None,
                "note": e.note,
                "details": e.details or {},
                "at": e.occurred_at.isoformat(),
            }
            for e in complaint.events
        ]
    return out
