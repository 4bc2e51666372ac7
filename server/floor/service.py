"""Arrivals, what happens to them on the floor, and the live waiting board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from server.auth.models import User
from server.branches.models import Branch, touch_floor
from server.common.clock import local_day_start, utcnow
from server.common.errors import Conflict, ValidationFailed
from server.common.events import contributions
from server.common.idempotency import create_once, fingerprint
from server.common.locking import lock
from server.common.policy import get_scoped_or_404
from server.common.types import new_id
from server.customers import service as customers
from server.customers.models import Customer, Salutation, Tier
from server.extensions import db
from server.floor.codes import OPEN_STATUSES, Channel, EventType, VisitSource, VisitStatus
from server.floor.events import self_service_down, visit_arrived, visit_changed
from server.floor.labels import EVENT_NAMES, STATUS_NAMES
from server.floor.models import Visit, VisitEvent
from server.floor.schemas import VisitEventIn, VisitIn
from server.floor.triage import Triage, triage

S = VisitStatus
# Which status each event may follow, and the status it leads to (None: the status stays).
TRANSITIONS: dict[EventType, tuple[tuple[VisitStatus, ...], VisitStatus | None]] = {
    EventType.CALLED: ((S.WAITING,), S.CALLED),
    EventType.SERVING: ((S.WAITING, S.CALLED), S.SERVING),
    EventType.SERVED: ((S.WAITING, S.CALLED, S.SERVING), S.DONE),
    EventType.LEFT: ((S.WAITING, S.CALLED), S.LEFT),
    EventType.CARE: ((S.WAITING, S.CALLED, S.SERVING), None),
    EventType.ESCORTED: ((S.SERVING, S.DONE), None),
    EventType.REROUTED: ((S.WAITING, S.CALLED), None),
    EventType.LOGGED_IN_ERROR: ((S.WAITING, S.CALLED, S.SERVING), S.CANCELLED),
}
PRIORITY_CHANNELS = (Channel.GREEN_CHANNEL, Channel.VIP_AREA)
# The steps that take a visit off the floor (when it finished).
FINISHING = (EventType.SERVED, EventType.LEFT, EventType.LOGGED_IN_ERROR)


def log_arrival(actor: User, data: VisitIn) -> tuple[Visit, Triage, bool]:
    """Record an arrival with the triage suggestion (or the lobby manager's override and its reason)."""
    payload = fingerprint(actor=actor.id, **data.model_dump(mode="json"))
    built: list[Triage] = []

    def build() -> Visit:
        _refuse_a_ticket_still_open(actor.home_branch, data.ticket, data.id.lower(), payload)
        customer = customers.get_customer(actor, data.customer_id) if data.customer_id else None
        visit, suggestion = new_visit(
            actor.home_branch,
            ticket=data.ticket,
            business=data.business_type,
            amount=data.amount,
            customer=customer,
            flags=data.flags,
            arrived_at=data.arrived_at or utcnow(),
            source=VisitSource.MANUAL,
            actor=actor,
        )
        if data.channel and data.channel != suggestion.channel:
            if not data.override_reason:
                raise ValidationFailed(fields={"override_reason": _("Say why the suggestion is changed.")})
            visit.channel, visit.override_reason = data.channel, data.override_reason
        built.append(suggestion)
        return visit

    try:
        visit, created = create_once(Visit, data.id.lower(), payload, build)
    except SentTwiceAtOnce as twice:  # this very record, sent again while the first was being saved
        visit, created = twice.visit, False
    if created:
        visit_arrived.send(visit)
    suggestion = built[0] if built else Triage(visit.suggested_channel, visit.triage_rule, visit.triage_params)
    return visit, suggestion, created


class SentTwiceAtOnce(Exception):
    """The open visit with the ticket is the record being saved: a retry that overtook its own first try."""

    def __init__(self, visit: Visit):
        self.visit = visit


def _refuse_a_ticket_still_open(branch: Branch, ticket: str, record_id: str, payload: str) -> None:
    """One ticket is one customer in the lobby: a second tap, or the same ticket logged again with another
    business, is answered with the visit already on the board (tickets restart every day)."""
    lock(branch)  # two phones logging the same ticket at once: the second sees the first
    open_visit = db.session.scalar(
        select(Visit).where(
            Visit.branch_id == branch.id,
            Visit.ticket == ticket,
            Visit.status.in_(OPEN_STATUSES),
            Visit.arrived_at >= local_day_start(branch.timezone, utcnow()),
        )
    )
    if open_visit is not None and open_visit.id == record_id:
        if open_visit.payload_hash != payload:
            raise Conflict(_("A different record with this id already exists."), code="id_conflict")
        raise SentTwiceAtOnce(open_visit)
    if open_visit is not None:
        raise Conflict(
            _(
                "Ticket %(ticket)s is already on the board (%(status)s since %(time)s): open it there.",
                ticket=ticket,
                status=STATUS_NAMES[open_visit.status],
                time=_clock_times(open_visit, open_visit)[0],
            ),
            code="ticket_on_board",
            details={"visit_id": open_visit.id, "ticket": ticket, "status": open_visit.status.value},
        )


def new_visit(
    branch: Branch,
    *,
    ticket,
    business,
    amount,
    customer: Customer | None,
    flags,
    arrived_at: datetime,
    source: VisitSource,
    actor: User | None,
) -> tuple[Visit, Triage]:
    """An unsaved visit, triaged by the branch's rules (callers give it its id and add it)."""
    touch_floor(branch.id)
    tier = customers.record_visit(customer, arrived_at) if customer else Tier.ORDINARY
    suggestion = triage(business, amount, tier, flags, branch.settings, businesses_down(branch.id))
    visit = Visit(
        branch_id=branch.id,
        ticket=ticket,
        business_type=business,
        amount=amount,
        customer_id=customer.id if customer else None,
        tier=tier,
        flags=[f.value for f in flags],
        arrived_at=arrived_at,
        occurred_at=arrived_at,
        status=S.WAITING,
        channel=suggestion.channel,
        suggested_channel=suggestion.channel,
        triage_rule=suggestion.rule,
        triage_params=suggestion.params,
        source=source,
        logged_by_id=actor.id if actor else None,
    )
    return visit, suggestion


def businesses_down(branch_id: str) -> frozenset[str]:
    """The businesses no self-service machine of the branch can do now (as the features above report them)."""
    return frozenset(business for answer in contributions(self_service_down, branch_id) for business in answer)


def create_queue_visit(branch: Branch, *, ticket: str, business, amount, at: datetime) -> Visit:
    visit, _suggestion = new_visit(
        branch,
        ticket=ticket,
        business=business,
        amount=amount,
        customer=None,
        flags=[],
        arrived_at=at,
        source=VisitSource.QUEUE_MACHINE,
        actor=None,
    )
    visit.id, visit.payload_hash = new_id(), fingerprint(queue=True, ticket=ticket, at=at)
    db.session.add(visit)
    db.session.flush()
    visit_arrived.send(visit)
    return visit


def get_visit(actor: User, visit_id: str) -> Visit:
    return get_scoped_or_404(Visit, visit_id, actor)


def record_event(actor: User, visit: Visit, data: VisitEventIn) -> tuple[VisitEvent, bool]:
    """Apply one step (called, served, left, care…) to a visit; a replayed step changes nothing twice."""
    payload = fingerprint(actor=actor.id, visit=visit.id, **data.model_dump(mode="json"))
    return create_once(
        VisitEvent,
        data.id.lower(),
        payload,
        lambda: place(
            visit, data.type, when=data.occurred_at or utcnow(), actor=actor, note=data.note, channel=data.channel
        ),
    )


def link_customer(actor: User, visit: Visit, customer_id: str) -> bool:
    """A walk-in found or registered later: the visit becomes the customer's (their card lists it, the board
    names them, they can be referred). True when it changed; the same link again changes nothing."""
    customer = customers.get_customer(actor, customer_id)
    if visit.customer_id == customer.id:
        return False
    if visit.customer_id is not None:
        raise Conflict(
            _("Ticket %(ticket)s is already another customer's visit.", ticket=visit.ticket), code="visit_has_customer"
        )
    lock(visit)
    visit.customer_id = customer.id
    visit.tier = customers.record_visit(customer, visit.arrived_at)
    touch_floor(visit.branch_id)
    customers.audit_event("customer.visit_linked", actor, customer, visit_id=visit.id, ticket=visit.ticket)
    return True


def record_machine_event(visit: Visit, kind: EventType, when: datetime) -> VisitEvent:
    """A step reported by the queue-ticket machine (no user; deduplicated by its delivery instead)."""
    return record_step(visit, kind, when=when, actor=None)


def record_step(
    visit: Visit,
    kind: EventType,
    *,
    when: datetime,
    actor: User | None,
    note: str | None = None,
    channel: Channel | None = None,
) -> VisitEvent:
    """A step taken as part of another record (the queue machine's delivery, a care task done), which is
    what keeps it from being applied twice."""
    event = place(visit, kind, when=when, actor=actor, note=note, channel=channel)
    event.id = new_id()
    event.payload_hash = fingerprint(visit=visit.id, type=kind.value, at=when, actor=actor.id if actor else None)
    db.session.add(event)
    db.session.flush()
    return event


def place(
    visit: Visit,
    kind: EventType,
    *,
    when: datetime,
    actor: User | None,
    note: str | None = None,
    channel: Channel | None = None,
) -> VisitEvent:
    """A step at the time it happened. A phone that was offline may deliver it after steps that happened
    later (another phone's, the queue machine's): it then takes its place in the visit's history by
    occurred_at, and the whole history must still make sense, or it is refused with the reason."""
    later = list(
        db.session.scalars(
            select(VisitEvent)
            .where(VisitEvent.visit_id == visit.id, VisitEvent.occurred_at > when)
            .order_by(VisitEvent.occurred_at)
        )
    )
    if not later:
        return apply(visit, kind, when=when, actor=actor, note=note, channel=channel)
    event = VisitEvent(
        visit_id=visit.id,
        branch_id=visit.branch_id,
        type=kind,
        from_status=S.WAITING,
        to_status=S.WAITING,
        channel=channel,
        note=note,
        actor_id=actor.id if actor else None,
        occurred_at=when,
    )
    earlier = db.session.scalars(
        select(VisitEvent)
        .where(VisitEvent.visit_id == visit.id, VisitEvent.occurred_at <= when)
        .order_by(VisitEvent.occurred_at)
    )
    _replay(visit, [*earlier, event, *later], event)
    touch_floor(visit.branch_id)
    # What the step means for care holds even when it arrives late (care given closes the waiting-care
    # task); only a serving already followed by the escort out raises nothing (they have been seen off).
    if not (kind == EventType.SERVED and any(step.type == EventType.ESCORTED for step in later)):
        visit_changed.send(visit, kind=kind, when=when, actor=actor, note=note)
    return event


def _replay(visit: Visit, history: list[VisitEvent], new: VisitEvent) -> None:
    """Walk the visit's history from its arrival: check every step first (nothing changes when one does not
    fit), then record each step's statuses and what the visit's times and channel follow from them."""
    statuses, status = [], S.WAITING
    for event in history:
        allowed_from, to_status = TRANSITIONS[event.type]
        if status not in allowed_from:
            raise _out_of_place(visit, event, new, status)
        statuses.append((status, to_status or status))
        status = to_status or status
    for event, (before, after) in zip(history, statuses, strict=True):
        event.from_status, event.to_status = before, after
        if event.type == EventType.CALLED:
            visit.called_at = event.occurred_at
        elif event.type == EventType.SERVING:
            visit.serving_at = event.occurred_at
        elif event.type in FINISHING:
            visit.finished_at = event.occurred_at
        elif event.type == EventType.CARE:
            visit.care_given_at = event.occurred_at
        elif event.type == EventType.REROUTED and event.channel is not None:
            visit.channel = event.channel
    visit.status = status


def moved_on(visit: Visit, event: VisitEvent) -> str | None:
    """What the phone should tell about a step that arrived after the visit had moved on (it was made offline,
    and meanwhile the queue machine or another phone took the visit further): None when it had not."""
    if visit.status == event.to_status:
        return None
    last = db.session.scalars(
        select(VisitEvent)
        .where(VisitEvent.visit_id == visit.id, VisitEvent.occurred_at > event.occurred_at)
        .order_by(VisitEvent.occurred_at.desc())
        .limit(1)
    ).first()
    if last is None:
        return None
    actor = db.session.get(User, last.actor_id) if last.actor_id else None
    by = (actor.display_name or actor.username) if actor else _("the queue machine")
    at, later_at = _clock_times(visit, event, last)
    return _(
        "Ticket %(ticket)s: “%(event)s” at %(time)s was recorded in its history; meanwhile %(by)s marked it "
        "“%(later)s” at %(later_time)s, so it is now %(status)s.",
        event=EVENT_NAMES[event.type],
        ticket=visit.ticket,
        time=at,
        by=by,
        later=EVENT_NAMES[last.type],
        later_time=later_at,
        status=STATUS_NAMES[visit.status],
    )


def _clock_times(visit: Visit, *events: VisitEvent | Visit) -> list[str]:
    """When the events happened, as the branch's wall clock reads ("10:40")."""
    tz = ZoneInfo(db.session.get_one(Branch, visit.branch_id).timezone)
    return [e.occurred_at.astimezone(tz).strftime("%H:%M") for e in events]


def _out_of_place(visit: Visit, event: VisitEvent, new: VisitEvent, status: VisitStatus) -> Conflict:
    at, new_at = _clock_times(visit, event, new)
    if event is new:
        message = _(
            "At %(time)s ticket %(ticket)s was already %(status)s, so it cannot be marked %(event)s then.",
            time=at,
            ticket=visit.ticket,
            status=STATUS_NAMES[status],
            event=EVENT_NAMES[new.type],
        )
    else:
        message = _(
            "Ticket %(ticket)s was marked %(later)s at %(time)s, which cannot follow %(event)s at %(when)s.",
            ticket=visit.ticket,
            later=EVENT_NAMES[event.type],
            time=at,
            event=EVENT_NAMES[new.type],
            when=new_at,
        )
    return Conflict(message, code="invalid_transition", details={"status": visit.status.value})


def apply(
    visit: Visit,
    kind: EventType,
    *,
    when: datetime,
    actor: User | None,
    note: str | None = None,
    channel: Channel | None = None,
) -> VisitEvent:
    """Move the visit along; an impossible step is refused with the reason, never dropped silently."""
    allowed_from, to_status = TRANSITIONS[kind]
    if visit.status not in allowed_from:
        raise Conflict(
            _(
                "Ticket %(ticket)s is already %(status)s, so it cannot be marked %(event)s.",
                ticket=visit.ticket,
                status=STATUS_NAMES[visit.status],
                event=EVENT_NAMES[kind],
            ),
            code="invalid_transition",
            details={"status": visit.status.value},
        )
    before = visit.status
    touch_floor(visit.branch_id)
    if to_status is not None:
        visit.status = to_status
    if kind == EventType.CALLED:
        visit.called_at = when
    elif kind == EventType.SERVING:
        visit.serving_at = when
    elif kind in FINISHING:
        visit.finished_at = when
    elif kind == EventType.CARE:
        visit.care_given_at = when
    elif kind == EventType.REROUTED and channel is not None:
        visit.channel = channel
    visit_changed.send(visit, kind=kind, when=when, actor=actor, note=note)
    return VisitEvent(
        visit_id=visit.id,
        branch_id=visit.branch_id,
        type=kind,
        from_status=before,
        to_status=visit.status,
        channel=channel,
        note=note,
        actor_id=actor.id if actor else None,
        occurred_at=when,
    )


def open_visit_by_ticket(branch_id: str, ticket: str, day_start: datetime) -> Visit | None:
    """Today's latest visit with this ticket (tickets restart every day)."""
    return db.session.scalar(
        select(Visit)
        .where(Visit.branch_id == branch_id, Visit.ticket == ticket, Visit.arrived_at >= day_start)
        .order_by(Visit.arrived_at.desc())
        .limit(1)
    )


def recent_visits(customer: Customer, limit: int = 10) -> list[Visit]:
    return list(
        db.session.scalars(
            select(Visit).where(Visit.customer_id == customer.id).order_by(Visit.arrived_at.desc()).limit(limit)
        )
    )


# The board reads plain rows of only what it shows: building 300 ORM objects (and their customers, 40
# columns each) cost more than everything else the endpoint does.
BOARD_VISIT_COLUMNS = (
    Visit.id,
    Visit.ticket,
    Visit.status,
    Visit.business_type,
    Visit.amount,
    Visit.arrived_at,
    Visit.finished_at,
    Visit.channel,
    Visit.suggested_channel,
    Visit.override_reason,
    Visit.triage_rule,
    Visit.triage_params,
    Visit.tier,
    Visit.flags,
    Visit.customer_id,
    Visit.source,
    Visit.care_given_at,
)
BOARD_CUSTOMER_COLUMNS = (
    Customer.family_name,
    Customer.full_name,
    Customer.salutation,
    Customer.honorific,
    Customer.tier.label("customer_tier"),
    Customer.name_pinyin,
    Customer.name_initials,
)


@dataclass(frozen=True)
class BoardCustomer:
    id: str
    family_name: str
    full_name: str
    salutation: Salutation
    honorific: str | None
    tier: Tier
    name_pinyin: str
    name_initials: str


@dataclass(frozen=True)
class BoardRow:
    visit: Any  # a Row of BOARD_VISIT_COLUMNS, read like a Visit
    customer: BoardCustomer | None
    waited_minutes: int
    ahead: int
    care_due_at: datetime | None
    tolerance_state: str  # ok (under 2/3 of the tolerance), near, over


def floor_board(branch: Branch, now: datetime | None = None) -> list[BoardRow]:
    """Everyone in the lobby today, priority customers first, then longest wait first: one query, people ahead
    counted in memory."""
    now = now or utcnow()
    settings = branch.settings
    tolerance = timedelta(minutes=settings.wait_tolerance_minutes)
    reminder = timedelta(minutes=settings.care_reminder_minutes)
    visits = db.session.execute(
        select(*BOARD_VISIT_COLUMNS, *BOARD_CUSTOMER_COLUMNS)
        .outerjoin(Customer, Customer.id == Visit.customer_id)
        .where(
            Visit.branch_id == branch.id,
            Visit.status.in_(OPEN_STATUSES),
            Visit.arrived_at >= local_day_start(branch.timezone, now),
        )
        .order_by(Visit.arrived_at, Visit.ticket)
    ).all()
    waiting_before: dict[Channel, int] = {}
    rows = []
    for visit in visits:
        customer = (
            BoardCustomer(
                visit.customer_id,
                visit.family_name,
                visit.full_name,
                visit.salutation,
                visit.honorific,
                visit.customer_tier,
                visit.name_pinyin,
                visit.name_initials,
            )
            if visit.customer_id
            else None
        )
        waited = now - visit.arrived_at
        waiting = visit.status in (S.WAITING, S.CALLED)
        ahead = waiting_before.get(visit.channel, 0) if visit.status == S.WAITING else 0
        if visit.status == S.WAITING:
            waiting_before[visit.channel] = ahead + 1
        care_due = None
        if visit.status == S.WAITING:  # once called, the customer is at the counter
            care_due = visit.care_given_at + reminder if visit.care_given_at else visit.arrived_at + tolerance
        state = "ok"
        if waiting and waited >= tolerance:
            state = "over"
        elif waiting and waited * 3 >= tolerance * 2:
            state = "near"
        rows.append(BoardRow(visit, customer, max(0, int(waited.total_seconds() // 60)), ahead, care_due, state))
    rows.sort(key=lambda row: not is_priority(row.visit.channel, row.visit.status))  # stable: then by wait
    return rows


def is_priority(channel: Channel, status: VisitStatus) -> bool:
    """Who is seen to first on the board: the green channel (accompany now) and VIPs waiting for the lounge."""
    return status in (S.WAITING, S.CALLED) and channel in PRIORITY_CHANNELS
