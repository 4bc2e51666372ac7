"""Card rules: a numbered card must come from a batch the branch received and is handed out once."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from server.audit import service as audit
from server.auth.models import User
from server.cards.models import CardBatch, CardHandout
from server.cards.schemas import BatchIn, CardIn
from server.common.clock import utcnow
from server.common.errors import Conflict, ValidationFailed
from server.common.idempotency import create_once, fingerprint
from server.customers.models import Customer
from server.extensions import db

SERIAL = re.compile(r"^([A-Z-]*)(\d+)$")


def receive_batch(actor: User, data: BatchIn) -> tuple[CardBatch, bool]:
    """Record serials the branch received (idempotent on the client's id); a batch may not overlap another."""
    payload = fingerprint(actor=actor.id, **data.model_dump(mode="json"))
    return create_once(CardBatch, data.id.lower(), payload, lambda: _new_batch(actor, data))


def _new_batch(actor: User, data: BatchIn) -> CardBatch:
    overlapping = db.session.scalar(
        select(CardBatch.id).where(
            CardBatch.branch_id == actor.branch_id,
            CardBatch.card_type == data.card_type,
            CardBatch.prefix == data.prefix,
            CardBatch.first <= data.last,
            CardBatch.last >= data.first,
        )
    )
    if overlapping:
        raise Conflict(
            _("These serials overlap a batch already received."),
            code="batch_overlaps",
            fields={"first": _("Already received.")},
        )
    batch = CardBatch(
        branch_id=actor.branch_id,
        card_type=data.card_type,
        prefix=data.prefix,
        first=data.first,
        last=data.last,
        width=data.width,
        received_by_id=actor.id,
        received_at=utcnow(),
    )
    audit.record(
        "cards.batch_received",
        actor=actor,
        subject_type="card_batch",
        subject_id=data.id.lower(),
        branch_id=actor.branch_id,
        size=data.last - data.first + 1,
    )
    return batch


def hand_out(actor: User, customer: Customer, card: CardIn, referral) -> CardHandout:
    """Record the card given with a follow-up referral. Saved with the referral (it hangs on
    `referral.handouts`): a serial taken by another phone at the same moment fails the whole insert
    (409, nothing half-saved)."""
    batch = _batch_of(actor.home_branch.id, card) if card.serial else None
    if card.serial and db.session.scalar(
        select(CardHandout.id).where(CardHandout.branch_id == actor.branch_id, CardHandout.serial == card.serial)
    ):
        raise _already_handed_out()
    handout = CardHandout(
        branch_id=actor.branch_id,
        card_type=card.card_type,
        serial=card.serial,
        batch_id=batch.id if batch else None,
        customer=customer,
        referral=referral,
        handed_by_id=actor.id,
        handed_at=utcnow(),
    )
    audit.record(
        "cards.handed_out",
        actor=actor,
        subject_type="customer",
        subject_id=customer.id,
        branch_id=actor.branch_id,
        card_type=card.card_type.value,
        serial=card.serial,
    )
    return handout


def _already_handed_out() -> Conflict:
    return Conflict(
        _("This card was already handed out: check the serial number."),
        code="serial_already_handed_out",
        fields={"card.serial": _("Already handed out.")},
    )


def _batch_of(branch_id: str, card: CardIn) -> CardBatch:
    match = SERIAL.match(card.serial or "")
    batch = None
    if match:
        prefix, number = match.group(1), int(match.group(2))
        batch = db.session.scalar(
            select(CardBatch).where(
                CardBatch.branch_id == branch_id,
                CardBatch.card_type == card.card_type,
                CardBatch.prefix == prefix,
                CardBatch.first <= number,
                CardBatch.last >= number,
            )
        )
        if batch is not None and batch.serial(number) != card.serial:
            batch = None  # same number, other padding: not the printed serial
    if batch is None:
        raise ValidationFailed(
            _("This serial is not in a batch the branch received."),
            fields={"card.serial": _("Not in this branch's stock.")},
        )
    return batch


def stock(branch_id: str) -> list[tuple[CardBatch, int]]:
    """Each batch with how many of its cards were handed out (one grouped query)."""
    counts = dict(
        db.session.execute(
            select(CardHandout.batch_id, func.count())
            .where(CardHandout.branch_id == branch_id, CardHandout.batch_id.is_not(None))
            .group_by(CardHandout.batch_id)
        ).all()
    )
    batches = db.session.scalars(
        select(CardBatch).where(CardBatch.branch_id == branch_id).order_by(CardBatch.received_at.desc())
    )
    return [(batch, counts.get(batch.id, 0)) for batch in batches]


def recent_handouts(branch_id: str, limit: int = 50) -> list[CardHandout]:
    return list(
        db.session.scalars(
            select(CardHandout)
            .where(CardHandout.branch_id == branch_id)
            .order_by(CardHandout.handed_at.desc())
            .limit(limit)
        )
    )
