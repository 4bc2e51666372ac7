"""What care tasks say: the notification's title and body, the task list's and the board's words, in the
current language (server/notifications/service.py `worded` puts them in the recipient's)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from server.branches.settings import BranchSettings
from server.care.models import CareKind, CareTask
from server.customers.schemas import discreet_name
from server.floor.labels import BUSINESS_NAMES, FLAG_NAMES
from server.floor.models import Visit


def _who(visit: Visit) -> str:
    # Lock screens and the branch group read these: the honorific, never the full name.
    return discreet_name(visit.customer) if visit.customer else visit.ticket


def waiting_line(visit: Visit, now: datetime, ahead: int) -> str:
    """ "A023 存款 已等 15 分钟，前面 3 位" — the same words on the phone, in the task list and on the board."""
    minutes = max(0, int((now - visit.arrived_at).total_seconds() // 60))
    return _(
        "%(ticket)s %(business)s has waited %(minutes)s min, %(ahead)s ahead",
        ticket=visit.ticket,
        business=str(BUSINESS_NAMES[visit.business_type]),
        minutes=minutes,
        ahead=ahead,
    )


def wording(task: CareTask, now: datetime, ahead: int) -> tuple[str, str]:
    """Title and body of the task's notification, in the current language (`ahead`: see ahead_counts)."""
    visit = task.visit
    who = _who(visit)
    if task.kind == CareKind.WAIT_CARE:
        line = waiting_line(visit, now, ahead)
        title = line if task.round == 1 and task.reminders == 0 else _("Still waiting: %(line)s", line=line)
        hint = _("Offer water or a newspaper, tell them how many are ahead, or move them to another channel.")
        return title, f"{who} · {hint}" if visit.customer else hint
    if task.kind == CareKind.VIP_LOUNGE:
        return (
            _("VIP %(who)s (%(ticket)s) cannot be served at once", who=who, ticket=visit.ticket),
            _("Accompany them to the VIP lounge and offer tea."),
        )
    if task.kind == CareKind.GREEN_CHANNEL:
        flags = ", ".join(str(FLAG_NAMES[f]) for f in visit.flags if f in FLAG_NAMES)
        return (
            _("Green channel: %(ticket)s (%(flags)s) — accompany now", ticket=visit.ticket, flags=flags),
            f"{who} · {BUSINESS_NAMES[visit.business_type]}",
        )
    if task.kind == CareKind.VIP_SEE_OFF:
        return (
            _("See off VIP %(who)s (%(ticket)s)", who=who, ticket=visit.ticket),
            _("Their business is done: ask whether they need anything else and see them to the door."),
        )
    if task.kind == CareKind.REROUTE:
        return (
            _("%(ticket)s: the self-service machines for this are out of order", ticket=visit.ticket),
            _("Take %(who)s to the counter (%(business)s).", who=who, business=BUSINESS_NAMES[visit.business_type]),
        )
    amount = f"{visit.amount:,.0f}" if visit.amount is not None else ""
    return (
        _("Cash escort: %(ticket)s withdrew ¥%(amount)s", ticket=visit.ticket, amount=amount),
        _("Escort %(who)s out or to their car.", who=who),
    )


def long_wait_wording(task: CareTask, now: datetime, ahead: int, settings: BranchSettings) -> tuple[str, str]:
    cared = _("Care was given.") if task.visit.care_given_at is not None else _("No care given yet.")
    return (
        _("Long wait: %(line)s", line=waiting_line(task.visit, now, ahead)),
        _(
            "Still waiting at %(times)s× the %(minutes)s-minute tolerance.",
            times=settings.long_wait_alert_multiple,
            minutes=settings.wait_tolerance_minutes,
        )
        + " "
        + cared,
    )
