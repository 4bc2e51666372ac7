"""Checklist runs: one per branch, phase and day, ticked item by item from any phone (offline too), and
the templates they are made from, versioned so that editing one never changes a run already made."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.branches.models import Branch
from server.checks.codes import Category, Result
from server.checks.faults import report_fault
from server.checks.models import Asset, ChecklistTemplate, CheckRun, CheckTick, Photo, TemplateItem
from server.checks.schemas import FaultIn, RunIn, TemplateIn, TickIn, item_text
from server.checks.seed import ensure_seeded
from server.common.clock import utcnow
from server.common.errors import Conflict, NotFound, ValidationFailed
from server.common.locking import lock
from server.common.policy import get_scoped_or_404
from server.extensions import db

# Run ids are uuid5(RUN_NAMESPACE, "<branch id>/<phase>/<YYYY-MM-DD>"): static/js/views/checks.js makes the same.
RUN_NAMESPACE = uuid.UUID("6f1d0c5e-8b7a-4c1e-9a53-1f0e6b2d4c77")


def run_id(branch_id: str, phase: str, day: date) -> str:
    return str(uuid.uuid5(RUN_NAMESPACE, f"{branch_id}/{phase}/{day.isoformat()}"))


def local_today(branch: Branch, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(branch.timezone)).date()


def current_template(branch: Branch, phase: str) -> ChecklistTemplate | None:
    return db.session.scalar(
        select(ChecklistTemplate)
        .options(selectinload(ChecklistTemplate.items).selectinload(TemplateItem.asset))
        .where(ChecklistTemplate.branch_id == branch.id, ChecklistTemplate.phase == phase, ChecklistTemplate.current)
    )


def templates(actor: User) -> list[ChecklistTemplate]:
    ensure_seeded(actor.home_branch)
    return list(
        db.session.scalars(
            select(ChecklistTemplate)
            .options(selectinload(ChecklistTemplate.items).selectinload(TemplateItem.asset))
            .where(ChecklistTemplate.branch_id == actor.branch_id, ChecklistTemplate.current)
            .order_by(ChecklistTemplate.created_at)
        )
    )


def save_template(actor: User, phase: str, data: TemplateIn) -> ChecklistTemplate:
    """A new version of the phase's checklist (a new phase when the branch has none of that name). Lines
    given with an id keep their code and asset unless changed; lines left out are retired."""
    branch = actor.home_branch
    ensure_seeded(branch)
    lock(branch)
    before = current_template(branch, phase)
    old = {item.id: item for item in before.items} if before else {}
    lines = []
    for position, line in enumerate(data.items):
        kept = old.get(line.id) if line.id else None
        if line.id and kept is None:
            raise ValidationFailed(fields={"items": _("A line to keep is not in the current checklist.")})
        asset = get_scoped_or_404(Asset, line.asset, actor) if line.asset else None
        if asset is None and kept is not None and line.asset is None and line.category == Category.EQUIPMENT:
            asset = kept.asset
        reworded = line.text if kept is None or (line.text and line.text != item_text(kept)) else None
        lines.append(
            TemplateItem(
                position=position,
                code=kept.code if kept is not None and reworded is None else None,
                text=reworded if kept is None or reworded else kept.text,
                category=line.category,
                asset=asset,
            )
        )
    if before is not None:
        before.current = False
    template = ChecklistTemplate(
        branch_id=branch.id,
        phase=phase,
        name=data.name or (before.name if before else None),
        version=(before.version + 1) if before else 1,
        current=True,
        created_by_id=actor.id,
        items=lines,
    )
    db.session.add(template)
    db.session.flush()
    return template


def start_run(actor: User, data: RunIn) -> tuple[CheckRun, bool]:
    """The day's run of a phase: made from the current template, or the one already started (by any phone)."""
    branch = actor.home_branch
    ensure_seeded(branch)
    day = data.date or local_today(branch)
    lock(branch)  # two phones starting the day's run at once: the second gets the first's
    record_id = (data.id or run_id(branch.id, data.phase, day)).lower()
    existing = _run_of(branch.id, data.phase, day) or db.session.get(CheckRun, record_id)
    if existing is not None:
        if existing.branch_id != branch.id:
            raise Conflict(_("A different record with this id already exists."), code="id_conflict")
        return existing, False
    template = current_template(branch, data.phase)
    if template is None:
        raise NotFound(_("This branch has no such checklist."), code="no_checklist")
    run = CheckRun(id=record_id, branch_id=branch.id, template=template, phase=data.phase, day=day, started_by=actor)
    db.session.add(run)
    db.session.flush()
    return run, True


def _run_of(branch_id: str, phase: str, day: date) -> CheckRun | None:
    return db.session.scalar(
        select(CheckRun).where(CheckRun.branch_id == branch_id, CheckRun.phase == phase, CheckRun.day == day)
    )


def runs_of_day(actor: User, day: date, phase: str | None) -> list[CheckRun]:
    stmt = (
        select(CheckRun)
        .options(
            selectinload(CheckRun.ticks).selectinload(CheckTick.actor),
            selectinload(CheckRun.template).selectinload(ChecklistTemplate.items).selectinload(TemplateItem.asset),
            selectinload(CheckRun.started_by),
        )
        .where(CheckRun.branch_id == actor.branch_id, CheckRun.day == day)
    )
    if phase:
        stmt = stmt.where(CheckRun.phase == phase)
    return list(db.session.scalars(stmt.order_by(CheckRun.started_at)))


def get_run(actor: User, run_id: str) -> CheckRun:
    return get_scoped_or_404(CheckRun, run_id, actor)


def tick(actor: User, run_id: str, item_id: str, data: TickIn) -> CheckRun:
    """One phone's answer to an item. Every tick is kept; the latest by the device's time is the item's
    result. A fault opens the item's fault (or adds to the one open for the same machine and words)."""
    run = get_run(actor, run_id)
    lock(run)
    known = db.session.get(CheckTick, data.id.lower())
    if known is not None:
        if known.run_id != run.id or known.item_id != item_id:
            raise Conflict(_("A different record with this id already exists."), code="id_conflict")
        return run
    item = next((i for i in run.template.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_("This line is not on the checklist."), code="no_such_item")
    when = data.occurred_at or utcnow()
    photo = get_scoped_or_404(Photo, data.photo_id.lower(), actor) if data.photo_id else None
    fault_id = None
    if data.result == Result.FAULT:
        fault, _created = report_fault(
            actor,
            FaultIn(id=data.id, asset=item.asset_id, symptom=data.note or item_text(item), since=when),
        )
        fault_id = fault.id
    db.session.add(
        CheckTick(
            id=data.id.lower(),
            run=run,
            item_id=item.id,
            result=data.result,
            note=data.note or None,
            fault_id=fault_id,
            photo_id=photo.id if photo else None,
            actor=actor,
            occurred_at=when,
        )
    )
    db.session.flush()
    _complete_when_every_item_answered(run, when)
    return run


def _complete_when_every_item_answered(run: CheckRun, when: datetime) -> None:
    if run.completed_at is not None:
        return
    answered = {t.item_id for t in run.ticks}
    if all(item.id in answered for item in run.template.items):
        db.session.execute(
            update(CheckRun)
            .where(CheckRun.id == run.id, CheckRun.completed_at.is_(None))
            .values(completed_at=max(when, *(t.occurred_at for t in run.ticks)))
        )
        db.session.refresh(run)
