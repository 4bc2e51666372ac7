"""Shapes of the guides API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.common.fields import WrittenReason


class GuideLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = Field(None, pattern=r"^[a-z0-9_]{1,40}$", description="the line it keeps (none: new)")
    kind: Literal["document", "form", "fee", "machine"]
    text: WrittenReason = Field(min_length=1, max_length=200)


class GuideIn(BaseModel):
    """The business's whole list, in order."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    items: list[GuideLineIn] = Field(min_length=1, max_length=30)
