"""Shapes of the handover API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.common.types import new_id
from server.customers.schemas import UUID_PATTERN


class HandoverIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    to_user_id: str = Field(pattern=UUID_PATTERN)
    note: str = Field("", max_length=2000)


class AcknowledgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(None, max_length=2000)


def handover_out(handover) -> dict:
    return {
        "id": handover.id,
        "from": {"id": handover.from_user_id, "display_name": handover.from_user.display_name},
        "to": {"id": handover.to_user_id, "display_name": handover.to_user.display_name},
        "note": handover.note,
        "items": handover.items,
        "created_at": handover.created_at.isoformat(),
        "acknowledged_at": handover.acknowledged_at.isoformat() if handover.acknowledged_at else None,
        "acknowledge_note": handover.acknowledge_note,
        "taken_over": handover.taken_over,
    }
