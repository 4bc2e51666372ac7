"""A branch's past, generated: the days before the demo (so the board and the monthly report have something
to show) and the month the reports benchmark measures (bench/reports.py). Bulk-inserted, not through the API:
the API only takes what happens now. Proportions are those of a busy city branch (domain.md)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update

from server.auth.models import User
from server.branches.models import Branch
from server.cards.models import CardHandout, CardType
from server.care.models import CareKind, CareStatus, CareTask
from server.checks.codes import FaultSeverity, FaultStatus
from server.checks.models import Fault
from server.complaints.codes import AroseAt, Business, Cause, DeadlineKind, Level, ReceivedVia, Status
from server.complaints.models import Complaint, ComplaintDeadline
from server.customers.models import Customer
from server.extensions import db
from server.floor.codes import BusinessType, Channel, VisitStatus
from server.floor.models import Visit
from server.incidents.models import Incident, IncidentKind
from server.referrals.models import Outcome, Referral, ReferralStatus, Urgency
from server.worklog.models import WorkLogEntry

# Arrivals by local hour: the morning peak at 10, the afternoon one at 14 (a weekday of a city branch).
HOURS = {9: 8, 10: 14, 11: 12, 12: 7, 13: 8, 14: 13, 15: 11, 16: 9}
SUMMARIES = ("排队太久", "柜员解释不清", "ATM 吞卡", "理财产品风险没讲清", "空调太冷", "填单台缺笔")
NOTES = ("ATM 2 缺钞已报修", "建议增设一台取号机", "午间客流大，建议错峰开窗口", "老年客户多，需加强引导")


@dataclass(frozen=True)
class Staff:
    lobby: Sequence[User]
    managers: Sequence[User]


def history(
    branch: Branch, staff: Staff, customers: Sequence[str], first: date, days: int, per_day: int, seed: int = 2026
) -> int:
    """Insert `days` days of records from `first` (branch dates), about `per_day` arrivals a weekday (fewer at
    weekends). Returns the number of visits."""
    rng = random.Random(seed)
    zone = ZoneInfo(branch.timezone)
    rows: dict[type, list[dict]] = {
        model: []
        for model in (
            Visit,
            CareTask,
            Referral,
            CardHandout,
            Complaint,
            ComplaintDeadline,
            Incident,
            Fault,
            WorkLogEntry,
        )
    }
    found: dict[str, datetime] = {}
    hours, weights = zip(*HOURS.items(), strict=True)
    for offset in range(days):
        day = first + timedelta(days=offset)
        count = per_day if day.weekday() < 5 else per_day * 2 // 5
        for n in range(count):
            local = datetime(
                day.year,
                day.month,
                day.day,
                rng.choices(hours, weights)[0],
                rng.randrange(60),
                rng.randrange(60),
                tzinfo=zone,
            )
            _visit(rows, branch.id, local.astimezone(UTC), n, rng, staff)
        for _ in range(count // 10):
            _referral(rows, found, branch.id, _at(day, zone, rng), rng, staff, customers)
        for _ in range(rng.randint(2, 6)):
            _complaint(rows, branch.id, _at(day, zone, rng), rng, staff)
        if rng.random() < 0.3:
            since = _at(day, zone, rng)
            fixed = since + timedelta(hours=rng.uniform(1, 30))
            rows[Fault].append(
                {
                    "id": _id(rng),
                    "branch_id": branch.id,
                    "payload_hash": "-",
                    "symptom": "卡钞",
                    "severity": FaultSeverity.OUT_OF_SERVICE,
                    "status": FaultStatus.FIXED,
                    "since": since,
                    "reported_by_id": rng.choice(staff.lobby).id,
                    "fixed_at": fixed,
                    "fixed_by_id": rng.choice(staff.lobby).id,
                    "recorded_at": since,
                }
            )
        if rng.random() < 0.2:
            at = _at(day, zone, rng)
            rows[Incident].append(
                {
                    "id": _id(rng),
                    "branch_id": branch.id,
                    "payload_hash": "-",
                    "kind": IncidentKind.ILLNESS,
                    "reported_by_id": rng.choice(staff.lobby).id,
                    "occurred_at": at,
                    "recorded_at": at,
                }
            )
        for _ in range(2):
            at = _at(day, zone, rng)
            rows[WorkLogEntry].append(
                {
                    "id": _id(rng),
                    "branch_id": branch.id,
                    "author_id": rng.choice(staff.lobby).id,
                    "body": rng.choice(NOTES),
                    "payload_hash": "-",
                    "occurred_at": at,
                    "received_at": at,
                }
            )
    for model, batch in rows.items():
        for start in range(0, len(batch), 5000):
            db.session.execute(insert(model), batch[start : start + 5000])
    for customer_id, at in found.items():
        db.session.execute(
            update(Customer).where(Customer.id == customer_id, Customer.found_at.is_(None)).values(found_at=at)
        )
    return len(rows[Visit])


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))  # repeatable: the same seed, the same ids


def _at(day: date, zone: ZoneInfo, rng: random.Random) -> datetime:
    local = datetime(day.year, day.month, day.day, rng.randint(9, 16), rng.randrange(60), tzinfo=zone)
    return local.astimezone(UTC)


def _visit(rows, branch_id: str, arrived: datetime, n: int, rng: random.Random, staff: Staff) -> None:
    visit_id = _id(rng)
    waited = rng.expovariate(1 / 9)  # minutes; a tenth wait past the 15-minute tolerance, a few much longer
    left = rng.random() < 0.06 and waited > 5
    reached = arrived + timedelta(minutes=waited)  # called, or gone
    called = None if left else reached
    finished = reached if left else reached + timedelta(minutes=rng.uniform(3, 15))
    cared = waited > 15 and rng.random() < 0.85
    rows[Visit].append(
        {
            "id": visit_id,
            "branch_id": branch_id,
            "ticket": f"A{n % 1000:03d}",
            "business_type": BusinessType.DEPOSIT,
            "tier": "ordinary",
            "flags": [],
            "arrived_at": arrived,
            "status": VisitStatus.LEFT if left else VisitStatus.DONE,
            "channel": Channel.COUNTER,
            "suggested_channel": Channel.COUNTER,
            "triage_rule": "default",
            "triage_params": {},
            "source": "manual",
            "called_at": called,
            "serving_at": called,
            "finished_at": finished,
            "care_given_at": arrived + timedelta(minutes=16) if cared else None,
            "wait_seconds": round((reached - arrived).total_seconds()),
            "payload_hash": "-",
            "occurred_at": arrived,
            "received_at": arrived,
        }
    )
    if waited > 15:
        due = arrived + timedelta(minutes=15)
        rows[CareTask].append(
            {
                "id": _id(rng),
                "branch_id": branch_id,
                "visit_id": visit_id,
                "kind": CareKind.WAIT_CARE,
                "round": 1,
                "status": CareStatus.DONE if cared else CareStatus.OPEN,
                "due_at": due,
                "opened_at": due,
                "reminders": 0,
                "done_at": due + timedelta(minutes=rng.uniform(0.5, 6)) if cared else None,
                "done_by_id": rng.choice(staff.lobby).id if cared else None,
                "actions": ["water"],
                "checked": [],
                "created_at": arrived,
            }
        )


def _referral(rows, found, branch_id: str, at: datetime, rng: random.Random, staff: Staff, customers) -> None:
    customer = rng.choice(customers)
    found.setdefault(customer, at)
    accepted, met = rng.random() < 0.8, rng.random() < 0.6
    converted = met and rng.random() < 0.4
    follow_up = rng.random() < 0.3
    status = (
        ReferralStatus.OUTCOME_RECORDED
        if converted
        else ReferralStatus.MET
        if met and accepted
        else ReferralStatus.ACCEPTED
        if accepted
        else ReferralStatus.DECLINED
    )
    referral_id, by = _id(rng), rng.choice(staff.lobby).id
    rows[Referral].append(
        {
            "id": referral_id,
            "branch_id": branch_id,
            "customer_id": customer,
            "from_user_id": by,
            "to_user_id": rng.choice(staff.managers).id,
            "reason": "理财咨询",
            "signals": ["wealth_management"],
            "urgency": Urgency.FOLLOW_UP if follow_up else Urgency.NOW,
            "status": status,
            "escalations": 0,
            "due_at": at + timedelta(days=1) if follow_up else None,
            "created_at": at,
            "occurred_at": at,
            "received_at": at,
            "payload_hash": "-",
            "accepted_at": at + timedelta(minutes=2) if accepted else None,
            "met_at": at + timedelta(minutes=15) if met and accepted else None,
            "outcome": rng.choice((Outcome.PRODUCT_SOLD, Outcome.BECAME_VIP)) if converted else None,
            "closed_at": at + timedelta(minutes=40) if converted else None,
        }
    )
    if follow_up or rng.random() < 0.2:
        rows[CardHandout].append(
            {
                "id": _id(rng),
                "branch_id": branch_id,
                "card_type": CardType.LOBBY_MANAGER_CARD,
                "customer_id": customer,
                "referral_id": referral_id,
                "handed_by_id": by,
                "handed_at": at,
            }
        )


def _complaint(rows, branch_id: str, at: datetime, rng: random.Random, staff: Staff) -> None:
    complaint_id, owner = _id(rng), rng.choice(staff.lobby).id
    rows[Complaint].append(
        {
            "id": complaint_id,
            "branch_id": branch_id,
            "payload_hash": "-",
            "received_via": rng.choice(list(ReceivedVia)[:3]),
            "received_at": at,
            "recorded_at": at,
            "summary": rng.choice(SUMMARIES),
            "arose_at": AroseAt.BRANCH_FLOOR,
            "business": Business.SAVINGS,
            "cause": rng.choice(list(Cause)[:4]),
            "status": Status.CLOSED,
            "level": Level.LOBBY_MANAGER,
            "owner_id": owner,
            "created_by_id": owner,
            "extensions": 0,
            "severity": "normal",
        }
    )
    due = at + timedelta(minutes=10)
    rows[ComplaintDeadline].append(
        {
            "id": _id(rng),
            "complaint_id": complaint_id,
            "branch_id": branch_id,
            "kind": DeadlineKind.ON_SITE,
            "starts_at": at,
            "due_at": due,
            "met_at": due + timedelta(minutes=rng.uniform(-9, 3)),
        }
    )
