"""Shapes of the work-log API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.common.fields import ClientTime
from server.common.types import new_id


class WorkLogEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=r"^[0-9a-fA-F-]{36}$")
    body: str = Field(min_length=1, max_length=2000)
    occurred_at: ClientTime | None = None


class WorkLogCorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=1, max_length=2000)


def entry_out(entry) -> dict:
    return {
        "id": entry.id,
        "body": entry.body,
        "author": {"id": entry.author_id, "display_name": entry.author.display_name},
        "occurred_at": entry.occurred_at.isoformat(),
        "received_at": entry.received_at.isoformat(),
        "edited_at": entry.edited_at.isoformat() if entry.edited_at else None,
        "withdrawn_at": entry.withdrawn_at.isoformat() if entry.withdrawn_at else None,
    }
