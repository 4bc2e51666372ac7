"""JSON endpoints of Web Push: the VAPID public key and the device subscriptions (the test notification is
server/notifications/api.py's)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_login
from server.push import service
from server.push.schemas import EndpointIn, SubscriptionIn

bp = Blueprint("push_api", __name__, url_prefix="/api/v1/push")


@bp.get("/vapid-public-key")
@require_login
def vapid_public_key():
    return jsonify(public_key=current_app.extensions["lobbypad.vapid"].application_server_key)


@bp.post("/subscriptions")
@documented(body=SubscriptionIn, answers=(200, 201))
@outbox_write
@require_login
@transactional
def subscribe():
    _subscription, created = service.subscribe(current_user, parse_json(SubscriptionIn), request.user_agent.string)
    return jsonify(subscribed=True, devices=service.devices(current_user)), 201 if created else 200


@bp.delete("/subscriptions")
@documented(body=EndpointIn, answers=(204,))
@outbox_write
@require_login
@transactional
def unsubscribe():
    service.unsubscribe(current_user, parse_json(EndpointIn).endpoint)
    return "", 204
