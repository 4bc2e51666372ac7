"""Shapes of the reports API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.common.types import new_id
from server.customers.schemas import UUID_PATTERN
from server.reports.performance import METRICS

Metric = Literal[METRICS]  # type: ignore[valid-type]
TargetValue = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]


class SubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    remarks: str = Field("", max_length=4000)
    reason: str | None = Field(None, max_length=2000)  # why this amendment


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: Literal["acknowledge", "ask_correction"]
    note: str | None = Field(None, max_length=2000)


class TargetsIn(BaseModel):
    """A role's targets for a period kind: metric → value (None clears it)."""

    model_config = ConfigDict(extra="forbid")

    targets: dict[Metric, TargetValue | None] = Field(max_length=len(METRICS))
