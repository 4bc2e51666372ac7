"""JSON endpoints of incidents and of the lost-property register."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user

from server.common.clock import utcnow
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import BRANCH_STAFF
from server.incidents import service
from server.incidents.labels import incident_catalog
from server.incidents.schemas import (
    IncidentActionIn,
    IncidentIn,
    LostItemIn,
    LostItemStepIn,
    incident_out,
    lost_item_out,
)

bp = Blueprint("incidents_api", __name__, url_prefix="/api/v1")


@bp.post("/incidents")
@documented(body=IncidentIn, answers=(200, 201))
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def report():
    """Report an incident; pushes `incident.reported` to the supervisors and the lobby managers on duty."""
    incident, created = service.report(current_user, parse_json(IncidentIn))
    return jsonify(incident=incident_out(incident)), 201 if created else 200


@bp.get("/incidents")
@require_roles(*BRANCH_STAFF)
def incidents():
    """Open incidents and those closed in the last day, with the checklist of each kind."""
    rows = service.list_incidents(current_user, utcnow())
    return jsonify(incidents=[incident_out(i) for i in rows], catalog=incident_catalog())


@bp.get("/incidents/<incident_id>")
@require_roles(*BRANCH_STAFF)
def incident(incident_id: str):
    """One incident with its timeline of actions."""
    return jsonify(incident=incident_out(service.get_incident(current_user, incident_id)))


@bp.post("/incidents/<incident_id>/actions")
@documented(body=IncidentActionIn)
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def act(incident_id: str):
    """An action taken (called 120, informed the family…), or `close` with what happened."""
    return jsonify(incident=incident_out(service.act(current_user, incident_id, parse_json(IncidentActionIn))))


@bp.get("/lost-items")
@documented(query={"q": "words of what, where or whose", "status": "kept (default) or all"})
@require_roles(*BRANCH_STAFF)
def lost_items():
    """The lost-property register, newest first."""
    query = (request.args.get("q") or "").strip()[:60]
    items = service.search_lost_items(current_user, query, kept_only=request.args.get("status") != "all")
    return jsonify(items=[lost_item_out(i) for i in items])


@bp.post("/lost-items")
@documented(body=LostItemIn, answers=(200, 201))
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def record_lost_item():
    """Record something a customer left behind."""
    item, created = service.record_lost_item(current_user, parse_json(LostItemIn))
    return jsonify(item=lost_item_out(item)), 201 if created else 200


@bp.post("/lost-items/<item_id>/steps")
@documented(body=LostItemStepIn)
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def lost_item_step(item_id: str):
    """Handed to someone, moved, or returned to its owner."""
    return jsonify(item=lost_item_out(service.update_lost_item(current_user, item_id, parse_json(LostItemStepIn))))
