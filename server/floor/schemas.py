"""Shapes of the visit, floor and queue-machine APIs."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from server.common.clock import utcnow
from server.common.fields import ClientTime, UtcTime
from server.common.types import new_id
from server.floor.codes import BusinessType, Channel, EventType, Flag
from server.floor.models import Visit
from server.floor.triage import explain

UUID_PATTERN = r"^[0-9a-fA-F-]{36}$"
TICKET_PATTERN = r"^[A-Za-z0-9-]{1,16}$"
OLDEST_ARRIVAL = timedelta(hours=12)  # an arrival logged late is still today's


class VisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    ticket: str = Field(pattern=TICKET_PATTERN)
    business_type: BusinessType
    amount: Decimal | None = Field(None, gt=0, le=100_000_000, max_digits=14, decimal_places=2)
    customer_id: str | None = Field(None, pattern=UUID_PATTERN)
    flags: list[Flag] = Field(default_factory=list, max_length=5)
    arrived_at: ClientTime | None = None
    channel: Channel | None = None  # the lobby manager's override of the suggestion
    override_reason: str | None = Field(None, max_length=200)

    @field_validator("ticket")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("flags")
    @classmethod
    def unique(cls, value: list[Flag]) -> list[Flag]:
        return sorted(set(value))

    @field_validator("arrived_at")
    @classmethod
    def recent(cls, value: datetime | None) -> datetime | None:
        if value is not None and value < utcnow() - OLDEST_ARRIVAL:
            raise PydanticCustomError("too_old", _("Must be within the last 12 hours."))
        return value


class VisitEventIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    type: EventType
    note: str | None = Field(None, max_length=500)
    channel: Channel | None = None
    occurred_at: ClientTime | None = None

    @model_validator(mode="after")
    def reroute_needs_channel_and_reason(self) -> VisitEventIn:
        if self.type == EventType.REROUTED and (self.channel is None or not self.note):
            raise PydanticCustomError("reroute_incomplete", _("A reroute needs the new channel and a reason (note)."))
        return self


class VisitCustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: str = Field(pattern=UUID_PATTERN)


class QueueEventIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)  # machines add fields of their own

    event: str = Field(pattern=r"^(issued|called|served|cancelled)$")
    ticket: str = Field(pattern=TICKET_PATTERN)
    business_type: BusinessType = BusinessType.OTHER
    amount: Decimal | None = Field(None, gt=0, le=100_000_000, max_digits=14, decimal_places=2)
    at: UtcTime

    @field_validator("ticket")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()


def triage_reason(visit: Visit) -> str:
    if visit.override_reason:
        return explain("override", {"reason": visit.override_reason}, visit.channel)
    return explain(visit.triage_rule, visit.triage_params, visit.suggested_channel)


def visit_summary(visit: Visit) -> dict:
    """A visit as a list row: on the customer card and in answers to writes."""
    return {
        "id": visit.id,
        "ticket": visit.ticket,
        "status": visit.status.value,
        "business_type": visit.business_type.value,
        "amount": float(visit.amount) if visit.amount is not None else None,
        "arrived_at": visit.arrived_at.isoformat(),
        "finished_at": visit.finished_at.isoformat() if visit.finished_at else None,
        "channel": visit.channel.value,
        "suggested_channel": visit.suggested_channel.value,
        "triage_reason": triage_reason(visit),
        "tier": visit.tier.value,
        "flags": list(visit.flags or []),
        "customer_id": visit.customer_id,
        "source": visit.source.value,
    }


def wait_out(ahead: int, minutes: int | None) -> dict:
    """The wait a customer who has just arrived can be told ("4 ahead, about 12 min"), with its figures."""
    if minutes is None:
        text = _("%(ahead)s ahead; too little history yet to say how long", ahead=ahead)
    else:
        text = _("%(ahead)s ahead, about %(minutes)s min", ahead=ahead, minutes=minutes)
    return {"ahead": ahead, "minutes": minutes, "text": text}
