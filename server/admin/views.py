"""Administrators create branches and staff accounts, deactivate accounts and reset passwords."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from server.auth import service as accounts
from server.auth import sessions
from server.auth.labels import ROLE_NAMES
from server.branches import service as branches
from server.common.errors import DomainError
from server.common.http import transactional
from server.common.policy import require_roles
from server.common.roles import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@require_roles(Role.ADMIN)
def only_admins():
    """Every page here is for administrators only."""


@bp.get("/")
def index():
    """Branches and staff."""
    return _admin_page()


@bp.post("/branches")
@transactional
def create_branch():
    """Create a branch."""
    form = request.form
    try:
        branch = branches.create_branch(
            form.get("code", ""), form.get("name", ""), form.get("timezone") or "Asia/Shanghai", actor=current_user
        )
    except DomainError as e:
        return _form_error("branch", e)
    flash(_("Branch %(code)s created.", code=branch.code), "success")
    return redirect(url_for("admin.index"))


@bp.post("/users")
@transactional
def create_user():
    """Create a staff account."""
    form = request.form
    try:
        branch = branches.get_branch_by_code(form["branch"]) if form.get("branch") else None
        user = accounts.create_user(
            username=form.get("username", ""),
            display_name=form.get("display_name", ""),
            role=form.get("role", ""),
            branch=branch,
            password=form.get("password", ""),
            actor=current_user,
        )
    except DomainError as e:
        return _form_error("user", e)
    flash(_("Account %(name)s created.", name=user.username), "success")
    return redirect(url_for("admin.index"))


@bp.post("/users/<user_id>/active")
@transactional
def set_active(user_id: str):
    """Deactivate or reactivate an account; deactivation ends its sessions at once."""
    active = request.form.get("active") == "1"
    return _act_on_user(
        user_id, lambda user: accounts.set_active(user, active, actor=current_user), _("Account %(name)s updated.")
    )


@bp.post("/users/<user_id>/password")
@transactional
def reset_password(user_id: str):
    """Set a new password; the account's sessions end."""
    password = request.form.get("password", "")
    return _act_on_user(
        user_id,
        lambda user: accounts.reset_password(user, password, actor=current_user),
        _("Password of %(name)s reset."),
    )


@bp.post("/users/<user_id>/sessions/end")
@transactional
def end_sessions(user_id: str):
    """Sign the account out on every device (a lost phone); the account stays active."""
    return _act_on_user(
        user_id,
        lambda user: sessions.end_all_sign_ins(user, actor=current_user),
        _("%(name)s is signed out on every device."),
    )


def _act_on_user(user_id: str, action, done_message: str):
    """Run one account action and say on the admin page what happened (a refusal is an error answer, so
    nothing of it is committed)."""
    user = accounts.get_user(user_id)
    try:
        action(user)
    except DomainError as e:
        flash(_("Not changed: %(why)s", why="; ".join(e.fields.values()) or e.message), "error")
        return _admin_page(e.status)
    flash(done_message % {"name": user.username}, "success")
    return redirect(url_for("admin.index"))


def _form_error(form_name: str, error: DomainError):
    return _admin_page(error.status, form_name=form_name, error=error, values=request.form)


def _admin_page(status: int = 200, **form):
    page = render_template(
        "admin/index.html",
        branches=branches.list_branches(),
        users=accounts.list_users(),
        roles=list(Role),
        role_names=ROLE_NAMES,
        me=current_user,
        **form,
    )
    return page, status
