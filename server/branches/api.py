"""The branch's settings over JSON."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from server.branches import service
from server.branches.models import Branch
from server.branches.settings import SettingsPatch
from server.common.errors import NotFound, ValidationFailed
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import can_manage_settings, require_login, require_roles
from server.common.roles import Role
from server.extensions import db

bp = Blueprint("branches_api", __name__, url_prefix="/api/v1")


def _branch_in_scope() -> Branch:
    """The user's own branch; administrators name one with ?branch_id=."""
    if current_user.is_admin:
        branch_id = request.args.get("branch_id")
        if not branch_id:
            raise ValidationFailed(fields={"branch_id": _("Administrators choose a branch.")})
        branch = db.session.get(Branch, branch_id)
        if branch is None:
            raise NotFound()
        return branch
    return current_user.branch


def _branch_out(branch: Branch) -> dict:
    return {
        "branch": {"id": branch.id, "code": branch.code, "name": branch.name, "timezone": branch.timezone},
        "settings": branch.settings.model_dump(mode="json"),
        "can_edit": can_manage_settings(current_user),
    }


@bp.get("/settings")
@documented(query={"branch_id": "administrators: which branch"})
@require_login
def get_settings():
    """The branch's thresholds and timeouts."""
    return jsonify(_branch_out(_branch_in_scope()))


@bp.patch("/settings")
@documented(body=SettingsPatch)
@outbox_write
@require_roles(Role.SUPERVISOR, Role.ADMIN)
@transactional
def update_settings():
    """Change some settings; unknown keys and out-of-range values are refused with 422."""
    changes = parse_json(SettingsPatch).model_dump(exclude_unset=True)
    branch = _branch_in_scope()
    service.update_settings(branch, changes, current_user)
    return jsonify(_branch_out(branch))
