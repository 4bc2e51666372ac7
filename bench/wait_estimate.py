"""Benchmark: how good is the wait estimate (server/floor/estimate.py)?

    .venv/bin/python bench/wait_estimate.py [--days 5] [--seed 1]

Generated days: a branch open 09:00–17:00 whose arrivals follow a day's shape (a morning peak, a lunch dip, an
afternoon peak), served first-come first-served per channel by a known number of servers with known service
times (counter: 3 tellers, mean 7 min, log-normal; self-service: 2 machines, mean 3 min; VIP area: 1 manager,
mean 14 min; green channel: 1 teller, mean 9 min). Each measured day has the four same weekdays before it
as history. The "demo" scenario triages the demo data's business mix (server/demo.py) with the branch's
rules instead of drawing the channel directly. Every visit and its call time go into a real database; then the
day is replayed: at each arrival, the estimate the board would have shown that customer (people ahead and
the channel's busy state at that moment, the history up to that moment only) is compared with when they
were actually called. Reported: mean absolute error and 90th percentile of the absolute error in minutes, and
how often the estimate said "too little history" instead of a number.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import create_app
from server.branches import service as branches
from server.common.types import new_id
from server.config import TestConfig
from server.customers.models import Tier
from server.demo import AMOUNTS, BUSINESS_MIX
from server.extensions import db
from server.floor.codes import Channel, VisitSource, VisitStatus
from server.floor.estimate import calls_per_minute, channel_histories, wait_minutes
from server.floor.models import Visit
from server.floor.triage import triage

SHANGHAI = ZoneInfo("Asia/Shanghai")
# channel → (servers, mean service minutes, share of arrivals)
SERVERS = {
    Channel.COUNTER: (3, 7.0, 0.55),
    Channel.SELF_SERVICE: (2, 3.0, 0.30),
    Channel.VIP_AREA: (1, 14.0, 0.10),
    Channel.GREEN_CHANNEL: (1, 9.0, 0.05),
}
PEAKS = ((10.0, 1.0), (11.5, 0.6), (12.5, 0.35), (14.5, 0.8), (16.0, 0.7))  # (hour, relative arrival rate)
BUSY_PER_HOUR = 48  # arrivals in the busiest hour


@dataclass
class Simulated:
    channel: Channel
    business: str
    arrived: datetime
    called: datetime
    finished: datetime


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def arrival_rate(hour: float) -> float:
    """Arrivals per minute at `hour` (piecewise linear between the peaks)."""
    points = [(9.0, 0.4), *PEAKS, (17.0, 0.3)]
    for (h0, r0), (h1, r1) in itertools.pairwise(points):
        if h0 <= hour <= h1:
            return BUSY_PER_HOUR / 60 * (r0 + (r1 - r0) * (hour - h0) / (h1 - h0))
    return 0.0


def service_minutes(rng: random.Random, mean: float) -> float:
    sigma = 0.5
    return rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma)


def simulate_day(rng: random.Random, day: datetime, channel_of) -> list[Simulated]:
    arrivals: list[tuple[datetime, Channel, str]] = []
    t = 9.0
    while True:  # a non-homogeneous Poisson process by thinning
        t += rng.expovariate(BUSY_PER_HOUR / 60) / 60
        if t >= 17.0:
            break
        if rng.random() < arrival_rate(t) / (BUSY_PER_HOUR / 60):
            channel, business = channel_of(rng)
            arrivals.append((day + timedelta(hours=t - 9.0), channel, business))
    free: dict[Channel, list[datetime]] = {ch: [day] * SERVERS[ch][0] for ch in SERVERS}
    visits = []
    for arrived, channel, business in arrivals:
        servers = free[channel]
        first = min(range(len(servers)), key=lambda i: servers[i])
        called = max(arrived, servers[first])
        finished = called + timedelta(minutes=service_minutes(rng, SERVERS[channel][1]))
        servers[first] = finished
        visits.append(Simulated(channel, business, arrived, called, finished))
    return visits


def drawn_channel(rng: random.Random) -> tuple[Channel, str]:
    channels = list(SERVERS)
    channel = rng.choices(channels, [SERVERS[c][2] for c in channels])[0]
    return channel, "other"


def demo_channel(settings):
    kinds, weights = zip(*BUSINESS_MIX, strict=True)

    def pick(rng: random.Random) -> tuple[Channel, str]:
        business = rng.choices(kinds, weights)[0]
        low_high = AMOUNTS.get(business)
        amount = Decimal(rng.randrange(*low_high) // 100 * 100) if low_high else None
        tier = Tier.VIP if rng.random() < 0.06 else Tier.ORDINARY
        flags = ["elderly"] if rng.random() < 0.05 else []
        return triage(business, amount, tier, flags, settings).channel, business.value

    return pick


def store(branch_id: str, visits: list[Simulated]) -> None:
    for number, v in enumerate(visits):
        db.session.add(
            Visit(
                id=new_id(),
                payload_hash="bench",
                branch_id=branch_id,
                ticket=f"B{number:04d}",
                business_type=v.business,
                arrived_at=v.arrived.astimezone(UTC),
                status=VisitStatus.DONE,
                channel=v.channel,
                suggested_channel=v.channel,
                triage_rule="bench",
                triage_params={},
                source=VisitSource.QUEUE_MACHINE,
                called_at=v.called.astimezone(UTC),
                serving_at=v.called.astimezone(UTC),
                finished_at=v.finished.astimezone(UTC),
                flags=[],
            )
        )
    db.session.commit()


def replay(branch_id: str, day: list[Simulated]) -> list[tuple[Channel, float | None, float]]:
    """For each arrival: its channel, the estimate it would have been shown (None: too little history), and
    the minutes it actually waited."""
    results = []
    for visit in day:
        now = visit.arrived.astimezone(UTC)
        same = [v for v in day if v.channel == visit.channel and v is not visit]
        ahead = sum(1 for v in same if v.arrived < visit.arrived < v.called)
        history = channel_histories(branch_id, now - timedelta(microseconds=1))[visit.channel]
        estimate = wait_minutes(ahead, calls_per_minute(history, now))
        results.append((visit.channel, estimate, (visit.called - visit.arrived).total_seconds() / 60))
    return results


def report(name: str, results: list[tuple[Channel, float | None, float]]) -> None:
    given = [(e, a) for _c, e, a in results if e is not None]
    errors = [abs(e - a) for e, a in given]
    print(
        f"{name}: {len(results)} arrivals, an estimate for {len(given) / len(results):.0%}; "
        f"MAE {sum(errors) / len(errors):.1f} min, P90 {percentile(errors, 90):.1f} min"
    )


def run_scenario(scenario: str, days: int, seed: int) -> list[tuple[Channel, float | None, float]]:
    """Simulate four weeks of history and `days` measured days; replay the measured ones."""
    rng = random.Random(seed)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(f"sqlite:///{tmp}/bench.sqlite", instance_path=Path(tmp)))
        with app.app_context():
            db.create_all()
            branch = branches.create_branch("WAIT", "Wait bench")
            db.session.commit()
            channel_of = demo_channel(branch.settings) if scenario == "demo" else drawn_channel
            start = datetime.combine(datetime.now(SHANGHAI).date() - timedelta(days=7 * (days + 4)), time(9), SHANGHAI)
            for week in range(days + 4):  # four weeks of history before the first measured day
                day = simulate_day(rng, start + timedelta(weeks=week), channel_of)
                store(branch.id, day)
                if week >= 4:
                    results += replay(branch.id, day)
            db.session.remove()
            db.engine.dispose()
    return results


def run(scenario: str, days: int, seed: int) -> None:
    results = run_scenario(scenario, days, seed)
    report(f"{scenario}, {days} days", results)
    for channel in SERVERS:
        part = [r for r in results if r[0] == channel]
        waits = [a for _c, _e, a in part]
        if part:
            print(f"  {channel.value:14} mean wait {sum(waits) / len(waits):5.1f} min", end="  ")
            report(channel.value, part)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for scenario in ("generated", "demo"):
        run(scenario, args.days, args.seed)
