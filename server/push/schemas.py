"""Validation of what the browser sends: PushSubscription.toJSON() and the endpoint to forget."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _b64url(value: str, length: int) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if len(raw) != length:
        raise ValueError(f"must decode to {length} bytes")
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
            raise ValueError("must be an uncompressed P-256 point")
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
