"""Records written straight into the database at chosen times (a past day, a past month), for the reports'
tests and benchmarks: the API only takes what happens now."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from server.cards.models import CardHandout, CardType
from server.care.models import CareKind, CareStatus, CareTask
from server.checks.codes import FaultSeverity, FaultStatus
from server.checks.models import Fault
from server.complaints.codes import AroseAt, Business, Cause, DeadlineKind, Level, ReceivedVia, Status
from server.complaints.models import Complaint, ComplaintDeadline
from server.customers.models import Customer, Tier
from server.floor.codes import BusinessType, Channel, VisitStatus
from server.floor.models import Visit
from server.incidents.models import Incident, IncidentKind
from server.referrals.models import Outcome, Referral, ReferralStatus, Urgency


def _id() -> str:
    return str(uuid.uuid4())


def visit(
    branch_id: str,
    arrived: datetime,
    *,
    waited: float | None = None,
    status=VisitStatus.DONE,
    left_after: float | None = None,
    cared: bool = False,
    channel=Channel.COUNTER,
    ticket="A001",
) -> Visit:
    """A visit: called `waited` minutes after arriving (None: never called), or gone after `left_after`."""
    called = arrived + timedelta(minutes=waited) if waited is not None else None
    finished = (
        arrived + timedelta(minutes=left_after)
        if left_after is not None
        else (called + timedelta(minutes=5) if called and status == VisitStatus.DONE else None)
    )
    return Visit(
        id=_id(),
        branch_id=branch_id,
        ticket=ticket,
        business_type=BusinessType.WITHDRAWAL,
        arrived_at=arrived,
        status=status,
        channel=channel,
        suggested_channel=channel,
        triage_rule="default",
        triage_params={},
        flags=[],
        tier="ordinary",
        payload_hash="x" * 64,
        occurred_at=arrived,
        received_at=arrived,
        called_at=called,
        finished_at=finished,
        care_given_at=arrived + timedelta(minutes=16) if cared else None,
    )


def care(
    branch_id: str,
    visit_id: str,
    due: datetime,
    *,
    done_after: float | None,
    kind=CareKind.WAIT_CARE,
    done_by: str | None = None,
) -> CareTask:
    return CareTask(
        id=_id(),
        branch_id=branch_id,
        visit_id=visit_id,
        kind=kind,
        due_at=due,
        opened_at=due,
        status=CareStatus.DONE if done_after is not None else CareStatus.OPEN,
        done_at=due + timedelta(minutes=done_after) if done_after is not None else None,
        done_by_id=done_by,
        actions=[],
        checked=[],
        created_at=due,
    )


def customer(branch_id: str, at: datetime, *, tier=Tier.POTENTIAL, needs: str = "") -> Customer:
    c = Customer(
        id=_id(),
        branch_id=branch_id,
        family_name="王",
        given_name="五",
        full_name="王五",
        name_pinyin="wangwu",
        name_initials="ww",
        payload_hash="x" * 64,
        needs=needs,
        notes="",
        consent_recorded_at=at,
        consent_contact=True,
    )
    c.tier = tier
    c.found_at = at if tier != Tier.ORDINARY else None
    return c


def referral(
    branch_id: str,
    customer_id: str,
    from_id: str,
    to_id: str,
    at: datetime,
    *,
    accepted=False,
    met=False,
    outcome: Outcome | None = None,
    urgency=Urgency.NOW,
    due: datetime | None = None,
) -> Referral:
    status = ReferralStatus.SENT
    if accepted:
        status = ReferralStatus.ACCEPTED
    if met:
        status = ReferralStatus.MET
    if outcome:
        status = ReferralStatus.OUTCOME_RECORDED
    return Referral(
        id=_id(),
        branch_id=branch_id,
        customer_id=customer_id,
        from_user_id=from_id,
        to_user_id=to_id,
        reason="理财",
        signals=[],
        urgency=urgency,
        status=status,
        created_at=at,
        occurred_at=at,
        received_at=at,
        payload_hash="x" * 64,
        accepted_at=at + timedelta(minutes=2) if accepted else None,
        met_at=at + timedelta(minutes=10) if met else None,
        outcome=outcome,
        due_at=due,
        closed_at=at + timedelta(minutes=30) if outcome else None,
    )


def card(
    branch_id: str,
    customer_id: str,
    by: str,
    at: datetime,
    card_type=CardType.VIP_EXPERIENCE,
    serial: str | None = None,
) -> CardHandout:
    return CardHandout(
        id=_id(),
        branch_id=branch_id,
        card_type=card_type,
        serial=serial,
        customer_id=customer_id,
        handed_by_id=by,
        handed_at=at,
    )


def complaint(
    branch_id: str,
    owner: str,
    at: datetime,
    *,
    via=ReceivedVia.ON_SITE,
    cause=Cause.SERVICE_ATTITUDE,
    status=Status.OPEN,
    summary="排队太久",
) -> Complaint:
    return Complaint(
        id=_id(),
        branch_id=branch_id,
        payload_hash="x" * 64,
        received_via=via,
        received_at=at,
        recorded_at=at,
        summary=summary,
        arose_at=AroseAt.BRANCH_FLOOR,
        business=Business.SAVINGS,
        cause=cause,
        status=status,
        level=Level.LOBBY_MANAGER,
        owner_id=owner,
        created_by_id=owner,
    )


def deadline(complaint: Complaint, due: datetime, *, met_after: float | None) -> ComplaintDeadline:
    return ComplaintDeadline(
        id=_id(),
        complaint_id=complaint.id,
        branch_id=complaint.branch_id,
        kind=DeadlineKind.ON_SITE,
        starts_at=due - timedelta(minutes=10),
        due_at=due,
        met_at=due + timedelta(minutes=met_after) if met_after is not None else None,
    )


def incident(branch_id: str, by: str, at: datetime, kind=IncidentKind.ILLNESS) -> Incident:
    return Incident(
        id=_id(),
        branch_id=branch_id,
        payload_hash="x" * 64,
        kind=kind,
        reported_by_id=by,
        occurred_at=at,
        recorded_at=at,
    )


def fault(branch_id: str, by: str, since: datetime, *, fixed_after: float | None = None) -> Fault:
    fixed = since + timedelta(hours=fixed_after) if fixed_after is not None else None
    return Fault(
        id=_id(),
        branch_id=branch_id,
        payload_hash="x" * 64,
        symptom="卡钞",
        severity=FaultSeverity.OUT_OF_SERVICE,
        status=FaultStatus.FIXED if fixed else FaultStatus.OPEN,
        since=since,
        reported_by_id=by,
        fixed_at=fixed,
        fixed_by_id=by if fixed else None,
        recorded_at=since,
    )
