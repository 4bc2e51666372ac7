"""Field types shared by every feature's request schemas: times a device sends and reasons a person writes.

One home for "what a sane client time is" (parseable, convertible to UTC, within a window around now) and
"what counts as a written reason" (real text, not spaces or invisible characters).
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Annotated

from flask import current_app
from flask_babel import gettext as _
from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

from server.common.clock import utcnow

CLOCK_SKEW = timedelta(minutes=5)  # a device clock may run a little fast
# Invisible or spacing characters: a reason of zero-width spaces is no reason.
_NOT_TEXT = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
MIN_REASON_CHARS = 2


def to_utc(value: datetime) -> datetime:
    """UTC, or a field error for a time that cannot be one (0001-01-01T00:00+14:00 is before year 1)."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError("datetime_out_of_range", _("Not a valid date and time.")) from None


def plausible(value: datetime) -> datetime:
    """A time a device reports: not in the future (beyond clock skew), not before the window the instance
    allows (LOBBYPAD_PLAUSIBLE_DAYS, 30 by default)."""
    value, now = to_utc(value), utcnow()
    if value > now + CLOCK_SKEW:
        raise PydanticCustomError("in_future", _("Must not be in the future."))
    if value < now - timedelta(days=current_app.config["PLAUSIBLE_DAYS"]):
        raise PydanticCustomError("too_old", _("Too long ago to be right; check the date."))
    return value


def visible_text(value: str) -> str:
    """The text with invisible characters removed; at least MIN_REASON_CHARS letters, digits or signs."""
    cleaned = "".join(ch for ch in value if unicodedata.category(ch) not in _NOT_TEXT - {"Zs"})
    if sum(1 for ch in cleaned if unicodedata.category(ch) not in _NOT_TEXT) < MIN_REASON_CHARS:
        raise PydanticCustomError("no_text", _("Write the reason in words."))
    return cleaned.strip()


# A time from a device (occurred_at, arrived_at, consent time …): aware, convertible, plausible.
ClientTime = Annotated[AwareDatetime, AfterValidator(plausible)]
# A time from a machine with its own freshness rule (the queue machine): aware and convertible.
UtcTime = Annotated[AwareDatetime, AfterValidator(to_utc)]
# A reason someone wrote (reveal, decline, erase …): real text.
WrittenReason = Annotated[str, AfterValidator(visible_text)]
