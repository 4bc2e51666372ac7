"""What referrals add to the features below them: the board row of a customer referred today, the customer
card's referrals so far, a customer's export and their erasure."""

from __future__ import annotations

from sqlalchemy import select, update

from server.branches.models import Branch
from server.common.clock import local_day_start
from server.customers import events as customer_events
from server.customers.models import Customer
from server.extensions import db
from server.floor import events as floor_events
from server.floor.models import Visit
from server.notifications.service import forget_notifications
from server.referrals.models import OPEN, Referral, ReferralEvent
from server.referrals.schemas import referral_brief, referral_on_board
from server.referrals.service import referrals_of


def subscribe() -> None:
    floor_events.board_rows.connect(_referral_under_way)
    customer_events.card_sections.connect(_referrals_so_far)
    customer_events.export_sections.connect(_all_referrals)
    customer_events.customer_erased.connect(_forget_referral_texts)


def _referral_under_way(branch_id: str, *, visit_ids: list[str]) -> dict[str, dict]:
    """`referral` on the board row of a customer referred today and not yet seen to the end: its state, who
    is coming and when they accepted (the phone counts the ETA down from then). One query."""
    if not visit_ids:
        return {}
    branch_day = local_day_start(db.session.get_one(Branch, branch_id).timezone)
    rows = db.session.execute(
        select(Visit.id, Referral)
        .join(Referral, Referral.customer_id == Visit.customer_id)
        .where(
            Visit.id.in_(visit_ids),
            Referral.branch_id == branch_id,
            Referral.status.in_(OPEN),
            Referral.created_at >= branch_day,
        )
        .order_by(Referral.created_at)
    ).all()
    return {visit_id: {"referral": referral_on_board(referral)} for visit_id, referral in rows}  # latest wins


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
