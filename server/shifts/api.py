"""JSON endpoints of the shift handover."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from sqlalchemy import select

from server.auth.models import User
from server.common.clock import utcnow
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.extensions import db
from server.shifts import service
from server.shifts.schemas import AcknowledgeIn, HandoverIn, handover_out

bp = Blueprint("shifts_api", __name__, url_prefix="/api/v1/handovers")


@bp.get("")
@require_roles(*service.TAKERS)
def index():
    """What I would hand over now, to whom (the others on duty and the supervisors), the handovers waiting for
    my acknowledgement and today's."""
    now = utcnow()
    mine = service.mine(current_user, now)
    takers = db.session.scalars(
        select(User)
        .where(User.branch_id == current_user.branch_id, User.active.is_(True), User.role.in_(service.TAKERS))
        .order_by(User.display_name)
    )
    return jsonify(
        open=service.open_items(current_user, now),
        takers=[
            {"id": u.id, "display_name": u.display_name, "role": u.role.value, "on_duty": bool(u.on_duty)}
            for u in takers
            if u.id != current_user.id
        ],
        to_acknowledge=[handover_out(h) for h in mine["to_acknowledge"]],
        today=[handover_out(h) for h in mine["today"]],
    )


@bp.post("")
@documented(body=HandoverIn, answers=(200, 201))
@outbox_write
@require_roles(*service.TAKERS)
@transactional
def hand_over():
    """Hand the shift over: what is open now is listed as it stands; the receiver is told."""
    data = parse_json(HandoverIn)
    handover, created = service.hand_over(current_user, handover_id=data.id, to_user_id=data.to_user_id, note=data.note)
    return jsonify(handover=handover_out(handover)), 201 if created else 200


@bp.post("/<handover_id>/acknowledge")
@documented(body=AcknowledgeIn)
@outbox_write
@require_roles(*service.TAKERS)
@transactional
def acknowledge(handover_id: str):
    """The receiver has it: the giver's open complaints and taken care tasks become theirs."""
    handover = service.acknowledge(current_user, handover_id, parse_json(AcknowledgeIn).note)
    return jsonify(handover=handover_out(handover))
