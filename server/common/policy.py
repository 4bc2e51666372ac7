"""Who may do what: role checks and branch scoping, used by every query of every feature."""

from __future__ import annotations

from functools import wraps
from typing import Protocol, TypeVar

from flask_login import current_user
from sqlalchemy import Select

from server.common.errors import NotFound, PermissionDenied, Unauthenticated
from server.common.roles import Role
from server.extensions import db


class BranchRecord(Protocol):
    """A record that belongs to one branch."""

    @property
    def branch_id(self) -> str | None: ...


T = TypeVar("T", bound=BranchRecord)


def require_roles(*roles: Role):
    """View decorator: signed in (401 otherwise) and, when roles are given, one of them (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                raise Unauthenticated()
            if roles and current_user.role not in roles:
                raise PermissionDenied()
            return view(*args, **kwargs)

        return wrapper

    return decorator


require_login = require_roles()


def scoped(stmt: Select, model, user) -> Select:
    """Limit a query to the user's branch; admins see every branch."""
    if user.is_admin:
        return stmt
    return stmt.where(model.branch_id == user.branch_id)


def get_scoped_or_404(model: type[T], record_id: str, user) -> T:
    """Load one record of the user's branch; another branch's record is indistinguishable from none."""
    record = db.session.get(model, record_id) if isinstance(record_id, str) and len(record_id) <= 64 else None
    if record is None or not (user.is_admin or record.branch_id == user.branch_id):
        raise NotFound()
    return record


def can_reveal(user) -> bool:
    """May see a customer's full phone or ID number: the roles the user's branch allows (reveal_roles)."""
    return user.branch is not None and user.role in user.branch.settings.reveal_roles


def can_manage_settings(user) -> bool:
    return user.role in (Role.SUPERVISOR, Role.ADMIN)
