"""POST /api/v1/sync: a batch of outbox records, each answered exactly as if it had been sent alone."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.floor.models import Visit, VisitEvent
from tests.helpers import assert_error


def record(url: str, body: dict, method: str = "POST") -> dict:
    return {"id": str(uuid.uuid4()), "method": method, "url": url, "body": body}


def test_each_record_gets_its_own_answer_and_a_resent_batch_changes_nothing(app, api, make_user):
    api.login(make_user("lobby_manager"))
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [
        record("/api/v1/visits", {"id": first, "ticket": "A001", "business_type": "deposit"}),
        record("/api/v1/visits", {"id": second, "ticket": "A002", "business_type": "fx"}),
        record(f"/api/v1/visits/{first}/events", {"id": str(uuid.uuid4()), "type": "called"}),
        record("/api/v1/visits", {"id": str(uuid.uuid4()), "ticket": "A003", "business_type": "gold"}),
        record(f"/api/v1/visits/{uuid.uuid4()}/events", {"id": str(uuid.uuid4()), "type": "called"}),
    ]
    response = api.post("/api/v1/sync", {"records": batch})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == [r["id"] for r in batch]
    assert [r["status"] for r in results] == [201, 201, 201, 422, 404]
    assert results[2]["body"]["visit"]["status"] == "called"
    assert "business_type" in results[3]["body"]["error"]["fields"]
    assert results[4]["body"]["error"]["code"] == "not_found"

    again = api.post("/api/v1/sync", {"records": batch}).get_json()["results"]
    assert [r["status"] for r in again] == [200, 200, 200, 422, 404]
    with app.app_context():
        assert db.session.scalar(select(func.count(Visit.id))) == 2
        assert db.session.scalar(select(func.count(VisitEvent.id))) == 1


def test_records_are_the_callers_own_requests(api, api_factory, make_user):
    other = api_factory()
    other.login(make_user("lobby_manager", branch_code="B002"))
    api.login(make_user("account_manager"))
    visit = str(uuid.uuid4())
    answer = api.post(
        "/api/v1/sync",
        {"records": [record("/api/v1/visits", {"id": visit, "ticket": "A001", "business_type": "deposit"})]},
    ).get_json()
    assert answer["results"][0]["status"] == 403  # an account manager may not log arrivals, batched or not
    signed_out = api_factory()
    # Signed out there is no session, hence no CSRF token: refused before anything is dispatched.
    assert_error(signed_out.post("/api/v1/sync", {"records": [record("/api/v1/visits", {})]}), 400, "csrf_failed")


def test_a_batch_is_bounded_and_cannot_nest(api, make_user):
    api.login(make_user("lobby_manager"))
    too_many = [record("/api/v1/visits", {}) for _ in range(101)]
    assert (
        "records" in assert_error(api.post("/api/v1/sync", {"records": too_many}), 422, "validation_failed")["fields"]
    )
    nested = [record("/api/v1/sync", {"records": []})]
    assert_error(api.post("/api/v1/sync", {"records": nested}), 422, "validation_failed")
    elsewhere = [record("/admin/users", {})]
    assert_error(api.post("/api/v1/sync", {"records": elsewhere}), 422, "validation_failed")


@pytest.mark.parametrize("url", ["/api/v1/%73ync", "/api/v1/sync/", "/api/v1/Sync", "/api/v1/./sync"])
def test_a_batch_cannot_be_smuggled_inside_a_batch_by_spelling_its_url_differently(api, make_user, url):
    """Finding 4: "/api/v1/%73ync" ran an inner batch."""
    api.login(make_user("lobby_manager"))
    inner = {"records": [record("/api/v1/worklog/entries", {"body": "smuggled"})]}
    assert_error(api.post("/api/v1/sync", {"records": [record(url, inner)]}), 422, "validation_failed")
    assert api.get("/api/v1/worklog/entries").get_json()["entries"] == []


def test_sign_in_never_runs_inside_a_batch(api, make_user):
    """Finding 4: ten sign-ins in one batch ran Argon2 ten times (2.7 s); only outbox writes are allowed."""
    staff = make_user("lobby_manager")
    api.login(staff)
    logins = [record("/api/v1/auth/login", {"username": staff.username, "password": "wrong"}) for _ in range(10)]
    error = assert_error(api.post("/api/v1/sync", {"records": logins}), 422, "validation_failed")
    assert "records.0" in error["fields"]
    for url, method in [
        ("/api/v1/auth/logout", "POST"),
        ("/api/v1/customers/search", "POST"),
        ("/api/v1/me/sessions/x", "DELETE"),
    ]:
        batch = {"records": [{**record(url, {}), "method": method}]}
        assert_error(api.post("/api/v1/sync", batch), 422, "validation_failed")
