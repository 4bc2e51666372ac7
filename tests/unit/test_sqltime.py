"""Local dates, hours and weekdays computed in SQL equal Python's, on SQLite and PostgreSQL, for offsets east
and west of UTC and across midnight."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.common.sqltime import local_date, local_hour, local_weekday, seconds_between
from server.extensions import db
from server.floor.models import Visit
from tests.records_seed import visit


def test_local_parts_equal_pythons(app, make_branch):
    branch_id = make_branch("T001")
    rng = random.Random(5)
    instants = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(400 * 24 * 60)) for _ in range(300)]
    instants += [datetime(2026, 11, 30, 15, 50, tzinfo=UTC), datetime(2026, 11, 30, 16, 10, tzinfo=UTC)]
    with app.app_context():
        db.session.add_all(visit(branch_id, at, waited=rng.uniform(0, 90)) for at in instants)
        db.session.commit()
        for offset in (480, -300, 330, 0, 840, -720):
            shift = timedelta(minutes=offset)
            rows = db.session.execute(
                select(
                    Visit.arrived_at,
                    local_date(Visit.arrived_at, offset),
                    local_hour(Visit.arrived_at, offset),
                    local_weekday(Visit.arrived_at, offset),
                    seconds_between(Visit.called_at, Visit.arrived_at),
                    Visit.wait_seconds,
                )
            ).all()
            assert len(rows) == len(instants)
            for at, day, hour, weekday, seconds, kept in rows:
                local = at + shift
                assert (day, hour, weekday) == (local.date().isoformat(), local.hour, local.weekday()), (at, offset)
                assert seconds == kept
