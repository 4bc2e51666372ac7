"""Shapes of the work-log API."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from server.common.clock import utcnow
from server.common.types import new_id


class WorkLogEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=r"^[0-9a-fA-F-]{36}$")
    body: str = Field(min_length=1, max_length=2000)
    occurred_at: AwareDatetime | None = None

    @field_validator("occurred_at")
    @classmethod
    def not_in_future(cls, value: datetime | None) -> datetime | None:
        # A device clock may run a little fast; more than that is a mistake.
        if value is not None and value > utcnow() + timedelta(minutes=5):
            raise ValueError("must not be in the future")
        return value


def entry_out(entry) -> dict:
    return {
        "id": entry.id,
        "body": entry.body,
        "author": {"id": entry.author_id, "display_name": entry.author.display_name},
        "occurred_at": entry.occurred_at.isoformat(),
        "received_at": entry.received_at.isoformat(),
    }
