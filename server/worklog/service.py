"""Adding to and reading the work log."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from server.common.clock import local_day_start, utcnow
from server.common.errors import Conflict, PermissionDenied
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
        WorkLogEntry.occurred_at >= day_start_utc,
        WorkLogEntry.occurred_at < day_start_utc + timedelta(days=1),
        WorkLogEntry.withdrawn_at.is_(None),
    )
    return list(db.session.scalars(scoped(stmt, WorkLogEntry, actor).order_by(WorkLogEntry.occurred_at)))


def get_entry(actor, entry_id: str) -> WorkLogEntry:
    return get_scoped_or_404(WorkLogEntry, entry_id, actor)


def correct_entry(actor, entry: WorkLogEntry, body: str) -> WorkLogEntry:
    """The author rewords a note of today; the same wording again changes nothing (a replayed correction)."""
    _check_correctable(actor, entry)
    if entry.body != body:
        entry.body, entry.edited_at = body, utcnow()
    return entry


def withdraw_entry(actor, entry: WorkLogEntry) -> WorkLogEntry:
    """The author takes back a note of today (kept with when it was withdrawn, no longer in the log)."""
    if entry.withdrawn_at is None:
        _check_correctable(actor, entry)
        entry.withdrawn_at = utcnow()
    return entry


def _check_correctable(actor, entry: WorkLogEntry) -> None:
    if entry.author_id != actor.id:
        raise PermissionDenied(_("Only the author may change a note of the work log."), code="not_author")
    if entry.withdrawn_at is not None:
        raise Conflict(_("This note was withdrawn."), code="withdrawn")
    if entry.occurred_at < local_day_start(actor.branch.timezone):
        raise Conflict(_("A note can be changed only on the day it was written."), code="day_closed")
