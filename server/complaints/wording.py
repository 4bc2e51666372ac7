"""What a complaint's clocks say, in the current language: the time left in plain words, the reminders'
and the escalations' titles and bodies (server/notifications/service.py `worded` picks the language)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from server.complaints.codes import DeadlineKind
from server.complaints.labels import DEADLINE_NAMES, LEVEL_NAMES


def time_left(span: timedelta) -> str:
    """ "12 days", "4 hours", "7 min" — the largest unit that is at least one, rounded down."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes >= 2 * 24 * 60:
        return ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))
    if minutes >= 120:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return _("%(n)s min", n=minutes)


def clock(kind: str, complaint, clock_row, now: datetime, *, is_owner: bool) -> tuple[str, str]:
    """Title and body of a reminder (`complaint.due`) or of a passed deadline (`complaint.escalated`)."""
    what = str(DEADLINE_NAMES[clock_row.kind])
    summary = _short(complaint.summary)
    if kind == "complaint.due":
        return _("%(what)s in %(left)s", what=what, left=time_left(clock_row.due_at - now)), summary
    if clock_row.kind == DeadlineKind.ON_SITE:
        if is_owner:
            return _("Not settled on site: hand the complaint to the service quality lead"), summary
        return (
            _("On-site complaint not settled: %(owner)s is handing it to you", owner=complaint.owner.display_name),
            summary,
        )
    if is_owner:
        return _("Deadline passed: %(what)s", what=what), summary
    return _("Complaint deadline passed at %(owner)s: %(what)s", owner=complaint.owner.display_name, what=what), summary


def step(kind: str, complaint, by) -> tuple[str, str]:
    """Title and body of what a step tells: handed to you, escalated, a media complaint."""
    summary = _short(complaint.summary)
    if kind == "complaint.assigned":
        return _("Complaint handed to you"), summary
    if kind == "complaint.media":
        return _("Media complaint: no interviews, the supervisor handles it"), summary
    level = str(LEVEL_NAMES[complaint.level])
    who = by.display_name if by else ""
    return _("Complaint escalated to %(level)s by %(name)s", level=level, name=who), summary


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


def discreet(kind: str) -> tuple[str, str]:
    """What the branch's group chat reads: that a complaint needs someone, nothing of what it says."""
    if kind == "complaint.due":
        return _("A complaint deadline is near"), ""
    return _("A complaint deadline has passed"), ""
