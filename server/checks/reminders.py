"""The checks' clocks, run by the worker: the before-opening checklist not complete 15 minutes before
opening (the lobby managers on duty are reminded) and at opening (the supervisors are alerted); tickets
already issued 5 minutes before opening (pre-issue them to the queue); a fault open too long (the
supervisors hear of it once).

Each message carries a dedupe key of the branch, the day and the person, so that every sweep of the
window may look again and still nobody is told twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.auth.service import supervisors
from server.branches.models import Branch
from server.checks.codes import Phase
from server.checks.models import ChecklistTemplate, CheckRun, Fault
from server.checks.schemas import asset_name
from server.common.roles import Role
from server.common.sweeps import claim_due
from server.extensions import db
from server.floor.models import Visit
from server.notifications.service import Message, notify_many, worded

REMIND_BEFORE = timedelta(minutes=15)
PREISSUE_BEFORE = timedelta(minutes=5)
ALERT_FOR = timedelta(hours=1)  # a worker started later than that does not alert about the morning
BATCH = 200
CHECKS_URL = "/#checks"


def sweep(now: datetime) -> int:
    """Everything the checks' clocks have to say at `now`; returns how many notifications were raised."""
    return _opening(now) + _faults_open_long(now)


def _opening(now: datetime) -> int:
    messages: list[Message] = []
    keeps_checks = (
        select(ChecklistTemplate.id)
        .where(
            ChecklistTemplate.branch_id == Branch.id,
            ChecklistTemplate.phase == Phase.BEFORE_OPENING.value,
            ChecklistTemplate.current.is_(True),
        )
        .exists()
    )
    # Branches that keep their checks in the app (a checklist, made on first use): the others have none to finish.
    for branch in db.session.scalars(select(Branch).where(keeps_checks)):
        settings = branch.settings
        zone = ZoneInfo(branch.timezone)
        today = now.astimezone(zone).date()
        if today in settings.holidays:  # weekends are not skipped: branches open on Saturdays and Sundays
            continue
        opening = datetime.combine(today, time.fromisoformat(settings.opening_time), zone)
        if not opening - REMIND_BEFORE <= now < opening + ALERT_FOR:
            continue
        day = today.isoformat()
        if not _done_before_opening(branch, today):
            if now < opening:
                messages += [_checks_message(person, "checks.due", day) for person in _floor(branch)]
            else:
                messages += [_checks_message(person, "checks.overdue", day) for person in supervisors(branch.id)]
        if opening - PREISSUE_BEFORE <= now < opening and _tickets_issued(branch, opening - timedelta(hours=3)):
            messages += [_preissue_message(person, day) for person in _floor(branch)]
    return len(notify_many(messages))


def _done_before_opening(branch: Branch, day) -> bool:
    return (
        db.session.scalar(
            select(CheckRun.completed_at).where(
                CheckRun.branch_id == branch.id, CheckRun.phase == Phase.BEFORE_OPENING.value, CheckRun.day == day
            )
        )
        is not None
    )


def _tickets_issued(branch: Branch, since: datetime) -> bool:
    count = db.session.scalar(
        select(func.count(Visit.id)).where(Visit.branch_id == branch.id, Visit.arrived_at >= since)
    )
    return bool(count)


def _floor(branch: Branch) -> list[User]:
    """The lobby managers on duty, or the supervisors when none is."""
    on_duty = list(
        db.session.scalars(
            select(User).where(
                User.branch_id == branch.id,
                User.role == Role.LOBBY_MANAGER,
                User.active.is_(True),
                User.on_duty.is_(True),
            )
        )
    )
    return on_duty or supervisors(branch.id)


def _checks_message(person: User, kind: str, day: str) -> Message:
    def text() -> tuple[str, str]:
        if kind == "checks.due":
            return _("Before-opening checks not finished"), _("The branch opens in 15 minutes.")
        return _("The branch opened with its checks unfinished"), _("The before-opening checklist is not complete.")

    return worded(
        person,
        kind,
        text,
        url=CHECKS_URL,
        ref=("checks", day),
        dedupe_key=f"{kind}:{person.branch_id}:{day}:{person.id}",
        tag=f"checks-{day}",
        group=lambda: (text()[0], ""),
    )


def _preissue_message(person: User, day: str) -> Message:
    return worded(
        person,
        "checks.preissue",
        lambda: (_("Customers are queueing"), _("Pre-issue tickets to the queue: the branch opens in 5 minutes.")),
        url="/#floor",
        ref=("checks", day),
        dedupe_key=f"checks.preissue:{person.branch_id}:{day}:{person.id}",
        tag=f"preissue-{day}",
    )


def _faults_open_long(now: datetime) -> int:
    claimed = claim_due(Fault.remind_at, now, BATCH)
    if not claimed:
        return 0
    faults = db.session.scalars(
        select(Fault)
        .options(selectinload(Fault.asset))
        .where(Fault.id.in_(claimed))
        .execution_options(populate_existing=True)
    )
    leads: dict[str, list[User]] = {}
    messages = []
    for fault in faults:
        people = leads.setdefault(fault.branch_id, supervisors(fault.branch_id))
        messages += [_open_long_message(person, fault, now) for person in people]
    return len(notify_many(messages))


def _open_long_message(person: User, fault: Fault, now: datetime) -> Message:
    def text() -> tuple[str, str]:
        what = f"{asset_name(fault.asset)}: {fault.symptom}" if fault.asset else fault.symptom
        hours = int((now - fault.since).total_seconds() // 3600)
        return _("A fault has been open for %(hours)s hours", hours=hours), what

    return worded(
        person,
        "fault.open_long",
        text,
        url=f"/#checks/fault/{fault.id}",
        ref=("fault", fault.id),
        dedupe_key=f"fault.open_long:{fault.id}:{person.id}",
        tag=f"fault-{fault.id}",
    )
