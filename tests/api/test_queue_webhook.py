"""The queue-ticket machine's webhook: HMAC signature, freshness window, idempotent repeats, effects on visits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.branches import service as branches
from server.extensions import db
from server.floor.models import Visit
from server.floor.queue import signature
from tests.helpers import assert_error

URL = "/api/v1/queue/events"


@pytest.fixture
def secret(app, make_branch):
    make_branch("A001")
    with app.app_context():
        value = branches.rotate_queue_secret(branches.get_branch_by_code("A001"))
        db.session.commit()
    return value


def deliver(client, secret, event, *, at=None, sign_with=None, raw=None, headers=None, **fields):
    body = (
        raw
        if raw is not None
        else json.dumps({"event": event, "at": (at or datetime.now(UTC)).isoformat(), **fields}).encode()
    )
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={"X-Lobbypad-Signature": signature(sign_with or secret, body), **(headers or {})},
    )


def count_visits(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Visit.id)))


def test_issued_creates_a_triaged_visit_and_later_events_move_it(app, client, secret, api, make_user):
    created = deliver(client, secret, "issued", ticket="b017", business_type="deposit", amount=200000)
    assert created.status_code == 201 and created.get_json()["outcome"] == "visit_created"
    api.login(make_user("lobby_manager"))
    [row] = api.get("/api/v1/floor").get_json()["visits"]
    assert (row["ticket"], row["channel"], row["source"]) == ("B017", "counter", "queue_machine")
    assert deliver(client, secret, "called", ticket="B017").get_json()["outcome"] == "visit_called"
    assert deliver(client, secret, "served", ticket="B017").get_json()["outcome"] == "visit_done"
    assert api.get("/api/v1/floor").get_json()["visits"] == []
    assert deliver(client, secret, "called", ticket="B017").get_json()["outcome"] == "not_applicable"
    assert deliver(client, secret, "cancelled", ticket="Z999").get_json()["outcome"] == "unknown_ticket"


def test_a_repeated_delivery_is_applied_once(app, client, secret):
    body = json.dumps({"event": "issued", "ticket": "A001", "at": datetime.now(UTC).isoformat()}).encode()
    first = deliver(client, secret, None, raw=body)
    second = deliver(client, secret, None, raw=body)
    assert first.status_code == 201 and second.status_code == 200
    assert second.get_json() == {**first.get_json(), "duplicate": True}
    assert count_visits(app) == 1


def test_ticket_logged_by_hand_first_is_not_duplicated(app, client, secret, api, make_user):
    api.login(make_user("lobby_manager"))
    api.post("/api/v1/visits", {"ticket": "A005", "business_type": "withdrawal"})
    assert deliver(client, secret, "issued", ticket="A005").get_json()["outcome"] == "already_logged"
    assert count_visits(app) == 1


@pytest.mark.parametrize("minutes", [6, -6])
def test_stale_or_future_events_are_refused(app, client, secret, minutes):
    at = datetime.now(UTC) - timedelta(minutes=minutes)
    assert_error(deliver(client, secret, "issued", ticket="A001", at=at), 400, "stale_event")
    assert count_visits(app) == 0


def test_bad_or_missing_signatures_are_refused(app, client, secret):
    assert_error(deliver(client, secret, "issued", ticket="A001", sign_with="wrong-secret"), 401, "bad_signature")
    body = json.dumps({"event": "issued", "ticket": "A1", "at": datetime.now(UTC).isoformat()}).encode()
    assert_error(client.post(URL, data=body, content_type="application/json"), 401, "signature_missing")
    tampered = body.replace(b"A1", b"A2")
    assert_error(
        client.post(
            URL,
            data=tampered,
            content_type="application/json",
            headers={"X-Lobbypad-Signature": signature(secret, body)},
        ),
        401,
        "bad_signature",
    )
    assert count_visits(app) == 0


def test_signed_but_invalid_bodies_get_field_errors(client, secret):
    assert_error(deliver(client, secret, None, raw=b"not json"), 400, "invalid_json")
    error = assert_error(deliver(client, secret, "exploded", ticket="A1"), 422, "validation_failed")
    assert "event" in error["fields"]


def test_each_branch_signs_with_its_own_secret(app, client, secret, make_branch):
    make_branch("B002")
    with app.app_context():
        other = branches.rotate_queue_secret(branches.get_branch_by_code("B002"))
        db.session.commit()
    response = deliver(client, other, "issued", ticket="A001", headers={"X-Lobbypad-Branch": "B002"})
    assert response.status_code == 201
    # Claiming another branch's code with this secret does not verify.
    assert_error(
        deliver(client, secret, "issued", ticket="A002", headers={"X-Lobbypad-Branch": "B002"}), 401, "bad_signature"
    )
    with app.app_context():
        visit = db.session.scalars(select(Visit)).one()
        assert visit.branch_id == branches.get_branch_by_code("B002").id
