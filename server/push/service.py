"""Device subscriptions: saved for the signed-in user, only towards the allowed push services."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from server.auth.models import User
from server.common.clock import utcnow
from server.common.errors import Conflict, ValidationFailed
from server.common.origins import allowed
from server.extensions import db
from server.push.models import PushSubscription
from server.push.schemas import SubscriptionIn


def subscribe(user: User, data: SubscriptionIn, user_agent: str | None) -> tuple[PushSubscription, bool]:
    """Save (or refresh) this device's subscription. Re-sent each time the app opens. (subscription, created)"""
    if not allowed(data.endpoint, current_app.config["PUSH_ALLOWED_ORIGINS"]):
        # The server POSTs to this URL: only the push services the operator allows, never an arbitrary address.
        raise ValidationFailed(
            _("This push service is not allowed."), fields={"endpoint": _("Not an allowed push service.")}
        )
    found = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == data.endpoint))
    if found is not None and found.user_id != user.id:
        # Whoever learnt an endpoint could otherwise move a colleague's phone to themselves and silence it.
        # A phone handed to someone else makes itself a fresh subscription (static/js/push.js).
        raise Conflict(_("This device's notifications belong to another account."), code="subscription_taken")
    created = found is None
    if found is None:
        found = PushSubscription(endpoint=data.endpoint, user_id=user.id)
        db.session.add(found)
    # Keys change when the browser renews them.
    found.p256dh, found.auth = data.keys.p256dh, data.keys.auth
    found.user_agent, found.last_seen_at = (user_agent or "")[:255] or None, utcnow()
    db.session.flush()
    return found, created


def unsubscribe(user: User, endpoint: str) -> None:
    db.session.execute(
        delete(PushSubscription).where(PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint)
    )


def devices(user: User) -> int:
    return db.session.scalar(select(func.count(PushSubscription.id)).where(PushSubscription.user_id == user.id)) or 0
