"""JSON endpoints of the floor: log arrivals, record what happens to them, the live board, the queue machine."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from server.common.clock import utcnow
from server.common.errors import DomainError
from server.common.http import outbox_write, parse_json, transactional, validate
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import Role
from server.extensions import csrf
from server.floor import queue, service
from server.floor.board import rendered_board
from server.floor.estimate import wait_of
from server.floor.schemas import QueueEventIn, VisitCustomerIn, VisitEventIn, VisitIn, visit_summary, wait_out
from server.floor.triage import explain

bp = Blueprint("floor_api", __name__, url_prefix="/api/v1")
FLOOR_STAFF = (Role.LOBBY_MANAGER, Role.SUPERVISOR)


@bp.post("/visits")
@documented(body=VisitIn, answers=(200, 201))
@outbox_write
@require_roles(*FLOOR_STAFF)
@transactional
def log_arrival():
    """Log an arrival (idempotent on the client id) → the visit and the triage suggestion with its reason."""
    visit, suggestion, created = service.log_arrival(current_user, parse_json(VisitIn))
    return jsonify(
        visit=visit_summary(visit),
        triage={
            "channel": suggestion.channel.value,
            "rule": suggestion.rule,
            "reason": explain(suggestion.rule, suggestion.params, suggestion.channel),
        },
        wait=wait_out(*wait_of(visit, utcnow())),
    ), 201 if created else 200


@bp.get("/visits/<visit_id>")
@require_roles(*FLOOR_STAFF, Role.ACCOUNT_MANAGER)
def read_visit(visit_id: str):
    return jsonify(visit=visit_summary(service.get_visit(current_user, visit_id)))


@bp.post("/visits/<visit_id>/events")
@documented(body=VisitEventIn, answers=(200, 201))
@outbox_write
@require_roles(*FLOOR_STAFF)
@transactional
def record_event(visit_id: str):
    """called / serving / served / left / care / escorted / rerouted; an impossible step → 409 with why."""
    visit = service.get_visit(current_user, visit_id)
    data = parse_json(VisitEventIn)
    event, created = service.record_event(current_user, visit, data)
    return jsonify(
        event={"id": event.id, "type": event.type.value, "occurred_at": event.occurred_at.isoformat()},
        visit=visit_summary(visit),
        notice=service.moved_on(visit, event),
    ), 201 if created else 200


@bp.put("/visits/<visit_id>/customer")
@documented(body=VisitCustomerIn, answers=(200,))
@outbox_write
@require_roles(*FLOOR_STAFF)
@transactional
def link_customer(visit_id: str):
    """A walk-in's visit becomes a customer's (found or registered after the arrival); idempotent."""
    visit = service.get_visit(current_user, visit_id)
    service.link_customer(current_user, visit, parse_json(VisitCustomerIn).customer_id)
    return jsonify(visit=visit_summary(visit))


@bp.get("/floor")
@require_roles(*FLOOR_STAFF)
def floor():
    """Everyone in the lobby, longest wait first, with counts per channel. Answers 304 to a matching ETag."""
    board = rendered_board(current_user.branch, utcnow())
    response = Response(board.body, mimetype="application/json")
    response.set_etag(board.etag)
    return response.make_conditional(request)


@bp.post("/queue/events")
@documented(body=QueueEventIn, answers=(200, 201))
@csrf.exempt
@transactional
def queue_event():
    """The queue-ticket machine's webhook (X-Lobbypad-Signature: sha256=<HMAC of the body>)."""
    body = request.get_data(cache=True)
    branch = queue.verify(body, request.headers.get("X-Lobbypad-Signature"), request.headers.get("X-Lobbypad-Branch"))
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise DomainError(_("The body must be a JSON object."), code="invalid_json")
    event = validate(QueueEventIn, data)
    delivery, new = queue.receive(branch, body, event)
    status = 201 if new and delivery.outcome == "visit_created" else 200
    return jsonify(outcome=delivery.outcome, visit_id=delivery.visit_id, duplicate=not new), status
