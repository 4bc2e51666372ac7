"""JSON endpoints of the products of the month."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, request
from flask_login import current_user

from server.campaigns import service
from server.campaigns.schemas import ProductsIn, product_out
from server.common.clock import utcnow
from server.common.http import month_value, outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import BRANCH_STAFF, Role

bp = Blueprint("campaigns_api", __name__, url_prefix="/api/v1/campaigns")


def _month(raw: str | None) -> date:
    if raw is None:
        return service.month_of(utcnow().astimezone(ZoneInfo(current_user.home_branch.timezone)))
    return month_value(raw)


@bp.get("")
@documented(query={"month": "YYYY-MM (this month by default)"})
@require_roles(*BRANCH_STAFF)
def index():
    """The branch's products of the month, with the key points to say (the refer sheet and care show them)."""
    month = _month(request.args.get("month"))
    products = service.products_of(current_user.branch_id, month)
    return jsonify(
        month=month.strftime("%Y-%m"),
        products=[product_out(p) for p in products],
        can_edit=current_user.role == Role.SUPERVISOR,
    )


@bp.put("/<month>")
@documented(body=ProductsIn)
@outbox_write
@require_roles(Role.SUPERVISOR)
@transactional
def set_products(month: str):
    """The supervisor sets the month's list (it replaces the list before)."""
    data = parse_json(ProductsIn)
    products = service.set_products(current_user, _month(month), [(p.name, p.key_points) for p in data.products])
    return jsonify(month=month, products=[product_out(p) for p in products])
