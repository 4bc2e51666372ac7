"""When a complaint's clock speaks: half-way, three quarters, an hour before, and at the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.complaints.clocks import alert_times
from server.complaints.codes import DeadlineKind
from server.complaints.models import ComplaintDeadline

START = datetime(2026, 11, 27, 8, 58, tzinfo=UTC)  # 16:58 on a Friday in Shanghai


def clock(span: timedelta) -> ComplaintDeadline:
    return ComplaintDeadline(kind=DeadlineKind.DECISION, starts_at=START, due_at=START + span)


def test_a_ten_minute_clock_has_no_hour_before():
    assert [(name, at - START) for name, at in alert_times(clock(timedelta(minutes=10)))] == [
        ("half", timedelta(minutes=5)),
        ("three_quarters", timedelta(minutes=7, seconds=30)),
        ("passed", timedelta(minutes=10)),
    ]


def test_a_fifteen_day_clock_reminds_at_half_three_quarters_and_an_hour_before():
    assert [(name, at - START) for name, at in alert_times(clock(timedelta(days=15)))] == [
        ("half", timedelta(days=7, hours=12)),
        ("three_quarters", timedelta(days=11, hours=6)),
        ("hour_before", timedelta(days=15) - timedelta(hours=1)),
        ("passed", timedelta(days=15)),
    ]


def test_reminders_falling_together_speak_once():
    # Two hours: half-way and an hour before are the same moment; the later stage of the two speaks.
    assert [name for name, _at in alert_times(clock(timedelta(hours=2)))] == ["hour_before", "three_quarters", "passed"]
