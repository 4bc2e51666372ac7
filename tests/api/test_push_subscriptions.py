"""Web Push set-up through the API: the VAPID key and the device subscriptions."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

from sqlalchemy import func, select

from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.push.models import PushSubscription
from tests.helpers import assert_error


def test_vapid_key_is_a_p256_point_generated_once_into_a_private_file(app, api, make_user):
    api.login(make_user())
    key = api.get("/api/v1/push/vapid-public-key").get_json()["public_key"]
    assert base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))[:1] == b"\x04" and len(key) == 87
    path = Path(app.instance_path) / "vapid_private.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = create_app(TestConfig(app.config["SQLALCHEMY_DATABASE_URI"], instance_path=Path(app.instance_path)))
    assert again.extensions["lobbypad.vapid"].application_server_key == key


def test_subscriptions_only_towards_allowed_push_services(app, api, make_user, push):
    api.login(make_user())
    device = push.new_device("phone").subscription()
    assert api.post("/api/v1/push/subscriptions", device).status_code == 201
    again = api.post("/api/v1/push/subscriptions", device)
    assert again.status_code == 200 and again.get_json()["devices"] == 1
    elsewhere = {**device, "endpoint": "http://10.0.0.7/push/x"}
    error = assert_error(api.post("/api/v1/push/subscriptions", elsewhere), 422, "validation_failed")
    assert "endpoint" in error["fields"]
    bad_keys = {**device, "keys": {"p256dh": "AAAA", "auth": device["keys"]["auth"]}}
    assert (
        "keys.p256dh"
        in assert_error(api.post("/api/v1/push/subscriptions", bad_keys), 422, "validation_failed")["fields"]
    )
    assert api.delete("/api/v1/push/subscriptions", {"endpoint": device["endpoint"]}).status_code == 204
    with app.app_context():
        assert db.session.scalar(select(func.count(PushSubscription.id))) == 0


def test_another_users_device_cannot_be_taken_over(app, api_factory, make_user, push):
    """Finding 5: someone else's endpoint with one's own keys moved their phone to the caller."""
    victim, attacker = api_factory(), api_factory()
    victim.login(make_user("account_manager"))
    attacker.login(make_user("account_manager"))
    phone = push.new_device("victim").subscription()
    assert victim.post("/api/v1/push/subscriptions", phone).status_code == 201
    mine = push.new_device("attacker").subscription()
    stolen = {**phone, "keys": mine["keys"]}
    assert_error(attacker.post("/api/v1/push/subscriptions", stolen), 409, "subscription_taken")
    with app.app_context():
        row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == phone["endpoint"]))
        assert row.p256dh == phone["keys"]["p256dh"]
    assert victim.post("/api/v1/push/subscriptions", phone).status_code == 200  # the owner may renew it
