"""The queue-ticket machine's webhook: signed deliveries, applied once, stale ones refused."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.branches.models import Branch
from server.branches.service import queue_secret
from server.common.clock import local_day_start, utcnow
from server.common.errors import Conflict, DomainError, Unauthenticated
from server.extensions import db
from server.floor import service as floor
from server.floor.codes import EventType
from server.floor.models import QueueDelivery
from server.floor.schemas import QueueEventIn

FRESHNESS = timedelta(minutes=5)
EVENTS = {"called": EventType.CALLED, "served": EventType.SERVED, "cancelled": EventType.LEFT}


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, branch_code: str | None) -> Branch:
    """The branch whose secret signed the body (constant-time compare); 401 otherwise."""
    if not header or not header.startswith("sha256="):
        raise Unauthenticated(_("The delivery is not signed."), code="signature_missing")
    stmt = select(Branch).where(Branch.queue_secret_cipher.is_not(None))
    if branch_code:
        stmt = stmt.where(Branch.code == branch_code.strip().upper())
    matched = None
    for branch in db.session.scalars(stmt):
        secret = queue_secret(branch) or ""  # the query kept branches that have one
        if hmac.compare_digest(signature(secret, body), header) and matched is None:
            matched = branch
    if matched is None:
        raise Unauthenticated(_("The signature does not match."), code="bad_signature")
    return matched


def receive(
    branch: Branch, body: bytes, event: QueueEventIn, now: datetime | None = None
) -> tuple[QueueDelivery, bool]:
    """Apply a verified delivery once. Returns (delivery, new); a repeat returns the first outcome."""
    now = now or utcnow()
    if abs(now - event.at) > FRESHNESS:
        raise DomainError(
            _("The event is older than 5 minutes (or its clock is wrong); it was not applied."), code="stale_event"
        )
    digest = hashlib.sha256(body).hexdigest()
    existing = _delivery(branch.id, digest)
    if existing:
        return existing, False
    delivery = QueueDelivery(
        branch_id=branch.id,
        digest=digest,
        event=event.event,
        ticket=event.ticket,
        at=event.at,
        received_at=now,
        outcome="",
    )
    try:
        with db.session.begin_nested():
            delivery.visit_id, delivery.outcome = _apply(branch, event)
            db.session.add(delivery)
    except IntegrityError:
        # The machine retried while the first delivery was being applied: that one wins.
        existing = _delivery(branch.id, digest)
        if existing is None:
            raise
        return existing, False
    return delivery, True


def _delivery(branch_id: str, digest: str) -> QueueDelivery | None:
    return db.session.scalar(
        select(QueueDelivery).where(QueueDelivery.branch_id == branch_id, QueueDelivery.digest == digest)
    )


def _apply(branch: Branch, event: QueueEventIn) -> tuple[str | None, str]:
    day_start = local_day_start(branch.timezone, event.at)
    visit = floor.open_visit_by_ticket(branch.id, event.ticket, day_start)
    if event.event == "issued":
        if visit is not None and visit.finished_at is None:
            return visit.id, "already_logged"  # the lobby manager logged this ticket by hand first
        visit = floor.create_queue_visit(
            branch, ticket=event.ticket, business=event.business_type, amount=event.amount, at=event.at
        )
        return visit.id, "visit_created"
    if visit is None:
        return None, "unknown_ticket"
    try:
        floor.record_machine_event(visit, EVENTS[event.event], when=event.at)
    except Conflict:
        return visit.id, "not_applicable"  # the floor has moved on (e.g. already served); the machine is told
    return visit.id, f"visit_{visit.status.value}"
