"""Time: always timezone-aware UTC inside the app; branch-local only when shown or when a day starts."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_day_start(tz: str, now: datetime | None = None) -> datetime:
    """Midnight of today in the time zone `tz` (a branch's), as an aware datetime."""
    local = (now or utcnow()).astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
