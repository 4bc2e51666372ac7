"""JSON endpoints of the business guides (what to bring)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from server.common.errors import NotFound
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import BRANCH_STAFF, Role
from server.floor.codes import BusinessType
from server.guides import service
from server.guides.schemas import GuideIn

bp = Blueprint("guides_api", __name__, url_prefix="/api/v1")


@bp.get("/guides")
@require_roles(*BRANCH_STAFF)
def guides():
    """What each business needs: documents, forms, fees, and what a machine can do instead."""
    return jsonify(guides=service.guides(current_user))


@bp.put("/guides/<business>")
@documented(body=GuideIn)
@outbox_write
@require_roles(Role.SUPERVISOR, Role.ADMIN)
@transactional
def save_guide(business: str):
    """Replace the branch's list for one business."""
    if business not in BusinessType._value2member_map_:
        raise NotFound()
    items = service.save_guide(current_user, BusinessType(business), parse_json(GuideIn))
    return jsonify(business=business, items=items)
