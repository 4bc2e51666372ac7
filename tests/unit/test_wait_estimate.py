"""The wait estimate: the rules of server/floor/estimate.py on their own, and on a generated day with known
service times, within the error bench/wait_estimate.py reports."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from server.floor.estimate import MIN_CALLS, History, calls_per_minute, wait_minutes

_spec = importlib.util.spec_from_file_location(
    "wait_estimate", Path(__file__).resolve().parents[2] / "bench" / "wait_estimate.py"
)
bench = sys.modules.setdefault("wait_estimate", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(bench)

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def test_today_rate_when_the_branch_has_called_enough_people():
    history = History(recent_calls=9, recent_first=NOW - timedelta(minutes=45))
    assert calls_per_minute(history, NOW) == pytest.approx(0.2)
    assert wait_minutes(4, 0.2) == 22  # (4 + ½) ÷ 0.2
    assert wait_minutes(0, 0.2) == 0


def test_the_past_weeks_when_today_is_too_thin_and_nothing_when_both_are():
    assert calls_per_minute(History(recent_calls=2, recent_first=NOW, past_calls=24), NOW) == pytest.approx(0.1)
    assert calls_per_minute(History(recent_calls=MIN_CALLS - 1, past_calls=2 * MIN_CALLS - 1), NOW) is None
    assert wait_minutes(4, None) is None


def test_a_short_burst_is_not_taken_for_a_fast_branch():
    """Four calls in the first two minutes of the day are not a rate of two a minute."""
    assert calls_per_minute(History(recent_calls=4, recent_first=NOW - timedelta(minutes=2)), NOW) == pytest.approx(0.4)


def test_on_a_generated_day_the_estimate_is_within_the_benchmarked_error():
    """Three tellers with a known service time: the estimates a day's arrivals are shown are on average
    within 2.5 minutes of when they were called (the bench reports 1.0 min MAE for the counter)."""
    results = bench.run_scenario("generated", days=1, seed=3)
    counter = [(e, a) for channel, e, a in results if channel.value == "counter" and e is not None]
    errors = [abs(e - a) for e, a in counter]
    assert len(counter) > 100
    assert sum(errors) / len(errors) < 2.5
