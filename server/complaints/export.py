"""The regulatory export: a date range of complaints as CSV, with the three axis codes, the dates, each
deadline met or missed, and the outcome. UTF-8 with a BOM, so that Excel in Chinese opens it as such."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.common.spreadsheet import safe_cell
from server.complaints.codes import STANDARD_NUMBERS, DeadlineKind
from server.complaints.models import Complaint
from server.complaints.schemas import deadline_state
from server.extensions import db

HEADERS = [
    "complaint_id",
    "received_at",
    "received_via",
    "arose_at",
    "arose_at_no",
    "business",
    "business_no",
    "cause",
    "cause_no",
    "severity",
    "status",
    "level",
    "summary",
    *[f"{kind.value}_{column}" for kind in DeadlineKind for column in ("due", "result")],
    "replied_at",
    "reply_how",
    "resolution",
    "customer_response",
    "root_cause",
    "fix",
    "valid",
    "closed_at",
]


def complaints_csv(branch_id: str, tz: str, first: date, last: date, now: datetime) -> tuple[str, int]:
    """(CSV text with its BOM, number of complaints) received from `first` to `last`, branch dates."""
    zone = ZoneInfo(tz)
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end = datetime(last.year, last.month, last.day, tzinfo=zone) + timedelta(days=1)
    complaints = db.session.scalars(
        select(Complaint)
        .options(selectinload(Complaint.deadlines))
        .where(Complaint.branch_id == branch_id, Complaint.received_at >= start, Complaint.received_at < end)
        .order_by(Complaint.received_at)
    ).all()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for complaint in complaints:
        writer.writerow([safe_cell(value) for value in _row(complaint, zone, now)])
    return out.getvalue(), len(complaints)


def _row(c: Complaint, zone: ZoneInfo, now: datetime) -> list:
    clocks = {d.kind: d for d in c.deadlines}
    deadline_cells = []
    for kind in DeadlineKind:
        clock = clocks.get(kind)
        deadline_cells += (
            [_local(clock.due_at, zone), deadline_state(clock, now, c.paused_at is not None)] if clock else ["", ""]
        )
    return [
        c.id,
        _local(c.received_at, zone),
        c.received_via.value,
        c.arose_at.value,
        STANDARD_NUMBERS[c.arose_at] or "",
        c.business.value,
        STANDARD_NUMBERS[c.business] or "",
        c.cause.value,
        STANDARD_NUMBERS[c.cause] or "",
        c.severity.value,
        c.status.value,
        c.level.value,
        c.summary,
        *deadline_cells,
        _local(c.replied_at, zone),
        c.reply_how.value if c.reply_how else "",
        c.resolution or "",
        c.customer_response.value if c.customer_response else "",
        c.root_cause or "",
        c.fix or "",
        "" if c.valid is None else ("yes" if c.valid else "no"),
        _local(c.closed_at, zone),
    ]


def _local(at: datetime | None, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""
