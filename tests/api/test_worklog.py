"""The work log: idempotent creation with client ids, validation, and branch scoping."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.worklog.models import WorkLogEntry
from tests.helpers import assert_error

URL = "/api/v1/worklog/entries"


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(WorkLogEntry.id)))


def test_create_with_client_id_is_idempotent(app, api, make_user):
    api.login(make_user())
    entry_id = str(uuid.uuid4())
    occurred = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    payload = {"id": entry_id, "body": "ATM 2 out of paper", "occurred_at": occurred}
    first = api.post(URL, payload)
    assert first.status_code == 201
    entry = first.get_json()["entry"]
    assert entry["id"] == entry_id and entry["body"] == "ATM 2 out of paper"
    assert datetime.fromisoformat(entry["occurred_at"]) == datetime.fromisoformat(occurred)
    assert datetime.fromisoformat(entry["received_at"]) > datetime.fromisoformat(occurred)
    replay = api.post(URL, payload)
    assert replay.status_code == 200
    assert replay.get_json()["entry"] == entry
    assert _count(app) == 1


def test_same_id_with_a_different_payload_is_a_conflict(app, api, make_user):
    api.login(make_user())
    entry_id = str(uuid.uuid4())
    assert api.post(URL, {"id": entry_id, "body": "first"}).status_code == 201
    assert_error(api.post(URL, {"id": entry_id, "body": "second"}), 409, "id_conflict")
    assert [e["body"] for e in api.get(URL).get_json()["entries"]] == ["first"]


def test_another_users_id_is_a_conflict_not_a_takeover(app, api, api_factory, make_user):
    api.login(make_user())
    entry_id = str(uuid.uuid4())
    api.post(URL, {"id": entry_id, "body": "mine"})
    other = api_factory()
    other.login(make_user())
    assert_error(other.post(URL, {"id": entry_id, "body": "mine"}), 409, "id_conflict")


def test_bad_fields_are_reported_and_nothing_is_stored(app, api, make_user):
    api.login(make_user())
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    error = assert_error(
        api.post(URL, {"id": "not-a-uuid", "body": "", "occurred_at": future}), 422, "validation_failed"
    )
    assert set(error["fields"]) == {"id", "body", "occurred_at"}
    naive = assert_error(api.post(URL, {"body": "x", "occurred_at": "2026-01-01T10:00:00"}), 422, "validation_failed")
    assert "occurred_at" in naive["fields"]
    assert_error(api.post(URL, {"body": "x", "author_id": "someone"}), 422, "validation_failed")
    assert_error(api.post(URL, ["not", "an", "object"]), 400, "invalid_json")
    assert _count(app) == 0


def test_writes_need_a_csrf_token(app, api, make_user):
    api.login(make_user())
    assert_error(api.client.post(URL, json={"body": "no token"}), 400, "csrf_failed")
    assert _count(app) == 0


def test_lobby_manager_cannot_read_another_branchs_log(api, api_factory, make_user):
    api.login(make_user("lobby_manager", branch_code="A001"))
    other = api_factory()
    other.login(make_user("lobby_manager", branch_code="B002"))
    theirs = other.post(URL, {"body": "B's note"}).get_json()["entry"]["id"]
    mine = api.post(URL, {"body": "A's note"}).get_json()["entry"]["id"]

    assert_error(api.get(f"{URL}/{theirs}"), 404, "not_found")
    assert api.get(f"{URL}/{mine}").get_json()["entry"]["body"] == "A's note"
    assert [e["body"] for e in api.get(URL).get_json()["entries"]] == ["A's note"]
    assert [e["body"] for e in other.get(URL).get_json()["entries"]] == ["B's note"]


def test_admin_sees_every_branch(api, api_factory, make_user):
    writer = api_factory()
    writer.login(make_user("lobby_manager", branch_code="B002"))
    note = writer.post(URL, {"body": "B's note"}).get_json()["entry"]["id"]
    api.login(make_user("admin", branch_code=None))
    assert api.get(f"{URL}/{note}").get_json()["entry"]["body"] == "B's note"


def test_signed_out_requests_get_401_envelope(api):
    assert_error(api.get(URL), 401, "unauthenticated")
