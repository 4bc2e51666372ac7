"""Care follows the floor and the branch's settings: connected to their events when the app is created."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from server.auth.models import User
from server.branches import events as branch_events
from server.branches.models import Branch
from server.branches.settings import BranchSettings
from server.care import scheduling
from server.care.models import CareTask
from server.care.service import open_by_visit
from server.common.clock import utcnow
from server.customers import events as customer_events
from server.customers.models import Customer
from server.extensions import db
from server.floor import events as floor_events
from server.floor.codes import EventType
from server.floor.models import Visit
from server.notifications.service import forget_notifications


def subscribe() -> None:
    floor_events.visit_arrived.connect(_visit_arrived)
    floor_events.visit_changed.connect(_visit_changed)
    floor_events.board_rows.connect(_board_rows)
    branch_events.settings_changed.connect(_settings_changed)
    customer_events.customer_erased.connect(_forget_care_notes)


def _settings_of(visit: Visit) -> BranchSettings:
    return db.session.get_one(Branch, visit.branch_id).settings


def _visit_arrived(visit: Visit) -> None:
    scheduling.visit_arrived(visit, _settings_of(visit), utcnow())


def _visit_changed(visit: Visit, *, kind: EventType, when: datetime, actor: User | None, note: str | None) -> None:
    scheduling.visit_changed(visit, kind, when, actor, note, _settings_of(visit), utcnow())


def _settings_changed(branch: Branch, *, before: BranchSettings, after: BranchSettings) -> None:
    scheduling.settings_changed(branch, before, after)


def _board_rows(branch_id: str, *, visit_ids: list[str]) -> dict[str, dict]:
    tasks = open_by_visit(branch_id)
    return {visit_id: {"care_tasks": tasks.get(visit_id, [])} for visit_id in visit_ids}


def _forget_care_notes(customer: Customer) -> None:
    """Care given stays counted; notes about the customer and what notifications said of them go."""
    tasks = list(
        db.session.scalars(
            select(CareTask.id).join(Visit, Visit.id == CareTask.visit_id).where(Visit.customer_id == customer.id)
        )
    )
    if tasks:
        db.session.execute(update(CareTask).where(CareTask.id.in_(tasks)).values(note=None))
        forget_notifications("care_task", tasks)
