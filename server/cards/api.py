"""JSON endpoints of the card stock: batches received, what was handed out, to whom, by whom."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from server.cards import service
from server.cards.policy import RECEIVERS, STOCK_READERS
from server.cards.schemas import BatchIn, batch_out, handout_out
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles

bp = Blueprint("cards_api", __name__, url_prefix="/api/v1/cards")


@bp.get("/stock")
@require_roles(*STOCK_READERS)
def stock():
    return jsonify(
        batches=[batch_out(b, n) for b, n in service.stock(current_user.branch_id)],
        handouts=[handout_out(h) for h in service.recent_handouts(current_user.branch_id)],
    )


@bp.post("/batches")
@documented(body=BatchIn, answers=(200, 201))
@outbox_write
@require_roles(*RECEIVERS)
@transactional
def receive():
    batch, created = service.receive_batch(current_user, parse_json(BatchIn))
    return jsonify(batch=batch_out(batch, 0)), 201 if created else 200
