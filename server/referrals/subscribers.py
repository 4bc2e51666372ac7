"""What referrals add to the features below them: the customer card's referrals so far, a customer's export
and their erasure."""

from __future__ import annotations

from sqlalchemy import select, update

from server.customers import events as customer_events
from server.customers.models import Customer
from server.extensions import db
from server.notifications.service import forget_notifications
from server.referrals.models import Referral, ReferralEvent
from server.referrals.schemas import referral_brief
from server.referrals.service import referrals_of


def subscribe() -> None:
    customer_events.card_sections.connect(_referrals_so_far)
    customer_events.export_sections.connect(_all_referrals)
    customer_events.customer_erased.connect(_forget_referral_texts)


def _referrals_so_far(customer: Customer) -> dict:
    return {"referrals": [referral_brief(r) for r in referrals_of(customer)]}


def _all_referrals(customer: Customer) -> dict:
    referrals = db.session.scalars(
        select(Referral).where(Referral.customer_id == customer.id).order_by(Referral.created_at)
    )
    return {
        "referrals": [
            {
                **referral_brief(r),
                "reason": r.reason,
                "location": r.location,
                "best_time": r.best_time,
                "outcome": r.outcome.value if r.outcome else None,
                "outcome_note": r.outcome_note,
            }
            for r in referrals
        ]
    }


def _forget_referral_texts(customer: Customer) -> None:
    """Referrals stay counted (made, accepted, converted); their reasons, notes and call-back times go."""
    ids = list(db.session.scalars(select(Referral.id).where(Referral.customer_id == customer.id)))
    if not ids:
        return
    db.session.execute(
        update(Referral)
        .where(Referral.id.in_(ids))
        .values(reason="", location=None, best_time=None, decline_reason=None, outcome_note=None)
    )
    db.session.execute(update(ReferralEvent).where(ReferralEvent.referral_id.in_(ids)).values(note=None))
    forget_notifications("referral", ids)
