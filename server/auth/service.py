"""Staff accounts: sign-in, creation, deactivation, password resets, preferences."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from server.audit import service as audit
from server.auth import sessions
from server.auth.models import User
from server.auth.passwords import hash_password, verify_password
from server.branches.models import Branch, touch_floor
from server.common.clock import utcnow
from server.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from server.common.roles import Role
from server.extensions import db

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 10
LOCALES = ("zh", "en")


class InvalidCredentials(DomainError):
    status, code = 401, "invalid_credentials"


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials, else InvalidCredentials (same answer for unknown users)."""
    user = db.session.scalar(select(User).where(User.username == normalise_username(username)))
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise InvalidCredentials(_("Wrong username or password."))
    if not user.active:
        raise InvalidCredentials(_("This account is deactivated. Ask your administrator."), code="account_deactivated")
    user.last_login_at = utcnow()
    audit.record("auth.login", actor=user, subject_type="user", subject_id=user.id, branch_id=user.branch_id)
    return user


def confirm_password(user: User, password: str) -> None:
    """The signed-in user proves it is still them (the idle lock); failures count against a rate limit."""
    if not verify_password(user.password_hash, password):
        raise InvalidCredentials(_("Wrong password."))


def create_user(
    *,
    username: str,
    display_name: str,
    role: str,
    branch: Branch | None,
    password: str,
    actor=None,
    preferred_locale: str | None = None,
) -> User:
    """A new staff account; every field is checked and all problems are reported at once."""
    username = normalise_username(username)
    display_name = (display_name or "").strip() or username
    fields = {}
    if not USERNAME_PATTERN.match(username):
        fields["username"] = _("3–64 lower-case letters, digits, dots, dashes or underscores.")
    if role not in set(Role):
        fields["role"] = _("Choose a role.")
    elif role != Role.ADMIN and branch is None:
        fields["branch"] = _("Staff other than administrators belong to a branch.")
    if len(display_name) > 120:
        fields["display_name"] = _("At most 120 characters.")
    if password_problem := check_password(password):
        fields["password"] = password_problem
    if preferred_locale is not None and preferred_locale not in LOCALES:
        fields["preferred_locale"] = _("Choose Chinese or English.")
    if fields:
        raise ValidationFailed(fields=fields)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(_("The username %(name)s is taken.", name=username), fields={"username": _("Taken.")})
    user = User(
        username=username,
        display_name=display_name,
        role=Role(role),
        branch_id=branch.id if branch else None,
        password_hash=hash_password(password),
        preferred_locale=preferred_locale,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        branch_id=user.branch_id,
        role=user.role.value,
    )
    return user


def check_password(password: str) -> str | None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        return _("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > 256:
        return _("At most 256 characters.")
    return None


def set_active(user: User, active: bool, actor) -> User:
    """Deactivate (ending every session of the user) or reactivate an account."""
    if actor is not None and actor.id == user.id and not active:
        raise DomainError(_("You cannot deactivate your own account."), code="cannot_deactivate_self")
    user.active = active
    if not active:
        sessions.end_all_sign_ins(user, actor, action=None)
    audit.record(
        "user.activated" if active else "user.deactivated",
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        branch_id=user.branch_id,
    )
    db.session.flush()
    return user


def reset_password(user: User, password: str, actor) -> User:
    """Set a new password; the user's existing sessions end."""
    if problem := check_password(password):
        raise ValidationFailed(fields={"password": problem})
    user.password_hash = hash_password(password)
    sessions.end_all_sign_ins(user, actor, action=None)
    audit.record("user.password_reset", actor=actor, subject_type="user", subject_id=user.id, branch_id=user.branch_id)
    db.session.flush()
    return user


def set_locale(user: User, locale: str) -> User:
    if locale not in LOCALES:
        raise ValidationFailed(fields={"preferred_locale": _("Choose Chinese or English.")})
    user.preferred_locale = locale
    db.session.flush()
    return user


def get_user(user_id: str) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def list_users(branch_id: str | None = None) -> list[User]:
    stmt = select(User).order_by(User.branch_id, User.role, User.username)
    if branch_id:
        stmt = stmt.where(User.branch_id == branch_id)
    return list(db.session.scalars(stmt))


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def set_duty(user: User, on_duty: bool) -> None:
    if bool(user.on_duty) != on_duty:
        user.on_duty, user.on_duty_since = on_duty, (utcnow() if on_duty else None)
        if user.branch_id and user.role == Role.LOBBY_MANAGER:
            touch_floor(user.branch_id)  # the board says whether a lobby manager is on duty
        audit.record(
            "user.duty_changed",
            actor=user,
            subject_type="user",
            subject_id=user.id,
            branch_id=user.branch_id,
            on_duty=on_duty,
        )


def lobby_managers_on_duty(branch_id: str) -> int:
    return (
        db.session.scalar(
            select(func.count(User.id)).where(
                User.branch_id == branch_id, User.role == Role.LOBBY_MANAGER, User.on_duty, User.active
            )
        )
        or 0
    )


def supervisors(branch_id: str) -> list[User]:
    """The branch's active supervisors: who hears of escalations, overdue follow-ups and long waits."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.branch_id == branch_id, User.role == Role.SUPERVISOR, User.active.is_(True))
            .order_by(User.display_name)
        )
    )
