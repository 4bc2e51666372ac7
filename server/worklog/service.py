"""Adding to and reading the work log."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.common.clock import utcnow
from server.common.idempotency import create_once, fingerprint
from server.common.policy import get_scoped_or_404, scoped
from server.extensions import db
from server.worklog.models import WorkLogEntry


def add_entry(actor, *, entry_id: str, body: str, occurred_at: datetime | None) -> tuple[WorkLogEntry, bool]:
    """Record a note in the actor's branch log; a replay of the same note returns the stored one."""
    when = occurred_at or utcnow()
    payload = fingerprint(author=actor.id, body=body, occurred_at=occurred_at)
    return create_once(
        WorkLogEntry,
        entry_id.lower(),
        payload,
        lambda: WorkLogEntry(branch_id=actor.branch_id, author_id=actor.id, body=body, occurred_at=when),
    )


def entries_of_day(actor, day_start_utc: datetime) -> list[WorkLogEntry]:
    """The branch's notes of one local day, oldest first."""
    stmt = select(WorkLogEntry).where(
        WorkLogEntry.occurred_at >= day_start_utc, WorkLogEntry.occurred_at < day_start_utc + timedelta(days=1)
    )
    return list(db.session.scalars(scoped(stmt, WorkLogEntry, actor).order_by(WorkLogEntry.occurred_at)))


def get_entry(actor, entry_id: str) -> WorkLogEntry:
    return get_scoped_or_404(WorkLogEntry, entry_id, actor)
