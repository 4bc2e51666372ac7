"""The day, week or month a report covers: its local dates and the UTC instants that bound it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"  # Monday to Sunday
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date  # the first local day
    end: date  # the day after the last
    tz: str

    @property
    def start_utc(self) -> datetime:
        return _midnight(self.first, self.tz)

    @property
    def end_utc(self) -> datetime:
        return _midnight(self.end, self.tz)

    @property
    def offset_minutes(self) -> int:
        """The zone's offset at the middle of the period (for grouping by local hour and date in SQL)."""
        middle = self.start_utc + (self.end_utc - self.start_utc) / 2
        offset = middle.astimezone(ZoneInfo(self.tz)).utcoffset() or timedelta()
        return int(offset.total_seconds() // 60)

    @property
    def days(self) -> int:
        return (self.end - self.first).days

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return self.first.strftime("%Y-%m")
        if self.kind == PeriodKind.WEEK:
            return f"{self.first.isoformat()}/{(self.end - timedelta(days=1)).isoformat()}"
        return self.first.isoformat()

    def previous(self) -> Period:
        """The period just before (the previous month for a month)."""
        if self.kind == PeriodKind.MONTH:
            return month_of(_add_months(self.first, -1), self.tz)
        return Period(self.kind, self.first - (self.end - self.first), self.first, self.tz)

    def year_before(self) -> Period:
        return month_of(_add_months(self.first, -12), self.tz) if self.kind == PeriodKind.MONTH else self


def day_of(day: date, tz: str) -> Period:
    return Period(PeriodKind.DAY, day, day + timedelta(days=1), tz)


def week_of(day: date, tz: str) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(PeriodKind.WEEK, monday, monday + timedelta(days=7), tz)


def month_of(day: date, tz: str) -> Period:
    first = day.replace(day=1)
    return Period(PeriodKind.MONTH, first, _add_months(first, 1), tz)


def period_of(kind: PeriodKind, day: date, tz: str) -> Period:
    return {PeriodKind.DAY: day_of, PeriodKind.WEEK: week_of, PeriodKind.MONTH: month_of}[kind](day, tz)


def local_today(tz: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def _midnight(day: date, tz: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
