"""Closing care tasks (done with what was done, or skipped with why), the task list and today's timing."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.branches.models import touch_floor
from server.campaigns import service as campaigns
from server.care import scheduling
from server.care.labels import ACTION_NAMES, STATUS_NAMES
from server.care.models import ACTIONS_BY_KIND, CareAction, CareKind, CareStatus, CareTask, SkipReason
from server.care.schemas import DoneIn, SkipIn
from server.common.clock import local_day_start, utcnow
from server.common.errors import Conflict, NotFound, ValidationFailed
from server.common.locking import lock
from server.common.policy import get_scoped_or_404
from server.customers.schemas import greeting_name
from server.extensions import db
from server.floor import service as floor
from server.floor.codes import OPEN_STATUSES, EventType, VisitStatus
from server.floor.models import Visit

LIST_LIMIT = 200


def get_task(actor: User, task_id: str) -> CareTask:
    task = get_scoped_or_404(CareTask, task_id, actor)
    if task.status == CareStatus.SCHEDULED:
        raise NotFound()  # not due yet: not a task anyone has been given
    return task


def _locked(actor: User, task_id: str) -> CareTask:
    """The task, locked for this transaction and read afresh (the page's outbox and the service worker may
    send the same step at once; two lobby managers may answer the same push)."""
    task = get_task(actor, task_id)
    lock(task)
    return task


def complete(actor: User, task_id: str, data: DoneIn) -> CareTask:
    """Care given. Waiting care is also a step of the visit (the board's next care time moves on); moving
    the customer to another channel is the second triage and changes the visit's channel."""
    task = _locked(actor, task_id)
    if (
        task.status == CareStatus.DONE
        and task.done_by_id == actor.id
        and task.actions == [a.value for a in data.actions]
    ):
        return task  # sent again by the outbox
    if task.status == CareStatus.DONE or (
        task.status == CareStatus.SKIPPED and task.skip_reason != SkipReason.VISIT_MOVED_ON
    ):
        raise _closed(task)
    offered = ACTIONS_BY_KIND[task.kind]
    wrong = [a.value for a in data.actions if a not in offered]
    if wrong:
        raise ValidationFailed(fields={"actions": _("Not a choice for this task: %(codes)s.", codes=", ".join(wrong))})
    now = utcnow()
    when = min(data.occurred_at or now, now)
    _check_product(actor, data, when)
    # Care given offline after the customer was called still counts: it happened.
    scheduling.close(task, CareStatus.DONE, when, actor, note=data.note, actions=[a.value for a in data.actions])
    task.checked, task.product = data.checked, data.product
    visit = task.visit
    if CareAction.MOVED_CHANNEL in data.actions:
        if visit.status not in (VisitStatus.WAITING, VisitStatus.CALLED):
            raise Conflict(
                _("Ticket %(ticket)s is no longer waiting, so it cannot be moved.", ticket=visit.ticket),
                code="invalid_transition",
                details={"status": visit.status.value},
            )
        if data.channel != visit.channel:
            floor.record_step(
                visit,
                EventType.REROUTED,
                when=when,
                actor=actor,
                channel=data.channel,
                note=data.note or _("Second triage"),
            )
    if task.kind == CareKind.WAIT_CARE and visit.status in OPEN_STATUSES:
        floor.record_step(visit, EventType.CARE, when=when, actor=actor, note=_action_line(data))
    return task


def _check_product(actor: User, data: DoneIn, when: datetime) -> None:
    """A product introduced is one of the branch's products of the month, named when the month has some."""
    month = campaigns.month_of(when.astimezone(ZoneInfo(actor.home_branch.timezone)))
    names = {p.name for p in campaigns.products_of(actor.home_branch.id, month)}
    if data.product is not None and data.product not in names:
        raise ValidationFailed(fields={"product": _("Not one of this month's products.")})
    if names and CareAction.PRODUCT_INTRODUCED in data.actions and data.product is None:
        raise ValidationFailed(fields={"product": _("Say which product of the month you introduced.")})


def skip(actor: User, task_id: str, data: SkipIn) -> CareTask:
    task = _locked(actor, task_id)
    if task.status == CareStatus.SKIPPED and task.skip_reason == data.reason and task.done_by_id == actor.id:
        return task
    if task.status != CareStatus.OPEN:
        raise _closed(task)
    now = utcnow()
    scheduling.close(
        task, CareStatus.SKIPPED, min(data.occurred_at or now, now), actor, reason=data.reason, note=data.note
    )
    return task


def take(actor: User, task_id: str) -> CareTask:
    """ "I'll take it": the task is this lobby manager's; its reminders now go to them alone, and the other
    phones show who is on it (two people do not walk to the same customer). Taking it again changes nothing."""
    task = _locked(actor, task_id)
    if task.status != CareStatus.OPEN:
        raise _closed(task)
    if task.assignee_id not in (None, actor.id):
        raise Conflict(
            _("%(name)s is already on it.", name=task.assignee.display_name if task.assignee else ""),
            code="task_taken",
            details={"assignee_id": task.assignee_id},
        )
    if task.assignee_id is None:
        task.assignee = actor
        touch_floor(task.branch_id)
    return task


def _closed(task: CareTask) -> Conflict:
    by = task.done_by.display_name if task.done_by else _("the system")
    return Conflict(
        _("Already %(status)s by %(name)s.", status=str(STATUS_NAMES[task.status]), name=by),
        code="task_closed",
        details={"status": task.status.value},
    )


def _action_line(data: DoneIn) -> str:
    names = "、".join(str(ACTION_NAMES[a]) for a in data.actions)
    return f"{names} · {data.note}" if data.note else names


# Accompanying a customer in the green channel, or a VIP to the lounge, comes before everything else.
PRIORITY_KINDS = (CareKind.GREEN_CHANNEL, CareKind.VIP_LOUNGE)


def list_tasks(actor: User, state: str, now: datetime) -> list[CareTask]:
    """Today's open tasks, priority care first, then earliest due; or today's closed ones, latest first."""
    day_start = local_day_start(actor.home_branch.timezone, now)
    stmt = (
        select(CareTask)
        .options(
            selectinload(CareTask.visit).selectinload(Visit.customer),
            selectinload(CareTask.done_by),
            selectinload(CareTask.assignee),
        )
        .where(CareTask.branch_id == actor.branch_id, CareTask.due_at >= day_start - scheduling.STALE_AFTER)
    )
    if state == "open":
        stmt = stmt.where(CareTask.status == CareStatus.OPEN).order_by(
            case((CareTask.kind.in_(PRIORITY_KINDS), 0), else_=1), CareTask.due_at
        )
    else:
        stmt = stmt.where(
            CareTask.status.in_((CareStatus.DONE, CareStatus.SKIPPED)), CareTask.done_at >= day_start
        ).order_by(CareTask.done_at.desc())
    return list(db.session.scalars(stmt.limit(LIST_LIMIT)))


def people_ahead(tasks: list[CareTask]) -> dict[str, int]:
    """Visit id → customers waiting ahead in the same channel, for the tasks' wording (one query)."""
    return scheduling.ahead_counts([t.visit for t in tasks])


def open_by_visit(branch_id: str) -> dict[str, list[dict]]:
    """For the board: each visit's open tasks (one indexed query)."""
    rows = db.session.execute(
        select(CareTask.visit_id, CareTask.id, CareTask.kind, CareTask.due_at)
        .where(CareTask.branch_id == branch_id, CareTask.status == CareStatus.OPEN)
        .order_by(CareTask.due_at)
    )
    found: dict[str, list[dict]] = {}
    for visit_id, task_id, kind, due_at in rows:
        found.setdefault(visit_id, []).append({"id": task_id, "kind": kind.value, "due_at": due_at.isoformat()})
    return found


def today_stats(actor: User, now: datetime) -> dict:
    """The supervisor's view of today's care: time from due to done (median, worst, per kind), what is
    still open, and the customers who waited past the tolerance without anyone caring for them."""
    branch = actor.home_branch
    settings = branch.settings
    day_start = local_day_start(branch.timezone, now)
    tasks = list(
        db.session.scalars(
            select(CareTask).where(
                CareTask.branch_id == branch.id, CareTask.due_at >= day_start, CareTask.status != CareStatus.SCHEDULED
            )
        )
    )
    done = [t for t in tasks if t.status == CareStatus.DONE and t.done_at is not None]

    def timing(items: list[CareTask]) -> dict:
        seconds = [max(0.0, (t.done_at - t.due_at).total_seconds()) for t in items if t.done_at]
        return {
            "done": len(seconds),
            "median_seconds": statistics.median(seconds) if seconds else None,
            "worst_seconds": max(seconds) if seconds else None,
        }

    tolerance = timedelta(minutes=settings.wait_tolerance_minutes)
    visits = db.session.scalars(
        select(Visit)
        .options(selectinload(Visit.customer))
        .where(
            Visit.branch_id == branch.id,
            Visit.arrived_at >= day_start,
            Visit.arrived_at <= now - tolerance,
            Visit.care_given_at.is_(None),
        )
        .order_by(Visit.arrived_at)
    )
    uncared = []
    for visit in visits:
        waited = (visit.called_at or visit.serving_at or visit.finished_at or now) - visit.arrived_at
        if waited >= tolerance:
            uncared.append(
                {
                    "visit_id": visit.id,
                    "ticket": visit.ticket,
                    "status": visit.status.value,
                    "waited_minutes": int(waited.total_seconds() // 60),
                    "customer": greeting_name(visit.customer) if visit.customer else None,
                }
            )
    return {
        "date": day_start.date().isoformat(),
        "wait_tolerance_minutes": settings.wait_tolerance_minutes,
        **timing(done),
        "by_kind": {kind.value: timing([t for t in done if t.kind == kind]) for kind in CareKind},
        "open": sum(1 for t in tasks if t.status == CareStatus.OPEN),
        "skipped": sum(1 for t in tasks if t.status == CareStatus.SKIPPED),
        "waited_without_care": uncared,
    }
