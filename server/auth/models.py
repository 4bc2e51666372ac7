"""The User table (staff accounts)."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.branches.models import Branch
from server.common.clock import utcnow
from server.common.roles import Role
from server.common.types import IdString, UTCDateTime, new_id
from server.extensions import Model


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role = 'admin' OR branch_id IS NOT NULL", name="staff_have_branch"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            native_enum=False,
            length=20,
            values_callable=lambda roles: [r.value for r in roles],
            create_constraint=True,
            name="role",
        )
    )
    branch_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("branches.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    preferred_locale: Mapped[str | None] = mapped_column(String(8))
    # Rotated on deactivation and password reset: every existing session of the user ends.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # On the floor now: floor notifications and `now` referrals go only to staff on duty.
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    on_duty_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch | None] = relationship()

    @property
    def home_branch(self) -> Branch:
        """The branch of a staff member: every role but admin has one (the staff_have_branch constraint);
        the admin never reaches a branch's screens."""
        if self.branch is None:
            raise LookupError("an administrator has no branch")
        return self.branch

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class SignIn(Model):
    """One signed-in device: the session cookie names it, so that signing out ends it on the server (a copy
    of the cookie is worth nothing after), and the user can see and end their other devices."""

    __tablename__ = "sign_ins"

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"), index=True)
    device: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
