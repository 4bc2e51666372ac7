"""The worker's side of the outbox: claim due deliveries (Web Push, Enterprise WeChat), send, record the outcome.

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
from typing import Any

import httpx
from flask import current_app
from sqlalchemy import delete, or_, select, update
from webpush import WebPush
from webpush.types import WebPushSubscription

from server.branches.models import Branch
from server.common.clock import utcnow
from server.common.origins import allowed
from server.common.vault import vault
from server.extensions import db
from server.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from server.push.models import PushSubscription

log = logging.getLogger(__name__)

SENT_BY_WORKER = (Channel.WEBPUSH, Channel.WECOM)  # the live channel is fetched by the open app
WECOM_RATE_LIMITED = 45009  # the robot's 20 messages a minute are used up: try again in a minute
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
    candidates = list(
        db.session.scalars(
            select(Delivery.id)
            .where(Delivery.channel.in_(SENT_BY_WORKER), due)
            .order_by(Delivery.next_attempt_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )  # PostgreSQL; SQLite has one writer at a time
    if not candidates:
        db.session.rollback()
        return []
    # Compare-and-set: of two workers that saw the same rows, each row moves to `sending` for exactly one.
    claimed = list(
        db.session.scalars(
            update(Delivery)
            .where(Delivery.id.in_(candidates), due)
            .values(status=DeliveryStatus.SENDING, claimed_until=now + LEASE, attempts=Delivery.attempts + 1)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    return claimed


@dataclass(frozen=True)
class _Job:
    delivery_id: str
    channel: Channel
    payload: dict
    ttl_seconds: int
    urgency: str
    topic: str
    url: str | None  # the push endpoint or the webhook; None: the subscription (or webhook) is gone
    p256dh: str | None = None
    auth: str | None = None
    group_text: str | None = None


@dataclass(frozen=True)
class _Context:
    """What a sending thread needs of the app, read once per round (threads have no app context)."""

    pusher: WebPush
    http: httpx.Client
    push_origins: tuple[str, ...]
    wecom_origins: tuple[str, ...]
    public_url: str

    @classmethod
    def of_app(cls) -> _Context:
        config = current_app.config
        return cls(
            pusher(),
            http(),
            tuple(config["PUSH_ALLOWED_ORIGINS"]),
            tuple(config["WECOM_ALLOWED_ORIGINS"]),
            config["PUBLIC_URL"],
        )


def _jobs(delivery_ids: list[str]) -> list[_Job]:
    rows = db.session.execute(
        select(
            Delivery.id,
            Delivery.channel,
            Notification.id,
            Notification.payload,
            Notification.ttl_seconds,
            Notification.urgency,
            Notification.group_text,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
            Branch.wecom_webhook_cipher,
        )
        .join(Notification, Notification.id == Delivery.notification_id)
        .join(Branch, Branch.id == Notification.branch_id)
        .outerjoin(PushSubscription, (PushSubscription.id == Delivery.target) & (Delivery.channel == Channel.WEBPUSH))
        .where(Delivery.id.in_(delivery_ids))
    )
    jobs = []
    for (
        delivery_id,
        channel,
        notification_id,
        payload,
        ttl,
        urgency,
        group_text,
        endpoint,
        p256dh,
        auth,
        webhook_cipher,
    ) in rows:
        if channel == Channel.WECOM:
            webhook = vault().decrypt("wecom_webhook", webhook_cipher) if webhook_cipher else None
            jobs.append(_Job(delivery_id, channel, payload, ttl, urgency, "", webhook, group_text=group_text))
        else:
            jobs.append(
                _Job(delivery_id, channel, payload, ttl, urgency, _topic(notification_id), endpoint, p256dh, auth)
            )
    return jobs


def _send(job: _Job, context: _Context) -> Outcome:
    if job.url is None:
        return Outcome(job.delivery_id, DeliveryStatus.GONE, error="subscription or webhook removed")
    if not allowed(job.url, context.wecom_origins if job.channel == Channel.WECOM else context.push_origins):
        return Outcome(job.delivery_id, DeliveryStatus.FAILED, error="address not allowed")
    try:
        if job.channel == Channel.WECOM:
            return _wecom_outcome(job, context.http.post(job.url, json=_wecom_message(job, context.public_url)))
        message = context.pusher.get(
            job.payload,
            WebPushSubscription.model_validate({"endpoint": job.url, "keys": {"p256dh": job.p256dh, "auth": job.auth}}),
        )
        headers = {
            **message.headers,
            "ttl": str(job.ttl_seconds),
            "urgency": job.urgency,
            "topic": job.topic,
            "content-type": "application/octet-stream",
        }
        response = context.http.post(job.url, content=message.encrypted, headers=headers)
    except httpx.HTTPError as error:  # timeouts, refused connections, resets
        return Outcome(job.delivery_id, DeliveryStatus.PENDING, error=f"{type(error).__name__}: {error}"[:500])
    if response.status_code in (200, 201, 202):
        return Outcome(job.delivery_id, DeliveryStatus.SENT, response.status_code)
    if response.status_code in (404, 410):
        return Outcome(job.delivery_id, DeliveryStatus.GONE, response.status_code)
    return _retry_or_fail(job, response)


def _wecom_message(job: _Job, public_url: str) -> dict:
    """A group-robot text message: who it is for, what, and the link that opens the record."""
    return {"msgtype": "text", "text": {"content": f"【大堂助手】{job.group_text}\n{public_url}{job.payload['url']}"}}


def _wecom_outcome(job: _Job, response: httpx.Response) -> Outcome:
    """The robot answers 200 with {"errcode": 0} when it posted; other errcodes say why not."""
    if response.status_code != 200:
        return _retry_or_fail(job, response)
    try:
        errcode = int(response.json().get("errcode", -1))
    except (ValueError, AttributeError):
        errcode = -1
    if errcode == 0:
        return Outcome(job.delivery_id, DeliveryStatus.SENT, 200)
    if errcode == WECOM_RATE_LIMITED:
        return Outcome(job.delivery_id, DeliveryStatus.PENDING, 200, response.text[:500], 60.0)
    return Outcome(job.delivery_id, DeliveryStatus.FAILED, 200, response.text[:500])


def _retry_or_fail(job: _Job, response: httpx.Response) -> Outcome:
    if response.status_code == 429 or response.status_code >= 500:
        return Outcome(
            job.delivery_id,
            DeliveryStatus.PENDING,
            response.status_code,
            response.text[:500],
            _retry_after(response.headers.get("retry-after")),
        )
    # 400, 403, 413…: retrying the same request cannot help.
    return Outcome(job.delivery_id, DeliveryStatus.FAILED, response.status_code, response.text[:500])


def _record(outcomes: list[Outcome], now: datetime) -> None:
    attempts = dict(
        db.session.execute(
            select(Delivery.id, Delivery.attempts).where(Delivery.id.in_([o.delivery_id for o in outcomes]))
        ).all()
    )
    changes, gone = [], []
    for outcome in outcomes:
        status = outcome.status
        if status == DeliveryStatus.PENDING and attempts[outcome.delivery_id] >= MAX_ATTEMPTS:
            status = DeliveryStatus.FAILED
        change: dict[str, Any] = {
            "id": outcome.delivery_id,
            "status": status,
            "response_status": outcome.response_status,
            "error": outcome.error,
            "claimed_until": None,
        }
        if status == DeliveryStatus.SENT:
            change["sent_at"] = now
        elif status == DeliveryStatus.PENDING:
            change["next_attempt_at"] = now + timedelta(
                seconds=backoff(attempts[outcome.delivery_id], outcome.retry_after)
            )
        elif status == DeliveryStatus.GONE:
            gone.append(outcome.delivery_id)
        if status in (DeliveryStatus.FAILED, DeliveryStatus.GONE):
            log.warning("push delivery %s: %s %s", outcome.delivery_id, status, outcome.error or "")
        changes.append(change)
    for keys in {tuple(sorted(c)) for c in changes}:  # one executemany per shape of change
        db.session.execute(update(Delivery), [c for c in changes if tuple(sorted(c)) == keys])
    if gone:
        targets = (
            select(Delivery.target).where(Delivery.id.in_(gone), Delivery.channel == Channel.WEBPUSH).scalar_subquery()
        )
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


def pusher() -> WebPush:
    """The webpush encoder with the server's VAPID keys (built once per app)."""
    found = current_app.extensions.get("lobbypad.webpush")
    if found is None:
        keys = current_app.extensions["lobbypad.vapid"]
        # The subject must be an e-mail address: the package writes "mailto:<subject>" itself.
        found = WebPush(
            private_key=keys.private_pem,
            public_key=keys.public_pem,
            subscriber=current_app.config["VAPID_SUBJECT"],
            expiration=12 * 3600,
        )
        current_app.extensions["lobbypad.webpush"] = found
    return found


def http() -> httpx.Client:
    """One pooled client per app, with timeouts: a hung push service must not hold the worker."""
    found = current_app.extensions.get("lobbypad.http")
    if found is None:
        found = httpx.Client(timeout=httpx.Timeout(current_app.config["PUSH_TIMEOUT_SECONDS"]), follow_redirects=False)
        current_app.extensions["lobbypad.http"] = found
    return found
