"""Time: always timezone-aware UTC inside the app; branch-local only when shown or when a day starts."""

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_day_start(tz: str, now: datetime | None = None) -> datetime:
    """Midnight of today in the time zone `tz` (a branch's), as an aware datetime."""
    local = (now or utcnow()).astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def add_business_days(start: datetime, days: int, tz: str, holidays: Collection[date] = ()) -> datetime:
    """`days` working days after `start` in the time zone `tz`, at the same local time; weekends and the
    branch's holidays (local dates) skipped. Wall-clock arithmetic: a DST change keeps the local time."""
    zone = ZoneInfo(tz)
    local = start.astimezone(zone).replace(tzinfo=None)
    while days > 0:
        local = local + timedelta(days=1)
        if is_business_day(local.date(), holidays):
            days -= 1
    return local.replace(tzinfo=zone).astimezone(UTC)


def is_business_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def local_day_end(tz: str, at: datetime) -> datetime:
    """The end of the local day of `at` in the time zone `tz` (the next midnight), in UTC."""
    start = local_day_start(tz, at).replace(tzinfo=None) + timedelta(days=1)
    return start.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
