"""Create-once semantics for records the handheld creates offline with ids it chose itself.

Same id and same payload → the stored record (the outbox retried). Same id, different payload → 409.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Protocol, TypeVar

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from server.common.clock import utcnow
from server.common.errors import Conflict
from server.common.types import UTCDateTime
from server.extensions import db


class ClientRecord(Protocol):
    """A record made on a device, saved under the id the device gave it."""

    @property
    def id(self) -> str: ...
    @id.setter
    def id(self, value: str) -> None: ...
    @property
    def payload_hash(self) -> str: ...
    @payload_hash.setter
    def payload_hash(self, value: str) -> None: ...


T = TypeVar("T", bound=ClientRecord)


class ClientCreated:
    """Columns of a record made on a device: its fingerprint, when it happened there, when it arrived here."""

    payload_hash: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def fingerprint(**payload) -> str:
    """A stable, keyed hash of what the client asked for, including who asked. The payload may hold a full
    phone or ID number: unkeyed, its hash beside the masked number would give the number back to anyone who
    tries the 10,000 candidates; keyed with the instance's secret, the database alone reveals nothing."""
    canonical = json.dumps(payload, sort_keys=True, default=_encode, separators=(",", ":"), ensure_ascii=False)
    return keyed(fingerprint_key(current_app.config["SECRET_KEY"]), hashlib.sha256(canonical.encode()).hexdigest())


@lru_cache(maxsize=4)
def fingerprint_key(secret: str) -> bytes:
    """The fingerprints' own key, derived from the instance's secret (never the secret itself)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lobbypad request fingerprint v1").derive(
        secret.encode()
    )


def keyed(key: bytes, digest: str) -> str:
    """HMAC over the payload's SHA-256: the migration re-keys fingerprints stored unkeyed the same way."""
    return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()


def create_once(model: type[T], record_id: str, payload_hash: str, build: Callable[[], T]) -> tuple[T, bool]:
    """Return (record, created). `build` makes the new record when the id is unknown."""
    existing = db.session.get(model, record_id)
    if existing is not None:
        return _same_or_conflict(existing, payload_hash), False
    record = build()
    record.id, record.payload_hash = record_id, payload_hash
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent retry (page and service worker both flushing) inserted it first.
        db.session.rollback()
        existing = db.session.get(model, record_id)
        if existing is None:
            # Another record, saved at the same moment, holds a unique value of this one (the same phone):
            # a retry meets it in the ordinary checks and gets their precise answer.
            raise Conflict(
                _("Another record was saved at the same moment; try again."), code="concurrent_conflict"
            ) from None
        return _same_or_conflict(existing, payload_hash), False
    return record, True


def _same_or_conflict(existing, payload_hash: str):
    if existing.payload_hash != payload_hash:
        raise Conflict(_("A different record with this id already exists."), code="id_conflict")
    return existing


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")
