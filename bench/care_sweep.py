"""Benchmark: the worker's care sweep over 1,000 branches with 10 waiting customers each (10,000 open visits).

    .venv/bin/python bench/care_sweep.py [--db sqlite|postgresql|both] [--branches 1000] [--waiting 10]

Each branch has a lobby manager on duty; every waiting visit has its scheduled waiting-care task (as an
arrival writes it). Arrivals are spread over the last 15 minutes, so at the start nothing is due and then
about a 60th of them fall due every 15 s, as on a busy day. Measured, in-process, one sweep = one
transaction (`run_sweeps_once` minus the referral sweep):
  - idle: nothing due (what every sweep costs: the three indexed look-ups);
  - busy: the clock moves on 15 s per sweep, and each sweep opens the tasks that fell due in those
    15 s: for each, the notification to the on-duty lobby manager (worded, with the people ahead counted).
Target: < 200 ms per sweep on SQLite and PostgreSQL. The query plans of the three look-ups are printed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floor_search import database_url, percentile  # the same databases as the other benches
from sqlalchemy import insert, select, text

from server import create_app
from server.auth.models import User
from server.branches.models import Branch
from server.branches.settings import BranchSettings
from server.care import scheduling
from server.care.models import CareKind, CareStatus, CareTask
from server.common.clock import utcnow
from server.common.roles import Role
from server.common.types import new_id
from server.config import TestConfig
from server.extensions import db
from server.floor.codes import BusinessType, Channel, VisitSource, VisitStatus
from server.floor.models import Visit
from server.worker import no_collection_inside

STEP = timedelta(seconds=15)


def build(app, branches: int, waiting: int, now) -> None:
    """Rows written in bulk, as the arrivals would have written them one by one."""
    rng = random.Random(5)
    settings = BranchSettings().model_dump()
    tolerance = timedelta(minutes=15)
    with app.app_context():
        db.create_all()
        branch_rows, user_rows, visit_rows, task_rows = [], [], [], []
        for b in range(branches):
            branch_id = new_id()
            branch_rows.append(
                {
                    "id": branch_id,
                    "code": f"B{b:04d}",
                    "name": f"Branch {b}",
                    "timezone": "Asia/Shanghai",
                    "settings_data": settings,
                    "floor_version": 0,
                }
            )
            user_rows.append(
                {
                    "id": new_id(),
                    "username": f"lobby{b}",
                    "display_name": f"王芳{b}",
                    "role": Role.LOBBY_MANAGER,
                    "branch_id": branch_id,
                    "password_hash": "x",
                    "active": True,
                    "on_duty": True,
                }
            )
            for n in range(waiting):
                arrived = now - timedelta(seconds=rng.uniform(1, 899))  # due within the next 15 minutes
                visit_id = new_id()
                visit_rows.append(
                    {
                        "id": visit_id,
                        "branch_id": branch_id,
                        "ticket": f"A{n:03d}",
                        "business_type": BusinessType.DEPOSIT,
                        "arrived_at": arrived,
                        "status": VisitStatus.WAITING,
                        "channel": Channel.COUNTER,
                        "suggested_channel": Channel.COUNTER,
                        "triage_rule": "bench",
                        "triage_params": {},
                        "flags": [],
                        "source": VisitSource.QUEUE_MACHINE,
                        "payload_hash": "bench",
                        "occurred_at": arrived,
                        "received_at": arrived,
                    }
                )
                task_rows.append(
                    {
                        "id": new_id(),
                        "branch_id": branch_id,
                        "visit_id": visit_id,
                        "kind": CareKind.WAIT_CARE,
                        "round": 1,
                        "status": CareStatus.SCHEDULED,
                        "due_at": arrived + tolerance,
                        "alert_at": arrived + 2 * tolerance,
                        "reminders": 0,
                        "actions": [],
                        "created_at": arrived,
                    }
                )
        for model, rows in ((Branch, branch_rows), (User, user_rows), (Visit, visit_rows), (CareTask, task_rows)):
            for start in range(0, len(rows), 2000):
                db.session.execute(insert(model), rows[start : start + 2000])
        db.session.commit()
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def plans(app, now) -> dict[str, str]:
    """The three look-ups of the sweep, as the database runs them."""
    with app.app_context():
        dialect = db.engine.dialect.name
        prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        found = {}
        for name, stmt in (
            (
                "open due",
                select(CareTask.id)
                .where(CareTask.status == CareStatus.SCHEDULED, CareTask.due_at <= now)
                .order_by(CareTask.due_at)
                .limit(scheduling.BATCH),
            ),
            (
                "reminders",
                select(CareTask.id)
                .where(CareTask.next_reminder_at <= now)
                .order_by(CareTask.next_reminder_at)
                .limit(scheduling.BATCH),
            ),
            (
                "long waits",
                select(CareTask.id).where(CareTask.alert_at <= now).order_by(CareTask.alert_at).limit(scheduling.BATCH),
            ),
        ):
            sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
            rows = db.session.execute(text(prefix + sql)).all()
            found[name] = "; ".join(str(r[-1]) if dialect == "sqlite" else str(r[0]).strip() for r in rows)
        return found


def sweep_once(app, at) -> tuple[float, int]:
    """As the worker runs it (server/worker.py): one transaction, no garbage collection inside it."""
    with app.app_context():
        start = time.perf_counter()
        with no_collection_inside():
            done = scheduling.sweep(at)
            db.session.commit()
        elapsed = (time.perf_counter() - start) * 1000
        db.session.remove()
    return elapsed, done


def measure(app, now, sweeps: int) -> dict:
    idle = [sweep_once(app, now)[0] for _ in range(20)]
    busy, opened = [], []
    for n in range(1, sweeps + 1):
        elapsed, done = sweep_once(app, now + STEP * n)
        busy.append(elapsed)
        opened.append(done)
    return {"idle": idle, "busy": busy, "opened": opened}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--branches", type=int, default=1000)
    parser.add_argument("--waiting", type=int, default=10)
    parser.add_argument("--sweeps", type=int, default=20)
    args = parser.parse_args()
    print(
        f"{args.branches} branches × {args.waiting} waiting = {args.branches * args.waiting} open visits, "
        f"one lobby manager on duty per branch; {args.sweeps} sweeps, 15 s of clock apart"
    )
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(TestConfig(database_url(kind, Path(tmp)), instance_path=Path(tmp) / "instance"))
            now = utcnow()
            build(app, args.branches, args.waiting, now)
            plan = plans(app, now + timedelta(minutes=15))
            result = measure(app, now, args.sweeps)
            print(f"\n{kind}")
            print(
                f"  idle sweep (nothing due): p50 {percentile(result['idle'], 50):.1f} ms, p95 {percentile(result['idle'], 95):.1f} ms"
            )
            print(
                f"  busy sweep (opens {statistics.mean(result['opened']):.0f} tasks on average, max "
                f"{max(result['opened'])}): p50 {percentile(result['busy'], 50):.1f} ms, p95 {percentile(result['busy'], 95):.1f} ms, "
                f"max {max(result['busy']):.1f} ms; per task opened "
                f"{sum(result['busy']) / max(1, sum(result['opened'])):.2f} ms"
            )
            for name, text_plan in plan.items():
                print(f"  plan, {name}: {text_plan}")


if __name__ == "__main__":
    main()
