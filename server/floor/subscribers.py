"""What the floor adds to the features below it: today's ticket in the customer search, visits on the card,
in a customer's export and in their erasure."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Select, select, update

from server.auth.models import User
from server.customers import events as customer_events
from server.customers.models import Customer
from server.extensions import db
from server.floor.models import Visit, VisitEvent
from server.floor.schemas import visit_summary
from server.floor.service import recent_visits

# What a lobby manager types for a ticket: up to two letters and up to four digits ("a23", "A0023").
TICKET_QUERY = re.compile(r"^[A-Za-z]{0,2}\d{1,4}$")


def subscribe() -> None:
    customer_events.search_matches.connect(_customers_with_ticket_today)
    customer_events.card_sections.connect(_recent_visits)
    customer_events.export_sections.connect(_all_visits)
    customer_events.customer_erased.connect(_forget_visit_notes)


def _customers_with_ticket_today(actor: User, *, query: str, today_start: datetime) -> tuple[str, Select] | None:
    if not TICKET_QUERY.match(query):
        return None
    return "ticket", select(Visit.customer_id).where(
        Visit.branch_id == actor.branch_id,
        Visit.ticket == query.upper(),
        Visit.arrived_at >= today_start,
        Visit.customer_id.is_not(None),
    )


def _recent_visits(customer: Customer) -> dict:
    return {"visits": [visit_summary(v) for v in recent_visits(customer)]}


def _all_visits(customer: Customer) -> dict:
    visits = db.session.scalars(select(Visit).where(Visit.customer_id == customer.id).order_by(Visit.arrived_at))
    return {"visits": [visit_summary(v) for v in visits]}


def _forget_visit_notes(customer: Customer) -> None:
    """The visits stay (anonymous: the customer record has no name left); what staff wrote about them goes."""
    visits = select(Visit.id).where(Visit.customer_id == customer.id)
    db.session.execute(update(Visit).where(Visit.customer_id == customer.id).values(override_reason=None))
    db.session.execute(update(VisitEvent).where(VisitEvent.visit_id.in_(visits)).values(note=None))
