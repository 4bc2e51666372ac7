"""JSON endpoints of the floor: log arrivals, record what happens to them, the live board, the queue machine."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from server.common.clock import utcnow
from server.common.errors import DomainError
from server.common.http import parse_json, transactional, validate
from server.common.policy import require_roles
from server.common.roles import Role
from server.customers.schemas import greeting_name
from server.extensions import csrf
from server.floor import queue, service
from server.floor.schemas import QueueEventIn, VisitEventIn, VisitIn, triage_reason, visit_summary
from server.floor.service import BoardRow
from server.floor.triage import explain

bp = Blueprint("floor_api", __name__, url_prefix="/api/v1")
FLOOR_STAFF = (Role.LOBBY_MANAGER, Role.SUPERVISOR)


@bp.post("/visits")
@require_roles(*FLOOR_STAFF)
@transactional
def log_arrival():
    """Log an arrival (idempotent on the client id) → the visit and the triage suggestion with its reason."""
    visit, suggestion, created = service.log_arrival(current_user, parse_json(VisitIn))
    return jsonify(visit=visit_summary(visit), triage={
        "channel": suggestion.channel.value,
        "reason": explain(suggestion.rule, suggestion.params, suggestion.channel),
    }), 201 if created else 200


@bp.get("/visits/<visit_id>")
@require_roles(*FLOOR_STAFF, Role.ACCOUNT_MANAGER)
def read_visit(visit_id: str):
    return jsonify(visit=visit_summary(service.get_visit(current_user, visit_id)))


@bp.post("/visits/<visit_id>/events")
@require_roles(*FLOOR_STAFF)
@transactional
def record_event(visit_id: str):
    """called / serving / served / left / care / escorted / rerouted; an impossible step → 409 with why."""
    visit = service.get_visit(current_user, visit_id)
    data = parse_json(VisitEventIn)
    event, created = service.record_event(current_user, visit, data)
    return jsonify(event={"id": event.id, "type": event.type.value, "occurred_at": event.occurred_at.isoformat()},
                   visit=visit_summary(visit)), 201 if created else 200


@bp.get("/floor")
@require_roles(*FLOOR_STAFF)
def floor():
    """Everyone in the lobby, longest wait first, with counts per channel. Answers 304 to a matching ETag."""
    branch = current_user.branch
    now = utcnow()
    rows = service.floor_board(branch, now)
    settings = branch.settings
    body = {
        "visits": [_board_row(row) for row in sorted(rows, key=lambda r: r.visit.arrived_at)],
        "counts": _counts(rows),
        "wait_tolerance_minutes": settings.wait_tolerance_minutes,
        "care_reminder_minutes": settings.care_reminder_minutes,
        "timezone": branch.timezone,
    }
    # The ETag covers the content only, so that polling answers 304 until something changes.
    etag = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = jsonify({**body, "generated_at": now.isoformat()})
    response.set_etag(etag)
    return response


def _board_row(row: BoardRow) -> dict:
    visit = row.visit
    customer = visit.customer
    return {
        **visit_summary(visit),
        "waited_minutes": row.waited_minutes,
        "ahead": row.ahead,
        "care_due_at": row.care_due_at.isoformat() if row.care_due_at else None,
        "care_given_at": visit.care_given_at.isoformat() if visit.care_given_at else None,
        "tolerance_state": row.tolerance_state,
        "triage_reason": triage_reason(visit),
        "customer": {"id": customer.id, "greeting_name": greeting_name(customer), "tier": customer.tier.value}
        if customer else None,
    }


def _counts(rows: list[BoardRow]) -> dict:
    counts = {"waiting": 0, "over_tolerance": 0, "by_channel": {c: 0 for c in
                                                                ("self_service", "counter", "vip_area", "green_channel")}}
    for row in rows:
        if row.visit.status.value == "waiting":
            counts["waiting"] += 1
            counts["by_channel"][row.visit.channel.value] += 1
        if row.tolerance_state == "over":
            counts["over_tolerance"] += 1
    return counts


@bp.post("/queue/events")
@csrf.exempt
@transactional
def queue_event():
    """The queue-ticket machine's webhook (X-Lobbypad-Signature: sha256=<HMAC of the body>)."""
    body = request.get_data(cache=True)
    branch = queue.verify(body, request.headers.get("X-Lobbypad-Signature"), request.headers.get("X-Lobbypad-Branch"))
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise DomainError(_("The body must be a JSON object."), code="invalid_json")
    event = validate(QueueEventIn, data)
    delivery, new = queue.receive(branch, body, event)
    status = 201 if new and delivery.outcome == "visit_created" else 200
    return jsonify(outcome=delivery.outcome, visit_id=delivery.visit_id, duplicate=not new), status
