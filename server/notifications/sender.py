"""The worker's side of the outbox: claim due Web Push deliveries, encrypt, POST, record the outcome.

A delivery is claimed (status `sending`, a lease in `claimed_until`) and the claim committed before
anything is sent, so two workers never send the same delivery. A worker that dies after its claim leaves
the lease to run out; the delivery is then claimed again and sent once. (A worker that dies after the POST
but before recording it would send again after the lease: the `Topic` header makes the push service
replace the first copy if the phone has not fetched it yet, and the shared `tag` makes the phone replace it.)
"""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from flask import current_app
from sqlalchemy import or_, select, update
from webpush import WebPush
from webpush.types import WebPushSubscription

from server.common.clock import utcnow
from server.extensions import db
from server.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from server.push.models import PushSubscription

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0


@dataclass(frozen=True)
class Outcome:
    delivery_id: str
    status: DeliveryStatus
    response_status: int | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds the push service asked us to wait


def deliver_due(now: datetime | None = None, batch: int = 200) -> int:
    """One round: claim up to `batch` due deliveries, send them, record what happened. Returns how many were tried."""
    now = now or utcnow()
    claimed = _claim(now, batch)
    if not claimed:
        return 0
    outcomes = [_send(delivery_id) for delivery_id in claimed]
    _record(outcomes, utcnow())
    return len(outcomes)


def _claim(now: datetime, batch: int) -> list[str]:
    due = or_(
        (Delivery.status == DeliveryStatus.PENDING) & (Delivery.next_attempt_at <= now),
        (Delivery.status == DeliveryStatus.SENDING) & (Delivery.claimed_until < now),  # a dead worker's lease
    )
    candidates = list(db.session.scalars(
        select(Delivery.id).where(Delivery.channel == Channel.WEBPUSH, due).order_by(Delivery.next_attempt_at)
        .limit(batch).with_for_update(skip_locked=True)))  # PostgreSQL; SQLite has one writer at a time
    claimed = []
    for delivery_id in candidates:
        # Compare-and-set: of two workers that saw the same row, exactly one moves it to `sending`.
        result = db.session.execute(
            update(Delivery).where(Delivery.id == delivery_id, due)
            .values(status=DeliveryStatus.SENDING, claimed_until=now + LEASE, attempts=Delivery.attempts + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            claimed.append(delivery_id)
    db.session.commit()
    return claimed


def _send(delivery_id: str) -> Outcome:
    delivery = db.session.get(Delivery, delivery_id)
    notification = delivery.notification
    subscription = db.session.get(PushSubscription, delivery.target)
    if subscription is None:
        return Outcome(delivery_id, DeliveryStatus.GONE, error="subscription removed")
    if _origin(subscription.endpoint) not in current_app.config["PUSH_ALLOWED_ORIGINS"]:
        return Outcome(delivery_id, DeliveryStatus.FAILED, error="push service not allowed")
    try:
        message = pusher().get(notification.payload, WebPushSubscription.model_validate(
            {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}))
        headers = {**message.headers, "ttl": str(notification.ttl_seconds), "urgency": notification.urgency,
                   "topic": _topic(notification), "content-type": "application/octet-stream"}
        response = http().post(subscription.endpoint, content=message.encrypted, headers=headers)
    except httpx.HTTPError as error:  # timeouts, refused connections, resets
        return Outcome(delivery_id, DeliveryStatus.PENDING, error=f"{type(error).__name__}: {error}"[:500])
    if response.status_code in (200, 201, 202):
        return Outcome(delivery_id, DeliveryStatus.SENT, response.status_code)
    if response.status_code in (404, 410):
        return Outcome(delivery_id, DeliveryStatus.GONE, response.status_code)
    if response.status_code == 429 or response.status_code >= 500:
        return Outcome(delivery_id, DeliveryStatus.PENDING, response.status_code, response.text[:500],
                       _retry_after(response.headers.get("retry-after")))
    # 400, 403, 413…: retrying the same request cannot help.
    return Outcome(delivery_id, DeliveryStatus.FAILED, response.status_code, response.text[:500])


def _record(outcomes: list[Outcome], now: datetime) -> None:
    for outcome in outcomes:
        delivery = db.session.get(Delivery, outcome.delivery_id)
        delivery.response_status, delivery.error, delivery.claimed_until = outcome.response_status, outcome.error, None
        status = outcome.status
        if status == DeliveryStatus.PENDING and delivery.attempts >= MAX_ATTEMPTS:
            status = DeliveryStatus.FAILED
        delivery.status = status
        if status == DeliveryStatus.SENT:
            delivery.sent_at = now
        elif status == DeliveryStatus.PENDING:
            delivery.next_attempt_at = now + timedelta(seconds=backoff(delivery.attempts, outcome.retry_after))
        elif status == DeliveryStatus.GONE:
            db.session.execute(PushSubscription.__table__.delete().where(PushSubscription.id == delivery.target))
        if status in (DeliveryStatus.FAILED, DeliveryStatus.GONE):
            log.warning("push %s to %s: %s %s", delivery.notification_id, delivery.target, status, outcome.error or "")
    db.session.commit()


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Exponential with full jitter, never sooner than the push service's Retry-After."""
    delay = random.uniform(0.5, 1.0) * min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempts - 1))
    return max(delay, retry_after or 0.0)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - utcnow()).total_seconds())
    except (TypeError, ValueError):
        return None


def _topic(notification: Notification) -> str:
    """RFC 8030 Topic (at most 32 base64url characters): a resend replaces the copy still waiting."""
    return hashlib.sha256(notification.id.encode()).hexdigest()[:32]


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def pusher() -> WebPush:
    """The webpush encoder with the server's VAPID keys (built once per app)."""
    found = current_app.extensions.get("lobbypad.webpush")
    if found is None:
        keys = current_app.extensions["lobbypad.vapid"]
        # The subject must be an e-mail address: the package writes "mailto:<subject>" itself.
        found = WebPush(private_key=keys.private_pem, public_key=keys.public_pem,
                        subscriber=current_app.config["VAPID_SUBJECT"], expiration=12 * 3600)
        current_app.extensions["lobbypad.webpush"] = found
    return found


def http() -> httpx.Client:
    """One pooled client per app, with timeouts: a hung push service must not hold the worker."""
    found = current_app.extensions.get("lobbypad.http")
    if found is None:
        found = httpx.Client(timeout=httpx.Timeout(current_app.config["PUSH_TIMEOUT_SECONDS"]), follow_redirects=False)
        current_app.extensions["lobbypad.http"] = found
    return found
