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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import repeat
from urllib.parse import urlsplit

import httpx
from flask import current_app
from sqlalchemy import delete, or_, select, update
from webpush import WebPush
from webpush.types import WebPushSubscription

from server.common.clock import utcnow
from server.extensions import db
from server.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from server.push.models import PushSubscription

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
SEND_THREADS = 8
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
    jobs = _jobs(claimed)
    db.session.rollback()  # end the read transaction: the HTTP round trips hold no database lock
    # The round trips overlap (the HTTP client is thread-safe; encryption releases the GIL in OpenSSL).
    with ThreadPoolExecutor(max_workers=SEND_THREADS) as pool:
        outcomes = list(pool.map(_send, jobs, repeat(_Context.of_app())))
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
    if not candidates:
        db.session.rollback()
        return []
    # Compare-and-set: of two workers that saw the same rows, each row moves to `sending` for exactly one.
    claimed = list(db.session.scalars(
        update(Delivery).where(Delivery.id.in_(candidates), due)
        .values(status=DeliveryStatus.SENDING, claimed_until=now + LEASE, attempts=Delivery.attempts + 1)
        .returning(Delivery.id).execution_options(synchronize_session=False)))
    db.session.commit()
    return claimed


@dataclass(frozen=True)
class _Job:
    delivery_id: str
    payload: dict
    ttl_seconds: int
    urgency: str
    topic: str
    endpoint: str | None  # None: the subscription was deleted since
    p256dh: str | None
    auth: str | None


@dataclass(frozen=True)
class _Context:
    """What a sending thread needs of the app, read once per round (threads have no app context)."""

    pusher: WebPush
    http: httpx.Client
    allowed_origins: tuple[str, ...]

    @classmethod
    def of_app(cls) -> _Context:
        return cls(pusher(), http(), tuple(current_app.config["PUSH_ALLOWED_ORIGINS"]))


def _jobs(delivery_ids: list[str]) -> list[_Job]:
    rows = db.session.execute(
        select(Delivery.id, Notification.id, Notification.payload, Notification.ttl_seconds, Notification.urgency,
               PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth)
        .join(Notification, Notification.id == Delivery.notification_id)
        .outerjoin(PushSubscription, PushSubscription.id == Delivery.target)
        .where(Delivery.id.in_(delivery_ids)))
    return [_Job(delivery_id, payload, ttl, urgency, _topic(notification_id), endpoint, p256dh, auth)
            for delivery_id, notification_id, payload, ttl, urgency, endpoint, p256dh, auth in rows]


def _send(job: _Job, context: _Context) -> Outcome:
    if job.endpoint is None:
        return Outcome(job.delivery_id, DeliveryStatus.GONE, error="subscription removed")
    if _origin(job.endpoint) not in context.allowed_origins:
        return Outcome(job.delivery_id, DeliveryStatus.FAILED, error="push service not allowed")
    try:
        message = context.pusher.get(job.payload, WebPushSubscription.model_validate(
            {"endpoint": job.endpoint, "keys": {"p256dh": job.p256dh, "auth": job.auth}}))
        headers = {**message.headers, "ttl": str(job.ttl_seconds), "urgency": job.urgency, "topic": job.topic,
                   "content-type": "application/octet-stream"}
        response = context.http.post(job.endpoint, content=message.encrypted, headers=headers)
    except httpx.HTTPError as error:  # timeouts, refused connections, resets
        return Outcome(job.delivery_id, DeliveryStatus.PENDING, error=f"{type(error).__name__}: {error}"[:500])
    if response.status_code in (200, 201, 202):
        return Outcome(job.delivery_id, DeliveryStatus.SENT, response.status_code)
    if response.status_code in (404, 410):
        return Outcome(job.delivery_id, DeliveryStatus.GONE, response.status_code)
    if response.status_code == 429 or response.status_code >= 500:
        return Outcome(job.delivery_id, DeliveryStatus.PENDING, response.status_code, response.text[:500],
                       _retry_after(response.headers.get("retry-after")))
    # 400, 403, 413…: retrying the same request cannot help.
    return Outcome(job.delivery_id, DeliveryStatus.FAILED, response.status_code, response.text[:500])


def _record(outcomes: list[Outcome], now: datetime) -> None:
    attempts = dict(db.session.execute(select(Delivery.id, Delivery.attempts)
                                       .where(Delivery.id.in_([o.delivery_id for o in outcomes]))).all())
    changes, gone = [], []
    for outcome in outcomes:
        status = outcome.status
        if status == DeliveryStatus.PENDING and attempts[outcome.delivery_id] >= MAX_ATTEMPTS:
            status = DeliveryStatus.FAILED
        change = {"id": outcome.delivery_id, "status": status, "response_status": outcome.response_status,
                  "error": outcome.error, "claimed_until": None}
        if status == DeliveryStatus.SENT:
            change["sent_at"] = now
        elif status == DeliveryStatus.PENDING:
            change["next_attempt_at"] = now + timedelta(seconds=backoff(attempts[outcome.delivery_id],
                                                                        outcome.retry_after))
        elif status == DeliveryStatus.GONE:
            gone.append(outcome.delivery_id)
        if status in (DeliveryStatus.FAILED, DeliveryStatus.GONE):
            log.warning("push delivery %s: %s %s", outcome.delivery_id, status, outcome.error or "")
        changes.append(change)
    for keys in {tuple(sorted(c)) for c in changes}:  # one executemany per shape of change
        db.session.execute(update(Delivery), [c for c in changes if tuple(sorted(c)) == keys])
    if gone:
        targets = select(Delivery.target).where(Delivery.id.in_(gone)).scalar_subquery()
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(targets)))
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


def _topic(notification_id: str) -> str:
    """RFC 8030 Topic (at most 32 base64url characters): a resend replaces the copy still waiting."""
    return hashlib.sha256(notification_id.encode()).hexdigest()[:32]


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
