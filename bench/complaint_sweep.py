"""Benchmark: the complaint sweep over 1,000 branches × 20 open complaints, and the supervisor's list of a
branch with 2,000 complaints.

    .venv/bin/python bench/complaint_sweep.py [--db sqlite|postgresql|both] [--branches 1000] [--open 20]

Sweep: every branch has a lobby manager who owns its complaints and a supervisor; each complaint has the
regulator's 15-day clock and an on-site, phone or comment-book clock, received at random over the last 15
days (so some clocks are past, some remind soon). The worker was down for the last hour: the first sweep
catches up on what fell due meanwhile (at most a batch of 500 clocks per sweep); then sweeps run with the clock 15 s apart (the worker's cadence). One sweep = one
transaction, as server/worker.py runs it. Target: < 100 ms per sweep.

List: one branch with 2,000 complaints (10 % still open), `GET /api/v1/complaints?status=open` as its
supervisor (the 100 most urgent of the ~200 open, and `more: true`) through the Flask app in-process, 300
requests. Target: p95 < 30 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floor_search import database_url, percentile  # the same databases as the other benches
from sqlalchemy import insert, text

from server import create_app
from server.auth import service as accounts
from server.auth.models import User
from server.branches import service as branches
from server.branches.models import Branch
from server.branches.settings import BranchSettings
from server.common.clock import utcnow
from server.common.roles import Role
from server.common.types import new_id
from server.complaints import clocks
from server.complaints.codes import DeadlineKind, Level, ReceivedVia, Status
from server.complaints.models import Complaint, ComplaintDeadline
from server.config import TestConfig
from server.extensions import db
from server.worker import no_collection_inside
from tests.helpers import JsonClient

STEP = timedelta(seconds=15)
OUTAGE = timedelta(hours=1)  # the worker was down this long before the first sweep
SHORT = {
    ReceivedVia.ON_SITE: (DeadlineKind.ON_SITE, timedelta(minutes=10)),
    ReceivedVia.PHONE: (DeadlineKind.PHONE_REPLY, timedelta(days=1)),
    ReceivedVia.COMMENT_BOOK: (DeadlineKind.CALL_BACK, timedelta(hours=8)),
}


def complaint_rows(branch_id: str, owner_id: str, count: int, now, rng, closed_share: float = 0.0):
    complaints, deadlines = [], []
    for _ in range(count):
        via = rng.choice(list(SHORT))
        received = now - timedelta(seconds=rng.uniform(60, 15 * 86400))
        complaint_id = new_id()
        closed = rng.random() < closed_share
        complaints.append(
            {
                "id": complaint_id,
                "branch_id": branch_id,
                "payload_hash": "bench",
                "received_via": via,
                "received_at": received,
                "recorded_at": received,
                "summary": "柜员态度差，等了很久",
                "severity": "normal",
                "arose_at": "branch_floor",
                "business": "savings",
                "cause": "service_attitude",
                "status": Status.CLOSED if closed else Status.OPEN,
                "level": Level.LOBBY_MANAGER,
                "owner_id": owner_id,
                "created_by_id": owner_id,
                "extensions": 0,
            }
        )
        kind, span = SHORT[via]
        for clock_kind, due in ((kind, received + span), (DeadlineKind.DECISION, received + timedelta(days=15))):
            row = ComplaintDeadline(kind=clock_kind, starts_at=received, due_at=due)
            pending = [at for _stage, at in clocks.alert_times(row) if at > now - OUTAGE]
            deadlines.append(
                {
                    "id": new_id(),
                    "complaint_id": complaint_id,
                    "branch_id": branch_id,
                    "kind": clock_kind,
                    "starts_at": received,
                    "due_at": due,
                    "met_at": received if closed else None,
                    # as the sweeps would have left it: the next stage not yet told
                    "next_alert_at": None if closed or not pending else pending[0],
                }
            )
    return complaints, deadlines


def build_sweep(app, branch_count: int, per_branch: int, now) -> None:
    rng = random.Random(11)
    settings = BranchSettings().model_dump(mode="json")
    with app.app_context():
        db.create_all()
        rows: dict = {Branch: [], User: [], Complaint: [], ComplaintDeadline: []}
        for b in range(branch_count):
            branch_id, owner_id = new_id(), new_id()
            rows[Branch].append(
                {
                    "id": branch_id,
                    "code": f"B{b:04d}",
                    "name": f"Branch {b}",
                    "timezone": "Asia/Shanghai",
                    "settings_data": settings,
                    "floor_version": 0,
                }
            )
            for user_id, role in ((owner_id, Role.LOBBY_MANAGER), (new_id(), Role.SUPERVISOR)):
                rows[User].append(
                    {
                        "id": user_id,
                        "username": f"{role.value}{b}",
                        "display_name": f"王芳{b}",
                        "role": role,
                        "branch_id": branch_id,
                        "password_hash": "x",
                        "active": True,
                        "on_duty": True,
                    }
                )
            complaints, deadlines = complaint_rows(branch_id, owner_id, per_branch, now, rng)
            rows[Complaint] += complaints
            rows[ComplaintDeadline] += deadlines
        for model, batch in rows.items():
            for start in range(0, len(batch), 2000):
                db.session.execute(insert(model), batch[start : start + 2000])
        db.session.commit()
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def sweep_once(app, at) -> tuple[float, int]:
    with app.app_context():
        start = time.perf_counter()
        with no_collection_inside():
            done = clocks.sweep(at)
            db.session.commit()
        elapsed = (time.perf_counter() - start) * 1000
        db.session.remove()
    return elapsed, done


def measure_list(app, total: int, requests: int) -> list[float]:
    rng = random.Random(3)
    with app.app_context():
        branch = branches.create_branch("LIST", "List branch")
        lobby = accounts.create_user(
            username="listlobby", display_name="王芳", role="lobby_manager", branch=branch, password="bench-password-1"
        )
        accounts.create_user(
            username="listsup", display_name="赵主管", role="supervisor", branch=branch, password="bench-password-1"
        )
        complaints, deadlines = complaint_rows(branch.id, lobby.id, total, utcnow(), rng, closed_share=0.9)
        db.session.execute(insert(Complaint), complaints)
        db.session.execute(insert(ComplaintDeadline), deadlines)
        db.session.commit()
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    client = JsonClient(app.test_client())
    assert client.post("/api/v1/auth/login", {"username": "listsup", "password": "bench-password-1"}).status_code == 200
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get("/api/v1/complaints?status=open")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--branches", type=int, default=1000)
    parser.add_argument("--open", type=int, default=20)
    parser.add_argument("--sweeps", type=int, default=40)
    args = parser.parse_args()
    print(f"{args.branches} branches × {args.open} open complaints = {args.branches * args.open}, two clocks each")
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(TestConfig(database_url(kind, Path(tmp)), instance_path=Path(tmp) / "instance"))
            now = utcnow()
            build_sweep(app, args.branches, args.open, now)
            first, told = sweep_once(app, now)
            steady = [sweep_once(app, now + STEP * n) for n in range(1, args.sweeps + 1)]
            times = [ms for ms, _ in steady]
            listed = measure_list(app, 2000, 300)
            print(f"\n{kind}")
            print(f"  first sweep (catch-up): {first:.1f} ms, {told} clocks spoke")
            print(
                f"  steady sweeps (15 s apart): p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms,"
                f" max {max(times):.1f} ms; {sum(n for _, n in steady)} clocks spoke in {args.sweeps} sweeps"
            )
            print(
                f"  supervisor's list (2,000 complaints, ~200 open; the first 100 answered): p50 {percentile(listed, 50):.1f} ms,"
                f" p95 {percentile(listed, 95):.1f} ms"
            )


if __name__ == "__main__":
    main()
