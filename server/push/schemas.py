"""Validation of what the browser sends: PushSubscription.toJSON() and the endpoint to forget."""

from __future__ import annotations

import base64
import binascii

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError


def _bad_key() -> PydanticCustomError:
    return PydanticCustomError("bad_push_key", _("Not a key this browser could have made."))


def _b64url(value: str, length: int) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise _bad_key() from None
    if len(raw) != length:
        raise _bad_key()
    return value.rstrip("=")


class SubscriptionKeys(BaseModel):
    model_config = ConfigDict(extra="ignore")

    p256dh: str = Field(max_length=128)
    auth: str = Field(max_length=64)

    @field_validator("p256dh")
    @classmethod
    def _point(cls, value: str) -> str:
        value = _b64url(value, 65)
        if not base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).startswith(b"\x04"):
            raise _bad_key()
        return value

    @field_validator("auth")
    @classmethod
    def _secret(cls, value: str) -> str:
        return _b64url(value, 16)


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")  # toJSON() also carries expirationTime

    endpoint: str = Field(min_length=8, max_length=1024)
    keys: SubscriptionKeys


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(min_length=8, max_length=1024)


class PushTestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[0-9a-fA-F-]{36}$")  # the tap's id: a retried request is the same test
