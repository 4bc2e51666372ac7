"""Benchmark: the reports of a busy branch's month, on SQLite and PostgreSQL.

    .venv/bin/python bench/reports.py [--db sqlite|postgresql|both] [--per-day 1160] [--requests 100]

Generates a branch's last month (server/history.py): about 30,000 arrivals and 3,000 referrals with their
care, cards, complaints, faults and notes, and the month before at a third of that; then times, through the
Flask app in-process (routing, auth, queries, JSON or the file; no network): the monthly report as JSON, PDF
and CSV, the performance board per period (as the supervisor: every person), and one day's work log.
Targets: the monthly report with its PDF < 2 s; the board p95 < 200 ms; the day's work log < 100 ms.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

from bench.floor_search import database_url, percentile
from server import create_app, demo
from server.auth import service as accounts
from server.branches import service as branches
from server.config import TestConfig
from server.customers.models import Customer
from server.extensions import db
from server.floor.models import Visit
from server.history import Staff, history
from server.referrals.models import Referral

PASSWORD = "bench-password-1"


def months(today: date) -> tuple[date, date]:
    """The first days of last month and of the month before it."""
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return last, (last - timedelta(days=1)).replace(day=1)


def build(app, per_day: int) -> tuple[date, int, int]:
    last, before = months(date.today())
    with app.app_context():
        db.create_all()
        branch = branches.create_branch("BENCH", "Bench branch")
        make = lambda name, role: accounts.create_user(
            username=name, display_name=name, role=role, branch=branch, password=PASSWORD
        )
        make("boss", "supervisor")
        staff = Staff(
            lobby=[make(f"lobby{n}", "lobby_manager") for n in range(4)],
            managers=[make(f"manager{n}", "account_manager") for n in range(6)],
        )
        rows = demo.customer_rows(branch.id, 3000, random.Random(3))
        demo.insert_customers(rows)
        customers = list(db.session.scalars(select(Customer.id).where(Customer.branch_id == branch.id)))
        days_last = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - last
        history(branch, staff, customers, before, (last - before).days, per_day // 3, seed=1)
        history(branch, staff, customers, last, days_last.days, per_day, seed=2)
        db.session.commit()
        with db.engine.begin() as conn:  # fresh statistics, as a maintained database has
            conn.execute(text("ANALYZE"))
        start = branches.get_branch_by_code("BENCH")
        visits = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.arrived_at >= _utc(last, start)))
        referrals = db.session.scalar(
            select(func.count()).select_from(Referral).where(Referral.created_at >= _utc(last, start))
        )
    return last, visits or 0, referrals or 0


def _utc(day: date, branch):
    from server.reports.periods import month_of

    return month_of(day, branch.timezone).start_utc


def timed(client, url: str, runs: list[float]) -> bytes:
    start = time.perf_counter()
    response = client.get(url)
    runs.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.data


def measure(app, month: date, requests: int) -> list[tuple[str, list[float], str]]:
    client = app.test_client()
    assert client.post("/api/v1/auth/login", json={"username": "boss", "password": PASSWORD}).status_code == 200
    label = month.strftime("%Y-%m")
    middle = (month + timedelta(days=14)).isoformat()
    results = []
    for name, url, runs_count in (
        ("monthly report, JSON", f"/api/v1/reports/month/{label}", 10),
        ("monthly report, PDF", f"/api/v1/reports/month/{label}.pdf", 10),
        ("monthly report, CSV", f"/api/v1/reports/month/{label}.csv", 10),
        ("board, month", f"/api/v1/performance?period=month&date={middle}", requests),
        ("board, week", f"/api/v1/performance?period=week&date={middle}", requests),
        ("board, day", f"/api/v1/performance?period=day&date={middle}", requests),
        ("day's work log", f"/api/v1/reports/day?date={middle}", requests),
    ):
        timed(client, url, [])  # warm-up
        runs: list[float] = []
        body = b""
        for _ in range(runs_count):
            body = timed(client, url, runs)
        size = f"{len(body) / 1024:.0f} KB" if url.endswith(".pdf") else ""
        results.append((name, runs, size))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--per-day", type=int, default=1230)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lobbypad-bench-"))
    print("| database | request | p50 | p95 | max | |")
    print("|---|---|---|---|---|---|")
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        app = create_app(TestConfig(database_url(kind, tmp), instance_path=tmp / "instance"))
        started = time.perf_counter()
        month, visits, referrals = build(app, args.per_day)
        # The generated month's leftovers are this process's, not a server's: out of the collector's way, as
        # the worker keeps its own start-up objects (server/cli.py). Without it, every tenth request here paid a
        # full collection of them (~180 ms).
        gc.collect()
        gc.freeze()
        print(
            f"{kind}: {visits:,} visits and {referrals:,} referrals in {month:%Y-%m}, loaded in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        for name, runs, note in measure(app, month, args.requests):
            print(
                f"| {kind} | {name} | {percentile(runs, 50):.1f} | {percentile(runs, 95):.1f} | {max(runs):.1f} | {note} |"
            )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
