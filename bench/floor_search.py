"""Benchmark: customer search and the floor board with 100,000 customers, on SQLite and PostgreSQL.

    .venv/bin/python bench/floor_search.py [--db sqlite|postgresql|both] [--customers 100000] [--queries 1000]

Generates realistic customers (server/demo.py: the same encryption, blind index and pinyin keys as the app)
into one branch, 300 waiting visits in it and 300 in each of 9 other branches, then times requests through
the Flask app in-process (routing, auth, validation, queries, JSON; no network). Prints a Markdown table
for docs/benchmarks.md. Targets: search p95 < 30 ms per kind, floor p95 < 20 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import text

from server import create_app, demo
from server.auth import service as accounts
from server.branches import service as branches
from server.branches.models import touch_floor
from server.checks import faults
from server.checks.schemas import FaultIn
from server.config import TestConfig
from server.customers.models import Customer
from server.extensions import db

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "lobbypad_bench"
PASSWORD = "bench-password-1"


def database_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite'}"
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{PG_SCHEMA}"')
    return f"{PG_URL}?options={quote(f'-csearch_path={PG_SCHEMA}')}"


def build(app, rows: list[dict], visits_per_branch: int) -> None:
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        main = branches.create_branch("BENCH", "Bench branch")
        accounts.create_user(
            username="bench", display_name="Bench", role="lobby_manager", branch=main, password=PASSWORD
        )
        others = [branches.create_branch(f"OTHER{n}", f"Other {n}") for n in range(9)]
        db.session.flush()
        for row in rows:
            row["branch_id"] = main.id
        demo.insert_customers(rows)
        sample = list(db.session.query(Customer).filter_by(branch_id=main.id).limit(2000))
        for branch in [main, *others]:  # the served ones are the history the board's wait estimate reads
            db.session.add_all(
                demo.visit_rows(branch, sample if branch is main else [], rng, waiting=visits_per_branch, done=150)
            )
        db.session.commit()
        # Two open faults: the board shows its fault strip and asks what self-service can no longer do.
        lobby = next(u for u in accounts.list_users(main.id) if u.username == "bench")
        atm = next(a for a in faults.list_assets(lobby) if a.kind == "atm")
        faults.report_fault(lobby, FaultIn(asset=atm.id, symptom="Out of cash"))
        faults.report_fault(lobby, FaultIn(symptom="Form desk out of pens", severity="impaired"))
        db.session.commit()
        with db.engine.begin() as conn:  # fresh statistics, as a maintained database has
            conn.execute(text("ANALYZE"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client, url: str, runs: list[float], counts: list[int], key: str) -> None:
    start = time.perf_counter()
    response = client.get(url)
    runs.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, response.get_data(as_text=True)
    counts.append(len(response.get_json()[key]))


def measure(app, rows: list[dict], queries: int) -> dict[str, tuple]:
    rng = random.Random(11)
    client = app.test_client()
    assert client.post("/api/v1/auth/login", json={"username": "bench", "password": PASSWORD}).status_code == 200
    kinds = {
        "pinyin initials (lxs)": lambda r: r["name_initials"],
        "full pinyin prefix (lixiao)": lambda r: r["name_pinyin"][: max(4, len(r["name_pinyin"]) - 2)],
        "hanzi name (李小山)": lambda r: r["full_name"],
        "last 4 of phone (5678)": lambda r: r["phone_last4"],
        "full phone (13812345678)": lambda r: r["phone"],
    }
    results = {}
    for name, make in kinds.items():
        runs, counts = [], []
        for _ in range(20):  # warm-up
            timed(client, "/api/v1/customers?q=" + quote(make(rng.choice(rows))), [], [], "customers")
        for _ in range(queries):
            timed(client, "/api/v1/customers?q=" + quote(make(rng.choice(rows))), runs, counts, "customers")
        results[name] = (percentile(runs, 50), percentile(runs, 95), percentile(runs, 99), statistics.mean(counts))
    with app.app_context():
        branch_id = branches.get_branch_by_code("BENCH").id
    for name, changed in (
        ("floor board, poll (floor unchanged)", False),
        ("floor board, rebuilt after a change", True),
    ):
        runs, counts = [], []
        for n in range(20 + queries):
            if changed:  # what an arrival or a step does to the board (not timed)
                with app.app_context():
                    touch_floor(branch_id)
                    db.session.commit()
            timed(client, "/api/v1/floor", runs if n >= 20 else [], counts, "visits")
        results[name] = (percentile(runs, 50), percentile(runs, 95), percentile(runs, 99), statistics.mean(counts))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--visits", type=int, default=300)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lobbypad-bench-"))
    generator = create_app(TestConfig(f"sqlite:///{tmp / 'gen.sqlite'}", instance_path=tmp / "instance"))
    started = time.perf_counter()
    with generator.app_context():
        rows = demo.customer_rows("-" * 36, args.customers, random.Random(2026))
        phones = [generator.extensions["lobbypad.vault"].decrypt("phone", r["phone_cipher"]) for r in rows]
    print(f"generated {len(rows)} customers in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    report = []
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        app = create_app(TestConfig(database_url(kind, tmp), instance_path=tmp / "instance"))
        started = time.perf_counter()
        build(app, [dict(r) for r in rows], args.visits)
        print(f"{kind}: loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        queries = [dict(r, phone=p) for r, p in zip(rows, phones, strict=True)]
        for name, (p50, p95, p99, mean_count) in measure(app, queries, args.queries).items():
            report.append(f"| {kind} | {name} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {mean_count:.1f} |")
        with app.app_context():
            db.engine.dispose()
    print(
        f"\n{args.customers:,} customers in the branch, {args.visits} waiting visits per branch (10 branches), "
        f"{args.queries:,} requests per row, times in ms through the Flask app in-process.\n"
    )
    print("| database | request | p50 | p95 | p99 | mean results |")
    print("|---|---|---|---|---|---|")
    print("\n".join(report))


if __name__ == "__main__":
    main()
