"""Time: always timezone-aware UTC inside the app; branch-local only when shown or when a day starts."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_day_start(tz: str, now: datetime | None = None) -> datetime:
    """Midnight of today in the time zone `tz` (a branch's), as an aware datetime."""
    local = (now or utcnow()).astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def add_business_days(start: datetime, days: int, tz: str) -> datetime:
    """`days` working days after `start` in the time zone `tz`, at the same local time; weekends skipped.
    (Public holidays are not known to the app yet: see the closing notes of the referrals issue.)"""
    local = start.astimezone(ZoneInfo(tz))
    while days > 0:
        local = local + timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local.astimezone(UTC)
