"""Request and response shapes of the auth API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool


class LoginIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=False)

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class MeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    preferred_locale: Literal["zh", "en"]


def user_out(user) -> dict:
    """The public shape of a staff member (API contract: id, username, display_name, role, branch_id)."""
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "branch_id": user.branch_id,
        "preferred_locale": user.preferred_locale,
        "on_duty": bool(user.on_duty),
    }


class DutyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on_duty: StrictBool


def sign_in_out(sign_in, *, current: bool) -> dict:
    return {
        "id": sign_in.id,
        "device": sign_in.device,
        "signed_in_at": sign_in.created_at.isoformat(),
        "last_seen_at": sign_in.last_seen_at.isoformat(),
        "current": current,
    }


class UnlockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=256)
