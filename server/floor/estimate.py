"""How long a customer arriving now will wait to be called, per channel, from the branch's own history.

The model is the departure rate of a busy queue: a channel's counters call customers at the rate the branch
has just shown (calls per minute over the last RECENT minutes of today), and a newcomer is called once
everyone ahead of them has been. With too few calls today (the branch just opened, a quiet VIP area), the
rate is that of the same weekday and hour in the past WEEKS weeks; with too few there too, no number at all:
the screen says the history is too thin rather than guess. Why this and not M/M/c: the branch never tells
us how many counters are open, and the call rate measures exactly what the newcomer waits for — counters
times their speed — without needing either (bench/wait_estimate.py measures the error).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.floor.codes import Channel, VisitStatus
from server.floor.models import Visit

RECENT = timedelta(minutes=45)
MIN_RECENT_SPAN = timedelta(minutes=10)  # a rate from calls closer together than this says little
MIN_CALLS = 4  # today's rate needs this many calls in the window; the past weeks' needs twice as many
WEEKS = 4
HOUR = timedelta(minutes=30)  # the past weeks' window: half an hour either side of now


@dataclass(frozen=True)
class History:
    """Calls of one channel: today's recent ones (count, first and last time) and the past weeks' count."""

    recent_calls: int = 0
    recent_first: datetime | None = None
    past_calls: int = 0


def calls_per_minute(history: History, now: datetime) -> float | None:
    """The channel's call rate, or None when the history cannot support one."""
    if history.recent_calls >= MIN_CALLS and history.recent_first is not None:
        span = max(now - history.recent_first, MIN_RECENT_SPAN)
        return history.recent_calls / (span.total_seconds() / 60)
    if history.past_calls >= 2 * MIN_CALLS:
        return history.past_calls / (WEEKS * 2 * HOUR.total_seconds() / 60)
    return None


def wait_minutes(ahead: int, rate: float | None) -> int | None:
    """Minutes until a newcomer with `ahead` people before them is called; None without a rate. Nobody
    ahead is called at once (a channel has several counters more often than not: the bench's figures were
    better so than with half a call interval added), else after the people ahead and half an interval."""
    if rate is None:
        return None
    if ahead == 0:
        return 0
    return round((ahead + 0.5) / rate)


def channel_histories(branch_id: str, now: datetime) -> dict[Channel, History]:
    """Today's recent calls per channel (one query, a range of the (branch, arrived_at) index) and the past
    weeks' calls around this hour (kept for PAST_KEPT: those weeks do not change while the day goes on)."""
    called = func.coalesce(Visit.called_at, Visit.serving_at)
    recent = db.session.execute(
        select(Visit.channel, func.count(), func.min(called))
        .where(
            Visit.branch_id == branch_id,
            Visit.arrived_at >= now - RECENT - timedelta(hours=6),  # the index's range; no visit waits 6 h
            called >= now - RECENT,
            called <= now,
        )
        .group_by(Visit.channel)
    ).all()
    past = _past_calls(branch_id, now)
    histories = {channel: History(past_calls=past.get(channel, 0)) for channel in Channel}
    for channel, count, first in recent:
        histories[channel] = History(count, first, past.get(channel, 0))
    return histories


PAST_KEPT = timedelta(minutes=10)
_past: dict[tuple[str, int], dict[Channel, int]] = {}


def _past_calls(branch_id: str, now: datetime) -> dict[Channel, int]:
    slot = int(now.timestamp() // PAST_KEPT.total_seconds())
    known = _past.get((branch_id, slot))
    if known is not None:
        return known
    called = func.coalesce(Visit.called_at, Visit.serving_at)
    counts: dict[Channel, int] = {}
    for weeks in range(1, WEEKS + 1):  # one index range each: the same weekday, this hour
        then = now - timedelta(weeks=weeks)
        rows = db.session.execute(
            select(Visit.channel, func.count())
            .where(
                Visit.branch_id == branch_id,
                Visit.arrived_at.between(then - HOUR - timedelta(hours=6), then + HOUR),
                called.between(then - HOUR, then + HOUR),
            )
            .group_by(Visit.channel)
        ).all()
        for channel, count in rows:
            counts[channel] = counts.get(channel, 0) + count
    if len(_past) >= 4096:
        _past.clear()
    _past[(branch_id, slot)] = counts
    return counts


def estimates(branch_id: str, now: datetime, waiting: dict[Channel, int]) -> dict[str, int | None]:
    """For each channel, the minutes a customer arriving now will wait (None: too little history)."""
    histories = channel_histories(branch_id, now)
    return {
        channel.value: wait_minutes(waiting.get(channel, 0), calls_per_minute(histories[channel], now))
        for channel in Channel
    }


def wait_of(visit: Visit, now: datetime) -> tuple[int, int | None]:
    """(people ahead, minutes) for a visit that has just arrived."""
    ahead = db.session.scalar(
        select(func.count(Visit.id)).where(
            Visit.branch_id == visit.branch_id,
            Visit.status == VisitStatus.WAITING,
            Visit.channel == visit.channel,
            Visit.arrived_at >= now - timedelta(hours=12),
            Visit.arrived_at < visit.arrived_at,
            Visit.id != visit.id,
        )
    )
    rate = calls_per_minute(channel_histories(visit.branch_id, now)[visit.channel], now)
    return ahead or 0, wait_minutes(ahead or 0, rate)
