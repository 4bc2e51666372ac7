"""No referral and no VIP card without marketing consent: the lobby manager asks, and a yes is recorded with
the referral (audited); without it the referral is refused with the reason and nothing is sent."""

from __future__ import annotations

from sqlalchemy import func, select

from server.audit.models import AuditEvent
from server.cards.models import CardHandout
from server.customers.models import Customer
from server.extensions import db
from server.notifications.models import Notification
from server.referrals.models import Referral
from tests.helpers import assert_error


def no_marketing_customer(client) -> str:
    answer = client.post(
        "/api/v1/customers",
        {"family_name": "方", "salutation": "ms", "consent": {"contact": True, "marketing": False}},
    )
    return answer.get_json()["customer"]["id"]


def follow_up(customer_id: str, **fields) -> dict:
    return {
        "customer_id": customer_id,
        "reason": "定期到期，问理财",
        "urgency": "follow_up",
        "card": {"card_type": "account_manager_card"},
        **fields,
    }


def test_a_customer_who_refused_marketing_is_not_referred_nor_handed_a_card(app, floor):
    customer_id = no_marketing_customer(floor.lobby)
    error = assert_error(floor.lobby.post("/api/v1/referrals", follow_up(customer_id)), 422, "marketing_consent_needed")
    assert "方女士" in error["message"] and set(error["fields"]) == {"marketing_consent"}
    refused_now = floor.lobby.post("/api/v1/referrals", {**follow_up(customer_id), "urgency": "now", "card": None})
    assert_error(refused_now, 422, "marketing_consent_needed")
    with app.app_context():
        assert db.session.scalar(select(func.count(Referral.id))) == 0
        assert db.session.scalar(select(func.count(Notification.id))) == 0  # nobody is told of it
        assert db.session.scalar(select(func.count(CardHandout.id))) == 0


def test_a_yes_given_on_the_spot_is_recorded_with_the_referral(app, floor):
    customer_id = no_marketing_customer(floor.lobby)
    answer = floor.lobby.post("/api/v1/referrals", follow_up(customer_id, marketing_consent=True))
    assert answer.status_code == 201
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert customer.consent_marketing is True and customer.consent_recorded_by_id == floor.staff["lobby"].id
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.consent")).one()
        assert event.subject_id == customer_id and event.actor_id == floor.staff["lobby"].id


def test_a_lead_without_marketing_consent_is_not_referred(app, floor):
    lead = {"family_name": "周", "salutation": "ms", "consent": {"contact": True, "marketing": False}}
    answer = floor.lobby.post("/api/v1/referrals", {"lead": lead, "reason": "没时间", "urgency": "follow_up"})
    assert_error(answer, 422, "marketing_consent_needed")
    with app.app_context():  # the lead is not kept either: one request, one transaction
        assert db.session.scalar(select(func.count(Customer.id)).where(Customer.family_name == "周")) == 0
