"""Customers' rights over their data (PIPL): access (export), deletion (erasure) and the retention limit.

Each feature above keeps its own records of a customer: it adds them to an export through `export_sections`
and forgets what it wrote about the customer through `customer_erased` (server/customers/events.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from server.audit.models import AuditEvent
from server.auth.models import User
from server.branches.models import Branch
from server.common.clock import utcnow
from server.common.errors import Conflict
from server.common.events import contributions
from server.common.vault import vault
from server.customers.events import customer_erased, export_sections
from server.customers.models import Customer, Salutation
from server.customers.schemas import customer_out
from server.customers.service import NUMBER_FIELDS, audit_event, derive_names, forget_number, get_customer
from server.extensions import db

ERASED = "erased"  # the fingerprint of an erased customer: nothing derived from what they gave stays


def export_customer(actor: User, customer_id: str) -> dict:
    """Everything held about the customer (PIPL's right of access), full numbers included: audited."""
    customer = get_customer(actor, customer_id)
    secret = vault()
    held = {
        "customer": customer_out(customer),
        "numbers": {
            field: secret.decrypt(field, cipher)
            for field in ("phone", "id_number")
            if (cipher := getattr(customer, f"{field}_cipher"))
        },
        "record": {
            "created_at": customer.received_at.isoformat(),
            "created_by_id": customer.created_by_id,
            "erased_at": customer.erased_at.isoformat() if customer.erased_at else None,
        },
        "audit": [
            {"at": e.at.isoformat(), "actor_id": e.actor_id, "action": e.action, "reason": e.reason}
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.subject_type == "customer", AuditEvent.subject_id == customer.id)
                .order_by(AuditEvent.at)
            )
        ],
    }
    for section in contributions(export_sections, customer):
        held.update(section)
    audit_event("customer.exported", actor, customer)
    return held


def erase_customer(actor: User | None, customer: Customer, reason: str) -> Customer:
    """Remove the customer's personal data for good (PIPL's right to deletion, and retention): names, numbers,
    blind indexes, the request fingerprint, needs and notes, consent; every feature removes what its records
    say of them (customer_erased). The visits and referrals stay, anonymous, so that counts stay true."""
    if customer.erased_at:
        return customer
    for field in NUMBER_FIELDS:
        forget_number(customer, field)
    customer.family_name = customer.given_name = customer.needs = customer.notes = ""
    customer.honorific, customer.preferred_language, customer.salutation = None, None, Salutation.NONE
    customer.consent_contact = customer.consent_marketing = False
    customer.payload_hash = ERASED
    customer.erased_at = utcnow()
    derive_names(customer)
    customer_erased.send(customer)
    # What corrections recorded of the old values goes too; who changed what, when and why stays.
    for event in db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_type == "customer",
            AuditEvent.subject_id == customer.id,
            AuditEvent.action == "customer.updated",
        )
    ):
        event.details = {"fields": sorted(event.details.get("changes", {}))}
    audit_event("customer.erased", actor, customer, reason=reason)
    db.session.flush()
    return customer


def erase_on_request(actor: User, customer_id: str, reason: str) -> Customer:
    customer = get_customer(actor, customer_id)
    if customer.erased_at:
        raise Conflict(_("This customer's data was already erased."), code="customer_erased")
    return erase_customer(actor, customer, reason)


def anonymise_expired(now: datetime, limit: int = 200) -> int:
    """The worker's retention sweep: customers of each branch with no visit for `retention_years` and no
    marketing consent are anonymised; a batch at a time."""
    erased = 0
    for branch in db.session.scalars(select(Branch)):
        cutoff = now - timedelta(days=365 * branch.settings.retention_years)
        expired = db.session.scalars(
            select(Customer)
            .where(
                Customer.branch_id == branch.id,
                Customer.erased_at.is_(None),
                Customer.consent_marketing.is_(False),
                func.coalesce(Customer.last_visit_at, Customer.received_at) < cutoff,
            )
            .limit(limit - erased)
        ).all()
        for customer in expired:
            erase_customer(None, customer, "retention")
        erased += len(expired)
        if erased >= limit:
            break
    return erased
