"""Signed-in devices: each sign-in is a row the session cookie names, so the server decides when it ends.

Signing out, "sign out there" from another device, an administrator's "sign out everywhere", a password
reset and a deactivation all end sign-ins here; a copied cookie is refused from that moment on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from flask import current_app, session
from flask_babel import gettext as _
from sqlalchemy import CursorResult, delete, select, update

from server.audit import service as audit
from server.auth.models import SignIn, User, new_session_token
from server.common.clock import utcnow
from server.common.errors import NotFound
from server.extensions import db

SESSION_KEY = "sign_in"
# last_seen_at is written at most this often: a phone polling the board must not write on every request.
SEEN_GRANULARITY = timedelta(minutes=5)

_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS", "macOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str | None) -> str:
    """ "Chrome · Android": enough to tell one's devices apart, without keeping the whole user agent."""
    ua = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in ua), "")
    system = next((name for token, name in _SYSTEMS if token in ua), "")
    return " · ".join(part for part in (browser, system) if part) or _("Unknown device")


def open_sign_in(user: User, user_agent: str | None) -> SignIn:
    """A new sign-in of this user on this device; the caller puts its id in the fresh session."""
    sign_in = SignIn(user_id=user.id, device=device_label(user_agent))
    db.session.add(sign_in)
    db.session.flush()
    session[SESSION_KEY] = sign_in.id
    return sign_in


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: the session is valid while its sign-in is open, younger than one shift, the
    user's token matches (rotated by a password reset) and the account is active."""
    user_id, _sep, token = (session_id or "").partition(":")
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active or user.session_token != token:
        return None
    sign_in = db.session.get(SignIn, session.get(SESSION_KEY) or "")
    now = utcnow()
    lifetime = current_app.permanent_session_lifetime
    if sign_in is None or sign_in.user_id != user.id or sign_in.ended_at or now - sign_in.created_at > lifetime:
        return None
    if now - sign_in.last_seen_at > SEEN_GRANULARITY:
        # Its own short transaction: the request's session has nothing pending this early.
        with db.engine.begin() as conn:
            conn.execute(update(SignIn).where(SignIn.id == sign_in.id).values(last_seen_at=now))
    return user


def current_sign_in_id() -> str | None:
    return session.get(SESSION_KEY)


def open_sign_ins(user: User) -> list[SignIn]:
    """The user's devices still signed in, most recently seen first."""
    since = utcnow() - current_app.permanent_session_lifetime
    return list(
        db.session.scalars(
            select(SignIn)
            .where(SignIn.user_id == user.id, SignIn.ended_at.is_(None), SignIn.created_at > since)
            .order_by(SignIn.last_seen_at.desc())
        )
    )


def end_sign_in(user: User, sign_in_id: str, actor: User) -> None:
    """Sign out one device of the user (their own, or this one at sign-out)."""
    sign_in = db.session.get(SignIn, sign_in_id)
    if sign_in is None or sign_in.user_id != user.id or sign_in.ended_at:
        raise NotFound(_("That device is not signed in."))
    sign_in.ended_at = utcnow()
    audit.record(
        "auth.signed_out",
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        branch_id=user.branch_id,
        sign_in=sign_in.id,
    )


def end_all_sign_ins(user: User, actor: User | None, action: str | None = "auth.signed_out_everywhere") -> int:
    """End every session of the user at once; the number of devices that were signed in. `action` None: the
    caller audits the change that ends them (a deactivation, a password reset)."""
    user.session_token = new_session_token()
    result = db.session.execute(
        update(SignIn).where(SignIn.user_id == user.id, SignIn.ended_at.is_(None)).values(ended_at=utcnow())
    )
    ended = cast(CursorResult, result).rowcount
    if action:
        audit.record(
            action, actor=actor, subject_type="user", subject_id=user.id, branch_id=user.branch_id, ended=ended
        )
    return ended


KEEP_ENDED = timedelta(days=30)


def prune_sign_ins(now: datetime) -> int:
    """The worker's hourly clean-up: sign-ins ended or expired a month ago are of no more use."""
    result = db.session.execute(delete(SignIn).where(SignIn.created_at < now - KEEP_ENDED))
    return cast(CursorResult, result).rowcount
