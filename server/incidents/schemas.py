"""Shapes of the incident and lost-property API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.common.fields import ClientTime, WrittenReason
from server.common.types import new_id
from server.customers.schemas import UUID_PATTERN
from server.incidents.models import Incident, IncidentKind, IncidentStep, LostItem


class IncidentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    kind: IncidentKind
    note: str | None = Field(None, max_length=2000)
    visit_id: str | None = Field(None, pattern=UUID_PATTERN)
    occurred_at: ClientTime | None = None


class IncidentActionIn(BaseModel):
    """One action on the timeline; `close` needs what happened in `note`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    type: IncidentStep
    note: WrittenReason | None = Field(None, max_length=2000)
    occurred_at: ClientTime | None = None


class LostItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    what: str = Field(min_length=1, max_length=200)
    where_found: str = Field(min_length=1, max_length=120)
    found_at: ClientTime | None = None
    kept_where: str | None = Field(None, max_length=120)
    handed_to: str | None = Field(None, max_length=80)
    note: str | None = Field(None, max_length=2000)


class LostItemStepIn(BaseModel):
    """Handed to the business manager (`handed_to`), or returned to its owner (`returned_to`, their name)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    handed_to: str | None = Field(None, min_length=1, max_length=80)
    kept_where: str | None = Field(None, max_length=120)
    returned_to: str | None = Field(None, min_length=1, max_length=80)
    note: str | None = Field(None, max_length=2000)
    occurred_at: ClientTime | None = None


def _person(user) -> dict | None:
    return {"id": user.id, "display_name": user.display_name} if user else None


def incident_out(incident: Incident) -> dict:
    return {
        "id": incident.id,
        "kind": incident.kind.value,
        "note": incident.note,
        "visit": {"id": incident.visit.id, "ticket": incident.visit.ticket} if incident.visit else None,
        "reported_by": _person(incident.reported_by),
        "occurred_at": incident.occurred_at.isoformat(),
        "status": "closed" if incident.closed_at else "open",
        "outcome": incident.outcome,
        "closed_at": incident.closed_at.isoformat() if incident.closed_at else None,
        "closed_by": _person(incident.closed_by),
        "actions": [
            {
                "id": a.id,
                "type": a.type.value,
                "note": a.note,
                "actor": _person(a.actor),
                "at": a.occurred_at.isoformat(),
            }
            for a in incident.actions
        ],
    }


def lost_item_out(item: LostItem) -> dict:
    return {
        "id": item.id,
        "what": item.what,
        "where_found": item.where_found,
        "found_at": item.found_at.isoformat(),
        "found_by": _person(item.found_by),
        "kept_where": item.kept_where,
        "handed_to": item.handed_to,
        "returned_to": item.returned_to,
        "returned_at": item.returned_at.isoformat() if item.returned_at else None,
        "returned_by": _person(item.returned_by),
        "note": item.note,
        "status": "returned" if item.returned_at else "kept",
    }
