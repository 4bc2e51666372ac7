"""Raising notifications: written in the caller's transaction, delivered later by the worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from server.auth.models import User
from server.branches.models import Branch
from server.common.i18n import in_language
from server.common.types import new_id
from server.extensions import db
from server.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from server.push.models import PushSubscription

LIVE_TARGET = "app"
GROUP_TARGET = "group"
LIVE_WINDOW = timedelta(hours=12)  # how far back an app that opens catches up on what it missed


@dataclass(frozen=True)
class Kind:
    urgency: str  # the Web Push Urgency header: very-low, low, normal, high
    ttl_seconds: int  # how long the push service keeps it for a phone that is off
    renotify: bool = False  # buzz again even when it replaces a notification with the same tag


KINDS = {
    "referral.new": Kind("high", 5 * 60),
    "referral.follow_up": Kind("normal", 24 * 3600),
    "referral.accepted": Kind("high", 10 * 60),
    "referral.declined": Kind("high", 10 * 60),
    "referral.escalated": Kind("high", 5 * 60, renotify=True),
    "referral.overdue": Kind("normal", 8 * 3600, renotify=True),
    # Care on the floor: a reminder replaces the last notification (same tag) and buzzes again.
    "wait.care": Kind("high", 10 * 60, renotify=True),
    "wait.long": Kind("high", 15 * 60, renotify=True),
    "care.accompany": Kind("high", 10 * 60, renotify=True),
    "escort.due": Kind("high", 10 * 60, renotify=True),
    "push.test": Kind("normal", 5 * 60),
    # Complaints: the owner's reminders; a passed deadline, a hand-on, an escalation, a media complaint.
    "complaint.due": Kind("normal", 60 * 60, renotify=True),
    "complaint.escalated": Kind("high", 8 * 3600, renotify=True),
    "complaint.assigned": Kind("high", 8 * 3600),
    "complaint.media": Kind("high", 8 * 3600),
    "incident.reported": Kind("high", 30 * 60, renotify=True),
    "privacy.reveals": Kind("normal", 8 * 3600),
    # Opening checks: the lobby managers' reminder, the supervisors' alert at opening, tickets to pre-issue.
    "checks.due": Kind("high", 15 * 60),
    "checks.overdue": Kind("high", 60 * 60),
    "checks.preissue": Kind("high", 5 * 60),
    "fault.open_long": Kind("normal", 8 * 3600),
    "shift.handover": Kind("high", 8 * 3600),
}


@dataclass(frozen=True)
class Message:
    """One notification to raise: to whom, what it says, what it is about, and its dedupe key."""

    recipient: User
    kind: str
    title: str
    body: str
    url: str
    ref: tuple[str, str]
    dedupe_key: str
    tag: str | None = None
    actions: list[dict] | None = None
    # The branch group's text (Enterprise WeChat); a function when wording it costs something, so that it is
    # worded only for branches that post to a group.
    group_text: str | Callable[[bool], str] | None = None


Wording = Callable[[], tuple[str, str]]  # (title, body) in the current language


def worded(
    recipient: User,
    kind: str,
    text: Wording,
    *,
    url: str,
    ref: tuple[str, str],
    dedupe_key: str,
    tag: str | None = None,
    actions: Callable[[], list[dict]] | None = None,
    group: Wording | None = None,
) -> Message:
    """A notification worded in its recipient's own language (their actions too). The branch group's text,
    Chinese and naming the recipient, is worded only if the branch posts to a group (it costs a second
    wording). The group is a third party: unless the branch shares names with it, it reads `group` (the
    honorific and the ticket, no reasons), or the title alone."""

    def group_text(share_names: bool) -> str:
        with in_language("zh"):  # the branch's Enterprise WeChat group reads Chinese
            if share_names:
                title, body = text()
            elif group is not None:
                title, body = group()
            else:
                title, body = text()[0], ""
            named = _("%(name)s: %(title)s", name=recipient.display_name, title=title)
            return f"{named}\n{body}" if body else named

    with in_language(recipient.preferred_locale or "zh"):
        title, body = text()
        worded_actions = actions() if actions else None
    return Message(
        recipient, kind, title, body, url, ref, dedupe_key, tag=tag, actions=worded_actions, group_text=group_text
    )


def notify(
    recipient: User,
    kind: str,
    *,
    title: str,
    body: str,
    url: str,
    ref: tuple[str, str],
    dedupe_key: str,
    tag: str | None = None,
    actions: list[dict] | None = None,
    group_text: str | None = None,
) -> Notification:
    """Queue one notification to every device of the recipient and to their open app.

    Same dedupe key → the notification already queued (an event notifies a recipient once)."""
    [notification] = notify_many(
        [Message(recipient, kind, title, body, url, ref, dedupe_key, tag, actions, group_text)]
    )
    return notification


def notify_many(messages: list[Message]) -> list[Notification]:
    """Queue several notifications with a fixed number of statements (a sweep may raise hundreds at once)."""
    if not messages:
        return []
    keys = [m.dedupe_key for m in messages]
    known = {n.dedupe_key: n for n in db.session.scalars(select(Notification).where(Notification.dedupe_key.in_(keys)))}
    recipients = {m.recipient.id for m in messages}
    devices: dict[str, list[str]] = {}
    for user_id, subscription_id in db.session.execute(
        select(PushSubscription.user_id, PushSubscription.id).where(PushSubscription.user_id.in_(recipients))
    ):
        devices.setdefault(user_id, []).append(subscription_id)
    # Read in one query and held here: each recipient's branch says which channels it uses.
    branches = {
        b.id: b
        for b in db.session.scalars(select(Branch).where(Branch.id.in_({m.recipient.branch_id for m in messages})))
    }
    raised = []
    for message in messages:
        if message.dedupe_key not in known:
            known[message.dedupe_key] = _queue(
                message, branches.get(message.recipient.branch_id or ""), devices.get(message.recipient.id, [])
            )
        raised.append(known[message.dedupe_key])
    db.session.flush()
    return raised


def _queue(message: Message, branch: Branch | None, subscription_ids: list[str]) -> Notification:
    recipient = message.recipient
    spec = KINDS[message.kind]
    ref_type, ref_id = message.ref
    # Title and body are capped so the payload stays under the contract's 3 KB (4096 bytes of ciphertext at most).
    payload = {
        "kind": message.kind,
        "title": message.title[:120],
        "body": message.body[:400],
        "url": message.url,
        "tag": message.tag or f"{ref_type}-{ref_id}",
        "ref": {"type": ref_type, "id": ref_id},
        "renotify": spec.renotify,
        "actions": message.actions or [],
    }
    channels = branch.settings.notification_channels if branch else ("webpush", "live")
    to_group = bool(branch and Channel.WECOM in channels and message.group_text and branch.wecom_webhook_cipher)
    group_text = None
    if to_group:
        share = branch.settings.wecom_share_names if branch else False
        group_text = message.group_text(share) if callable(message.group_text) else message.group_text
    notification = Notification(
        id=new_id(),
        branch_id=recipient.branch_id,
        recipient_id=recipient.id,
        kind=message.kind,
        payload=payload,
        dedupe_key=message.dedupe_key,
        urgency=spec.urgency,
        ttl_seconds=spec.ttl_seconds,
        ref_type=ref_type,
        ref_id=ref_id,
        group_text=group_text,
    )
    db.session.add(notification)
    if Channel.WEBPUSH in channels:
        for subscription_id in subscription_ids:
            db.session.add(Delivery(notification_id=notification.id, channel=Channel.WEBPUSH, target=subscription_id))
    if Channel.LIVE in channels:
        db.session.add(Delivery(notification_id=notification.id, channel=Channel.LIVE, target=LIVE_TARGET))
    if to_group:
        db.session.add(Delivery(notification_id=notification.id, channel=Channel.WECOM, target=GROUP_TARGET))
    return notification


def live_notifications(user: User, now: datetime, after: datetime | None = None) -> list[Notification]:
    """What the user's open app has not shown yet (or everything of the last hours); marks the live
    deliveries as sent, so the sender sees that the open app received it."""
    since = max(after, now - LIVE_WINDOW) if after else now - LIVE_WINDOW
    found = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.id, Notification.created_at > since)
            .order_by(Notification.created_at)
            .limit(50)
        )
    )
    if found:
        db.session.execute(
            update(Delivery)
            .where(
                Delivery.notification_id.in_([n.id for n in found]),
                Delivery.channel == Channel.LIVE,
                Delivery.status == DeliveryStatus.PENDING,
            )
            .values(status=DeliveryStatus.SENT, sent_at=now, attempts=Delivery.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    return found


def reach(ref_type: str, ref_id: str) -> list[dict]:
    """Per notification about a record: who, which channels reached them and when, and which failed."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.ref_type == ref_type, Notification.ref_id == ref_id)
        .order_by(Notification.created_at)
    )
    return [
        {
            "kind": n.kind,
            "recipient_id": n.recipient_id,
            "created_at": n.created_at,
            "deliveries": [
                {"channel": d.channel.value, "status": d.status.value, "sent_at": d.sent_at, "attempts": d.attempts}
                for d in n.deliveries
            ],
        }
        for n in rows
    ]


def send_test(user: User, request_id: str) -> None:
    """The settings screen's "send me a test notification" (once per tap: the request id dedupes retries)."""
    notify(
        user,
        "push.test",
        title=_("Lobbypad test notification"),
        body=_("Notifications reach this device."),
        url="/#more",
        ref=("user", user.id),
        dedupe_key=f"push.test:{user.id}:{request_id}",
        tag="push-test",
    )


def forget_notifications(ref_type: str, ref_ids) -> None:
    """A customer's data erased: the notifications about their records keep who was told and when, not what
    they said (names, reasons)."""
    db.session.execute(
        update(Notification)
        .where(Notification.ref_type == ref_type, Notification.ref_id.in_(ref_ids))
        .values(payload={"title": "", "body": "", "url": "/", "erased": True}, group_text=None)
    )
