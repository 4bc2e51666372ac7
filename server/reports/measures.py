"""Every count a report shows, defined once: which records it counts. The figure is the count of the
records; the list behind the figure ("a figure links to the list it counts") is the same records, listed.

A measure is a table, the time that places a record in a period, the conditions beyond the branch and the
period, and the person it is credited to (for the performance board).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func
from sqlalchemy.sql.elements import ColumnElement

from server.cards.models import CardHandout, CardType
from server.care.models import CareStatus, CareTask
from server.checks.models import Fault
from server.common.sqltime import seconds_between
from server.complaints.models import Complaint
from server.customers.models import Customer
from server.floor.codes import VisitStatus
from server.floor.models import Visit
from server.incidents.models import Incident
from server.referrals.models import Outcome, Referral, ReferralStatus
from server.worklog.models import WorkLogEntry

CONVERTED = (Outcome.BECAME_VIP, Outcome.PRODUCT_SOLD)
SERVED = (VisitStatus.CALLED, VisitStatus.SERVING, VisitStatus.DONE)

# A visit's wait: from arriving to being called (to the end of the visit for one who left uncalled), kept
# with the visit (server/floor/models.py); "the wait" of the figures is that of the called ones.
called_at = func.coalesce(Visit.called_at, Visit.serving_at)
wait_seconds = Visit.wait_seconds
care_response_seconds = seconds_between(CareTask.done_at, CareTask.due_at)


@dataclass(frozen=True)
class Scope:
    """What a report covers: a branch, the UTC instants of its period and the branch's tolerance."""

    branch_id: str
    start: datetime
    end: datetime
    tolerance_seconds: int


@dataclass(frozen=True)
class Measure:
    name: str
    model: Any  # a mapped class with a branch_id
    when: Any  # its time column
    conditions: Callable[[Scope], list[ColumnElement]]
    person: Any = None  # the column of who it is credited to on the board

    def where(self, scope: Scope) -> list[ColumnElement]:
        return [
            self.model.branch_id == scope.branch_id,
            self.when >= scope.start,
            self.when < scope.end,
            *self.conditions(scope),
        ]


def _none(_scope: Scope) -> list[ColumnElement]:
    return []


def _visit(*extra: Callable[[Scope], ColumnElement]) -> Callable[[Scope], list[ColumnElement]]:
    return lambda scope: [Visit.status != VisitStatus.CANCELLED, *(condition(scope) for condition in extra)]


def _referral(*extra: ColumnElement) -> Callable[[Scope], list[ColumnElement]]:
    return lambda _scope: [Referral.status != ReferralStatus.CANCELLED, *extra]


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("visits.arrivals", Visit, Visit.arrived_at, _visit()),
        Measure("visits.served", Visit, Visit.arrived_at, _visit(lambda _s: Visit.status.in_(SERVED))),
        Measure("visits.left", Visit, Visit.arrived_at, _visit(lambda _s: Visit.status == VisitStatus.LEFT)),
        Measure("visits.waited", Visit, Visit.arrived_at, _visit(lambda _s: called_at.is_not(None))),
        Measure(
            "visits.past_tolerance",
            Visit,
            Visit.arrived_at,
            _visit(lambda s: and_(called_at.is_not(None), wait_seconds > s.tolerance_seconds)),
        ),
        Measure(
            "visits.within_tolerance",
            Visit,
            Visit.arrived_at,
            _visit(lambda s: and_(called_at.is_not(None), wait_seconds <= s.tolerance_seconds)),
        ),
        Measure(
            "visits.uncared",
            Visit,
            Visit.arrived_at,
            _visit(lambda s: and_(wait_seconds > s.tolerance_seconds, Visit.care_given_at.is_(None))),
        ),
        Measure(
            "care.tasks",
            CareTask,
            CareTask.due_at,
            lambda _s: [CareTask.status != CareStatus.SCHEDULED],
            person=CareTask.done_by_id,
        ),
        Measure(
            "care.done", CareTask, CareTask.due_at, lambda _s: [CareTask.status == CareStatus.DONE], CareTask.done_by_id
        ),
        Measure(
            "care.products",  # counted on the day it was introduced
            CareTask,
            CareTask.done_at,
            lambda _s: [CareTask.status == CareStatus.DONE, CareTask.product.is_not(None)],
            CareTask.done_by_id,
        ),
        Measure("customers.found", Customer, Customer.found_at, _none, Customer.created_by_id),
        Measure("cards.handed_out", CardHandout, CardHandout.handed_at, _none, CardHandout.handed_by_id),
        Measure("referrals.made", Referral, Referral.created_at, _referral(), Referral.from_user_id),
        Measure(
            "referrals.accepted",
            Referral,
            Referral.created_at,
            _referral(Referral.accepted_at.is_not(None)),
            Referral.from_user_id,
        ),
        Measure(
            "referrals.met",
            Referral,
            Referral.created_at,
            _referral(Referral.met_at.is_not(None)),
            Referral.from_user_id,
        ),
        Measure(
            "referrals.converted",
            Referral,
            Referral.created_at,
            _referral(Referral.outcome.in_(CONVERTED)),
            Referral.from_user_id,
        ),
        Measure("complaints.received", Complaint, Complaint.received_at, _none, Complaint.owner_id),
        Measure("incidents.reported", Incident, Incident.occurred_at, _none, Incident.reported_by_id),
        Measure("faults.opened", Fault, Fault.since, _none, Fault.reported_by_id),
        Measure("faults.fixed", Fault, Fault.fixed_at, _none, Fault.fixed_by_id),
        Measure(
            "worklog.notes",
            WorkLogEntry,
            WorkLogEntry.occurred_at,
            lambda _s: [WorkLogEntry.withdrawn_at.is_(None)],
            WorkLogEntry.author_id,
        ),
    )
}

# Which figure of the report counts which records (the report's figures link to these lists).
FIGURE_MEASURES: dict[str, str] = {
    "arrivals": "visits.arrivals",
    "served": "visits.served",
    "left": "visits.left",
    "waiting.past_tolerance": "visits.past_tolerance",
    "waiting.within_tolerance": "visits.within_tolerance",
    "care.tasks": "care.tasks",
    "care.done": "care.done",
    "care.uncared": "visits.uncared",
    "potential_vips": "customers.found",
    "cards.handed_out": "cards.handed_out",
    "referrals.made": "referrals.made",
    "referrals.accepted": "referrals.accepted",
    "referrals.met": "referrals.met",
    "referrals.converted": "referrals.converted",
    "complaints.received": "complaints.received",
    "incidents.reported": "incidents.reported",
    "faults.opened": "faults.opened",
    "faults.fixed": "faults.fixed",
}

CARD_TYPES = tuple(CardType)
