"""Shapes of the referral API: what may come in, and the referral with its timeline that goes out."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from server.auth.models import User
from server.cards.schemas import CardIn
from server.common.fields import ClientTime
from server.common.types import new_id
from server.customers.schemas import UUID_PATTERN, CustomerIn, customer_out
from server.referrals.models import CallResult, Outcome, Referral, Urgency
from server.referrals.policy import referral_steps

Signal = Literal[
    "large_amount",
    "wealth_management",
    "funds",
    "fx",
    "insurance",
    "loans",
    "asked_rates",
    "large_transfer_in",
    "other",
]


class ReferralIn(BaseModel):
    """`customer_id` of a known customer, or `lead`: a new customer with only what they agreed to give."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    customer_id: str | None = Field(None, pattern=UUID_PATTERN)
    lead: CustomerIn | None = None
    account_manager_id: str | None = Field(None, pattern=UUID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    signals: list[Signal] = Field(default_factory=list, max_length=9)
    location: str | None = Field(None, max_length=60)
    urgency: Urgency
    # The customer had no time: the card handed out, and when they would like the call.
    card: CardIn | None = None
    best_time: str | None = Field(None, max_length=60)
    # The customer, asked on the spot, agreed to marketing contact (needed when they had not before).
    marketing_consent: bool | None = None
    occurred_at: ClientTime | None = None

    @model_validator(mode="after")
    def one_customer(self) -> ReferralIn:
        if (self.customer_id is None) == (self.lead is None):
            raise PydanticCustomError("customer_or_lead", _("Give either a known customer or a new lead."))
        if self.card is not None and self.urgency != Urgency.FOLLOW_UP:
            raise PydanticCustomError(
                "card_needs_follow_up", _("A card is handed out when the customer has no time now (a follow-up).")
            )
        self.signals = list(dict.fromkeys(self.signals))
        return self


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    eta_minutes: int | None = Field(None, ge=0, le=120)


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=300)


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_manager_id: str | None = Field(None, pattern=UUID_PATTERN)


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    result: Outcome
    product: str | None = Field(None, max_length=120)
    amount: Decimal | None = Field(None, ge=0, le=Decimal("1e11"), decimal_places=2)
    note: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def product_when_sold(self) -> OutcomeIn:
        if self.result == Outcome.PRODUCT_SOLD and not self.product:
            raise PydanticCustomError("product_required", _("Name the product sold."))
        return self


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    result: CallResult
    note: str | None = Field(None, max_length=2000)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(None, max_length=500)


def _person(user) -> dict | None:
    return {"id": user.id, "display_name": user.display_name} if user else None


def referral_brief(referral: Referral) -> dict:
    """A line of the customer card: when, to whom, where it stands."""
    return {
        "id": referral.id,
        "created_at": referral.created_at.isoformat(),
        "urgency": referral.urgency.value,
        "status": referral.status.value,
        "to": _person(referral.to_user),
        "reason": referral.reason,
        "outcome": referral.outcome.value if referral.outcome else None,
    }


def referral_out(referral: Referral, reader: User, *, timeline: bool = False, reach: list | None = None) -> dict:
    """The referral as `reader` sees it, with the steps they may take now (`allowed_actions`)."""
    out = {
        "id": referral.id,
        "customer": customer_out(referral.customer),
        "from": _person(referral.from_user),
        "to": _person(referral.to_user),
        "reason": referral.reason,
        "signals": referral.signals or [],
        "location": referral.location,
        "best_time": referral.best_time,
        # The card handed out with a call-back: the account manager names it ("the VIP card VIP000123").
        "cards": [{"card_type": h.card_type.value, "serial": h.serial} for h in referral.handouts],
        "urgency": referral.urgency.value,
        "status": referral.status.value,
        "eta_minutes": referral.eta_minutes,
        "answer_by": referral.answer_by.isoformat() if referral.answer_by else None,
        "due_at": referral.due_at.isoformat() if referral.due_at else None,
        "escalations": referral.escalations,
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome.value if referral.outcome else None,
        "product": referral.product,
        "amount": str(referral.amount) if referral.amount is not None else None,
        "outcome_note": referral.outcome_note,
        "created_at": referral.created_at.isoformat(),
        "accepted_at": referral.accepted_at.isoformat() if referral.accepted_at else None,
        "allowed_actions": referral_steps(reader, referral),
    }
    if timeline:
        out["timeline"] = [
            {
                "type": e.type,
                "actor": _person(e.actor),
                "to": _person(e.to_user),
                "note": e.note,
                "at": e.occurred_at.isoformat(),
            }
            for e in referral.events
        ]
    if reach is not None:
        out["reach"] = reach
    return out


def referral_on_board(referral: Referral) -> dict:
    """What a board row shows of its customer's referral: under way, or who is coming and since when."""
    return {
        "id": referral.id,
        "status": referral.status.value,
        "urgency": referral.urgency.value,
        "to": _person(referral.to_user),
        "eta_minutes": referral.eta_minutes,
        "accepted_at": referral.accepted_at.isoformat() if referral.accepted_at else None,
    }
