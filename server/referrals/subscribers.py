"""What referrals add to the features below them: the customer card's referrals so far."""

from __future__ import annotations

from server.customers import events as customer_events
from server.customers.models import Customer
from server.referrals.schemas import referral_brief
from server.referrals.service import referrals_of


def subscribe() -> None:
    customer_events.card_sections.connect(_referrals_so_far)


def _referrals_so_far(customer: Customer) -> dict:
    return {"referrals": [referral_brief(r) for r in referrals_of(customer)]}
