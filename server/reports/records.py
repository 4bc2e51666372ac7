"""The records behind a figure: the same conditions as its count, listed (newest first, at most LIMIT)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from server.cards.models import CardHandout
from server.care.models import CareTask
from server.checks.models import Fault
from server.complaints.models import Complaint
from server.customers.models import Customer
from server.extensions import db
from server.floor.models import Visit
from server.incidents.models import Incident
from server.referrals.models import Referral
from server.reports.measures import MEASURES, Measure, Scope, wait_seconds
from server.worklog.models import WorkLogEntry

LIMIT = 200

# What a list shows of each kind of record: no personal numbers, the customer by the greeting staff use.
COLUMNS: dict[Any, dict[str, Any]] = {
    Visit: {
        "ticket": Visit.ticket,
        "business_type": Visit.business_type,
        "status": Visit.status,
        "wait_seconds": wait_seconds,
    },
    CareTask: {"kind": CareTask.kind, "status": CareTask.status, "visit_id": CareTask.visit_id},
    Customer: {"family_name": Customer.family_name, "honorific": Customer.honorific, "tier": Customer.tier},
    CardHandout: {"card_type": CardHandout.card_type, "serial": CardHandout.serial},
    Referral: {"status": Referral.status, "urgency": Referral.urgency, "outcome": Referral.outcome},
    Complaint: {"summary": Complaint.summary, "status": Complaint.status, "received_via": Complaint.received_via},
    Incident: {"kind": Incident.kind, "note": Incident.note},
    Fault: {"symptom": Fault.symptom, "status": Fault.status},
    WorkLogEntry: {"body": WorkLogEntry.body},
}

# When a record reached the server: one that reached it after the day's log was submitted is "late".
RECEIVED: dict[Any, Any] = {
    Visit: Visit.received_at,
    Referral: Referral.received_at,
    Complaint: Complaint.recorded_at,
    Incident: Incident.recorded_at,
    Fault: Fault.recorded_at,
    WorkLogEntry: WorkLogEntry.received_at,
}
LATE_MEASURES = (
    "visits.arrivals",
    "referrals.made",
    "complaints.received",
    "incidents.reported",
    "faults.opened",
    "worklog.notes",
)


def records(scope: Scope, measure_name: str) -> tuple[list[dict], int]:
    """The records a figure counts (at most LIMIT, newest first) and how many there are in all."""
    measure = MEASURES[measure_name]
    total = db.session.scalar(select(func.count()).select_from(measure.model).where(*measure.where(scope))) or 0
    return _listed(measure, measure.where(scope)), int(total)


def late_records(scope: Scope, submitted_at: datetime) -> list[dict]:
    """Records of the period that reached the server after `submitted_at` (a phone that was offline)."""
    late: list[dict] = []
    for name in LATE_MEASURES:
        measure = MEASURES[name]
        rows = _listed(measure, [*measure.where(scope), RECEIVED[measure.model] > submitted_at])
        late.extend({**row, "measure": name} for row in rows)
    return sorted(late, key=lambda row: row["at"])


def _listed(measure: Measure, conditions: list) -> list[dict]:
    columns = COLUMNS[measure.model]
    stmt = (
        select(measure.model.id, measure.when, *columns.values())
        .where(*conditions)
        .order_by(measure.when.desc())
        .limit(LIMIT)
    )
    return [_row(measure.model, row, list(columns)) for row in db.session.execute(stmt)]


def _row(model: Any, row, names: list[str]) -> dict:
    record_id, at, *values = row
    shown = {name: getattr(value, "value", value) for name, value in zip(names, values, strict=True)}
    if "wait_seconds" in shown:  # shown in minutes, as everywhere on the phone
        seconds = shown.pop("wait_seconds")
        shown["waited_minutes"] = None if seconds is None else round(seconds / 60, 1)
    return {"id": record_id, "type": model.__tablename__, "at": at.isoformat() if at else None, **shown}
