"""When care falls due: tasks scheduled as the floor changes, opened (and pushed) by the worker's sweep.

A task is written as `scheduled` with its due time when the visit gives rise to it (an arrival, a visit
served); the sweep opens what has fallen due and tells the on-duty lobby managers. Each of the sweep's
steps is one indexed range scan plus a compare-and-set UPDATE, so several workers never open, remind or
alert twice, and no visit is looked at in Python unless something is due for it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.auth.service import supervisors
from server.branches.models import Branch, touch_floor
from server.branches.settings import BranchSettings
from server.care.models import CareKind, CareStatus, CareTask, SkipReason
from server.care.wording import long_wait_wording, wording
from server.common.clock import local_day_start
from server.common.roles import Role
from server.customers.models import Tier
from server.extensions import db
from server.floor.codes import BusinessType, Channel, EventType, VisitStatus
from server.floor.models import Visit
from server.notifications.service import Message, notify_many, worded

BATCH = 500  # tasks per step per sweep; a full batch is followed at once by the next sweep round
STALE_AFTER = timedelta(hours=12)  # a visit nobody closed yesterday is not today's care
# Gone from the waiting area (called, served, left): waiting care and the lounge no longer apply.
MOOT_WHEN_CALLED = (CareKind.WAIT_CARE, CareKind.VIP_LOUNGE, CareKind.REROUTE)
MOOT_WHEN_FINISHED = (*MOOT_WHEN_CALLED, CareKind.GREEN_CHANNEL)
CLOSED_VISIT = (VisitStatus.DONE, VisitStatus.LEFT, VisitStatus.CANCELLED)
PUSH_KINDS = {
    CareKind.WAIT_CARE: "wait.care",
    CareKind.VIP_LOUNGE: "care.accompany",
    CareKind.GREEN_CHANNEL: "care.accompany",
    CareKind.VIP_SEE_OFF: "escort.due",
    CareKind.CASH_ESCORT: "escort.due",
    CareKind.REROUTE: "care.accompany",
}


# --- what the floor's changes schedule ----------------------------------------------------------------


def visit_arrived(visit: Visit, settings: BranchSettings, now: datetime) -> None:
    """Schedule the care a new visit will need (the visit may not be flushed yet)."""
    if visit.status != VisitStatus.WAITING:
        return
    tolerance = timedelta(minutes=settings.wait_tolerance_minutes)
    _add(
        visit,
        CareKind.WAIT_CARE,
        visit.arrived_at + tolerance,
        now,
        alert_at=visit.arrived_at + tolerance * settings.long_wait_alert_multiple,
    )
    if visit.tier == Tier.VIP:
        _add(visit, CareKind.VIP_LOUNGE, visit.arrived_at + timedelta(minutes=settings.vip_lounge_minutes), now)
    if set(visit.flags or ()) & set(settings.green_channel_flags):
        _add(visit, CareKind.GREEN_CHANNEL, visit.arrived_at, now)


def visit_changed(
    visit: Visit,
    kind: EventType,
    when: datetime,
    actor: User | None,
    note: str | None,
    settings: BranchSettings,
    now: datetime,
) -> None:
    """Follow one step of a visit: care no longer needed is withdrawn, care now needed is raised."""
    if kind == EventType.LOGGED_IN_ERROR:  # the visit never was: none of its care is owed
        _withdraw(visit, tuple(CareKind), now)
    elif visit.status != VisitStatus.WAITING:
        _withdraw(visit, MOOT_WHEN_FINISHED if visit.status in CLOSED_VISIT else MOOT_WHEN_CALLED, now)
    elif kind == EventType.REROUTED and visit.channel != Channel.SELF_SERVICE:  # already moved: nothing to do
        _withdraw(visit, (CareKind.REROUTE,), now)
    if kind == EventType.SERVED:
        if visit.tier == Tier.VIP:
            _add(visit, CareKind.VIP_SEE_OFF, when, now)
        if (
            visit.business_type == BusinessType.WITHDRAWAL
            and visit.amount is not None
            and visit.amount >= settings.cash_escort_threshold
        ):
            _add(visit, CareKind.CASH_ESCORT, when, now)
    elif kind == EventType.CARE and visit.status == VisitStatus.WAITING:
        _cared(visit, when, actor, note, settings)
    elif kind == EventType.ESCORTED:
        for task in _tasks(visit, (CareKind.VIP_SEE_OFF, CareKind.CASH_ESCORT), (CareStatus.OPEN,)):
            close(task, CareStatus.DONE, when, actor, note=note)


def _cared(visit: Visit, when: datetime, actor: User | None, note: str | None, settings: BranchSettings) -> None:
    """Care given while waiting: an open waiting-care task is done, and the next round falls due after the
    reminder interval if they are still waiting then (the board shows the same due time)."""
    tasks = _tasks(visit, (CareKind.WAIT_CARE,), None)
    for task in tasks:
        if task.status == CareStatus.OPEN:
            close(task, CareStatus.DONE, when, actor, note=note)
    due = when + timedelta(minutes=settings.care_reminder_minutes)
    scheduled = next((t for t in tasks if t.status == CareStatus.SCHEDULED), None)
    if scheduled is not None:
        scheduled.due_at = due
    else:
        db.session.add(
            CareTask(
                branch_id=visit.branch_id,
                visit=visit,
                kind=CareKind.WAIT_CARE,
                due_at=due,
                round=max((t.round for t in tasks), default=0) + 1,
            )
        )


def reroute(visits: list[Visit], now: datetime) -> None:
    """Customers the triage sent to self-service machines that are now all down: a task, due at once, to take
    each to the counter (one open task per visit; a second breakdown later is a new round)."""
    for visit in visits:
        tasks = _tasks(visit, (CareKind.REROUTE,), None)
        if not any(task.status in (CareStatus.SCHEDULED, CareStatus.OPEN) for task in tasks):
            _add(visit, CareKind.REROUTE, now, now, round=len(tasks) + 1)


def _add(
    visit: Visit, kind: CareKind, due_at: datetime, now: datetime, alert_at: datetime | None = None, round: int = 1
) -> None:
    task = CareTask(
        branch_id=visit.branch_id,
        visit=visit,
        kind=kind,
        round=round,
        due_at=due_at,
        alert_at=alert_at,
        status=CareStatus.SCHEDULED,
    )
    db.session.add(task)
    if due_at <= now:  # due already (accompany now, see off now): no need to wait for the sweep
        db.session.flush()
        _open([task], now)


def _withdraw(visit: Visit, kinds: tuple[CareKind, ...], now: datetime) -> None:
    for task in _tasks(visit, kinds, None):
        task.alert_at = None
        if task.status == CareStatus.SCHEDULED:
            db.session.delete(task)  # never due: it was never a task
        elif task.status == CareStatus.OPEN:
            close(task, CareStatus.SKIPPED, now, None, reason=SkipReason.VISIT_MOVED_ON)


def _tasks(visit: Visit, kinds, statuses) -> list[CareTask]:
    stmt = select(CareTask).where(CareTask.visit_id == visit.id, CareTask.kind.in_(kinds))
    if statuses:
        stmt = stmt.where(CareTask.status.in_(statuses))
    return list(db.session.scalars(stmt.order_by(CareTask.round)))


def close(
    task: CareTask,
    status: CareStatus,
    when: datetime,
    actor: User | None,
    *,
    note: str | None = None,
    reason: SkipReason | None = None,
    actions: list[str] | None = None,
) -> None:
    task.status, task.done_at, task.done_by = status, when, actor
    task.next_reminder_at = None
    task.skip_reason, task.note = reason, note
    task.actions = actions or []
    touch_floor(task.branch_id)


def settings_changed(branch: Branch, before: BranchSettings, after: BranchSettings) -> None:
    """A new tolerance (or lounge time) applies to the customers waiting now, not only to new arrivals."""
    if (before.wait_tolerance_minutes, before.long_wait_alert_multiple, before.vip_lounge_minutes) == (
        after.wait_tolerance_minutes,
        after.long_wait_alert_multiple,
        after.vip_lounge_minutes,
    ):
        return
    tolerance = timedelta(minutes=after.wait_tolerance_minutes)
    tasks = db.session.scalars(
        select(CareTask)
        .options(selectinload(CareTask.visit))
        .where(
            CareTask.branch_id == branch.id,
            CareTask.round == 1,
            CareTask.kind.in_((CareKind.WAIT_CARE, CareKind.VIP_LOUNGE)),
            (CareTask.status == CareStatus.SCHEDULED) | CareTask.alert_at.is_not(None),
        )
    )
    for task in tasks:
        if task.visit.care_given_at is not None:
            continue  # care was given: the reminder interval runs, not the tolerance
        if task.kind == CareKind.VIP_LOUNGE:
            task.due_at = task.visit.arrived_at + timedelta(minutes=after.vip_lounge_minutes)
            continue
        if task.status == CareStatus.SCHEDULED:
            task.due_at = task.visit.arrived_at + tolerance
        if task.alert_at is not None:
            task.alert_at = task.visit.arrived_at + tolerance * after.long_wait_alert_multiple


# --- the sweep --------------------------------------------------------------------------------------


def sweep(now: datetime) -> int:
    """Open what fell due, remind of open waiting care, alert supervisors of long waits. Returns the count."""
    return _open_due(now) + _remind(now) + _alert_long_waits(now)


def _claim(candidates, condition, values: dict) -> list[str]:
    """Compare-and-set: of two workers that saw the same rows, each row is claimed by exactly one."""
    ids = list(db.session.scalars(candidates.limit(BATCH).with_for_update(skip_locked=True)))
    if not ids:
        return []
    return list(
        db.session.scalars(
            update(CareTask)
            .where(CareTask.id.in_(ids), condition)
            .values(**values)
            .returning(CareTask.id)
            .execution_options(synchronize_session=False)
        )
    )


def _load(ids: list[str]) -> list[CareTask]:
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(CareTask)
            .options(selectinload(CareTask.visit).selectinload(Visit.customer), selectinload(CareTask.assignee))
            .where(CareTask.id.in_(ids))
            .order_by(CareTask.due_at)
            .execution_options(populate_existing=True)
        )
    )


def _open_due(now: datetime) -> int:
    due = (CareTask.status == CareStatus.SCHEDULED) & (CareTask.due_at <= now)
    ids = _claim(
        select(CareTask.id).where(due).order_by(CareTask.due_at), due, {"status": CareStatus.OPEN, "opened_at": now}
    )
    tasks = _load(ids)
    fresh = [t for t in tasks if t.due_at > now - STALE_AFTER]
    for task in tasks:
        if task not in fresh:  # left over from a visit nobody closed: closed quietly
            close(task, CareStatus.SKIPPED, now, None, reason=SkipReason.VISIT_MOVED_ON)
    _open(fresh, now)
    return len(fresh)


def _open(tasks: list[CareTask], now: datetime) -> None:
    """Tasks that just opened: when to remind, who to tell."""
    if not tasks:
        return
    scope = _Scope.of(tasks)
    messages = []
    for task in tasks:
        task.status, task.opened_at = CareStatus.OPEN, task.opened_at or now
        if task.kind == CareKind.WAIT_CARE:
            reminder = timedelta(minutes=scope.settings[task.branch_id].care_reminder_minutes)
            task.next_reminder_at = max(task.due_at, now - reminder) + reminder
        messages += _floor_messages(task, now, scope)
    notify_many(messages)
    touch_floor(*scope.settings)


def _remind(now: datetime) -> int:
    due = (CareTask.next_reminder_at <= now) & (CareTask.status == CareStatus.OPEN)
    ids = _claim(
        select(CareTask.id).where(CareTask.next_reminder_at <= now).order_by(CareTask.next_reminder_at),
        due,
        {"next_reminder_at": None, "reminders": CareTask.reminders + 1},
    )
    tasks = [t for t in _load(ids) if t.due_at > now - STALE_AFTER]  # a stale one stays without a next reminder
    scope = _Scope.of(tasks)
    messages = []
    for task in tasks:
        # On the task's own cadence (due + k intervals), not the sweep's: a late sweep does not push it back.
        interval = timedelta(minutes=scope.settings[task.branch_id].care_reminder_minutes)
        task.next_reminder_at = task.due_at + interval * (task.reminders + 1)
        if task.next_reminder_at <= now:
            task.next_reminder_at = now + interval
        messages += _floor_messages(task, now, scope)
    notify_many(messages)
    return len(ids)


def _alert_long_waits(now: datetime) -> int:
    ids = _claim(
        select(CareTask.id).where(CareTask.alert_at <= now).order_by(CareTask.alert_at),
        CareTask.alert_at <= now,
        {"alert_at": None, "alerted_at": now},
    )
    tasks = [t for t in _load(ids) if t.visit.status == VisitStatus.WAITING and t.due_at > now - STALE_AFTER]
    scope = _Scope.of(tasks)
    messages = []
    for task in tasks:
        settings, ahead = scope.settings[task.branch_id], scope.ahead[task.visit_id]
        for supervisor in supervisors(task.branch_id):
            messages.append(
                worded(
                    supervisor,
                    "wait.long",
                    partial(long_wait_wording, task, now, ahead, settings),
                    url="/#dashboard",
                    ref=("care_task", task.id),
                    dedupe_key=f"wait.long:{task.id}:{supervisor.id}",
                    tag=task.tag,
                )
            )
    notify_many(messages)
    return len(tasks)


# --- who is told, and what they read ---------------------------------------------------------------


def floor_staff(branch_ids: set[str]) -> dict[str, list[User]]:
    """Who receives care notifications, per branch: the lobby managers on duty; when none is, the supervisors."""
    staff: dict[str, list[User]] = {branch_id: [] for branch_id in branch_ids}
    for user in db.session.scalars(
        select(User)
        .where(
            User.branch_id.in_(branch_ids),
            User.role == Role.LOBBY_MANAGER,
            User.active.is_(True),
            User.on_duty.is_(True),
        )
        .order_by(User.display_name)
    ):
        if user.branch_id:  # always, by the query
            staff[user.branch_id].append(user)
    for branch_id in [b for b, users in staff.items() if not users]:
        staff[branch_id] = supervisors(branch_id)
    return staff


@dataclass(frozen=True)
class _Scope:
    """What telling about a batch of tasks needs, read once for the batch instead of once per task."""

    settings: dict[str, BranchSettings]
    staff: dict[str, list[User]]
    ahead: dict[str, int]  # visit id → people ahead

    @classmethod
    def of(cls, tasks: list[CareTask]) -> _Scope:
        branch_ids = {t.branch_id for t in tasks}
        branches = {b.id: b for b in db.session.scalars(select(Branch).where(Branch.id.in_(branch_ids)))}
        return cls(
            {b: branch.settings for b, branch in branches.items()},
            floor_staff(branch_ids),
            ahead_counts([t.visit for t in tasks], branches),
        )


def _floor_messages(task: CareTask, now: datetime, scope: _Scope) -> list[Message]:
    ahead = scope.ahead[task.visit_id]
    return [
        worded(
            user,
            PUSH_KINDS[task.kind],
            lambda: wording(task, now, ahead),
            url=_tasks_url(user),
            ref=("care_task", task.id),
            dedupe_key=f"care:{task.id}:{task.reminders}:{user.id}",
            tag=task.tag,
        )
        for user in _told(task, scope)
    ]


def _tasks_url(user: User) -> str:
    return "/#tasks" if user.role == Role.LOBBY_MANAGER else "/#dashboard"


def _told(task: CareTask, scope: _Scope) -> list[User]:
    """Whoever took the task, while on duty; otherwise the branch's floor staff."""
    taker = task.assignee
    if taker is not None and taker.active and taker.on_duty:
        return [taker]
    return scope.staff[task.branch_id]


def ahead_counts(visits: list[Visit], branches: dict[str, Branch] | None = None) -> dict[str, int]:
    """Visit id → customers waiting in the same channel who arrived earlier the same day: one query for all."""
    if not visits:
        return {}
    branches = branches or {
        b.id: b for b in db.session.scalars(select(Branch).where(Branch.id.in_({v.branch_id for v in visits})))
    }
    day_starts = {v.id: local_day_start(branches[v.branch_id].timezone, v.arrived_at) for v in visits}
    waiting: dict[tuple[str, str], list[datetime]] = {}
    for branch_id, channel, arrived_at in db.session.execute(
        select(Visit.branch_id, Visit.channel, Visit.arrived_at).where(
            Visit.branch_id.in_(branches),
            Visit.status == VisitStatus.WAITING,
            Visit.arrived_at >= min(day_starts.values()),
        )
    ):
        waiting.setdefault((branch_id, channel), []).append(arrived_at)
    for times in waiting.values():
        times.sort()
    counts = {}
    for visit in visits:
        times = waiting.get((visit.branch_id, visit.channel), [])
        counts[visit.id] = bisect_left(times, visit.arrived_at) - bisect_left(times, day_starts[visit.id])
    return counts
