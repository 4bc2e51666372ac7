"""Finding 7 of the security review: hostile input gets the error envelope, never a 500 and a stack trace."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.helpers import arrive, assert_error

DEEP = "[" * 100_000 + "]" * 100_000
OVERFLOWING = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


def unsafe_api_routes(app) -> list[tuple[str, str]]:
    """Every JSON route that takes a body, its path parameters filled with a made-up id."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            routes.append((method, re.sub(r"<[^>]+>", str(uuid.uuid4()), rule.rule)))
    assert len(routes) > 20, "the route list is empty: the test itself is broken"
    return routes


@pytest.mark.parametrize("signed_in", [False, True])
def test_deeply_nested_json_is_refused_on_every_route_before_sign_in_too(app, api, make_user, signed_in):
    if signed_in:
        api.login(make_user("lobby_manager"))
    for method, path in unsafe_api_routes(app):
        response = api.client.open(
            path, method=method, data=DEEP, content_type="application/json", headers=api._headers()
        )
        assert response.status_code in (400, 413), (method, path, response.status_code)
        # Signed out, a route that needs the CSRF token refuses first; sign-in itself reads the body.
        refused_as = ("too_deep", "request_entity_too_large") + (() if signed_in else ("csrf_failed",))
        assert response.get_json()["error"]["code"] in refused_as, (method, path)
    login = api.client.post("/api/v1/auth/login", data=DEEP, content_type="application/json")
    assert_error(login, 400, "too_deep")


def test_moderately_deep_json_is_refused_by_the_depth_limit_not_the_decoder(lobby):
    body = {"ticket": "A001", "business_type": "withdrawal", "flags": [[[[[[[[[[[[[[[[[["elderly"]]]]]]]]]]]]]]]]]]}
    assert_error(lobby.post("/api/v1/visits", body), 400, "too_deep")


@pytest.mark.parametrize("when", OVERFLOWING)
def test_dates_that_overflow_in_utc_are_a_422_in_every_date_field(floor, when):
    visit = arrive(floor.lobby)["visit"]
    customer = {"family_name": "方", "consent": {"contact": False, "marketing": False}}
    attempts = [
        ("/api/v1/visits", {"ticket": "B001", "business_type": "deposit", "arrived_at": when}, "arrived_at"),
        (f"/api/v1/visits/{visit['id']}/events", {"type": "called", "occurred_at": when}, "occurred_at"),
        ("/api/v1/customers", {**customer, "occurred_at": when}, "occurred_at"),
        ("/api/v1/worklog/entries", {"body": "note", "occurred_at": when}, "occurred_at"),
    ]
    for url, body, field in attempts:
        error = assert_error(floor.lobby.post(url, body), 422, "validation_failed")
        assert field in error["fields"], url
    error = assert_error(
        floor.lobby.get(f"/api/v1/notifications?after={when.replace('+', '%2B')}"), 422, "validation_failed"
    )
    assert "after" in error["fields"]


def test_absurd_but_parseable_dates_are_refused(floor):
    visit = arrive(floor.lobby)["visit"]
    consent_in_9999 = {
        "family_name": "方",
        "consent": {"contact": True, "marketing": True},
        "occurred_at": "9999-01-01T00:00:00+00:00",
    }
    assert (
        "occurred_at"
        in assert_error(floor.lobby.post("/api/v1/customers", consent_in_9999), 422, "validation_failed")["fields"]
    )
    called_in_year_1 = {"type": "called", "occurred_at": "0001-01-02T00:00:00+00:00"}
    response = floor.lobby.post(f"/api/v1/visits/{visit['id']}/events", called_in_year_1)
    assert "occurred_at" in assert_error(response, 422, "validation_failed")["fields"]
    tasks = floor.lobby.get("/api/v1/care/tasks").get_json()
    assert tasks is not None  # the floor still reads


def test_nul_characters_are_refused_everywhere(api, make_user):
    assert_error(api.post("/api/v1/auth/login", {"username": "lobby\x00", "password": "x"}), 422, "validation_failed")
    token = api.client.get("/login").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = api.client.post("/login", data={"csrf_token": token, "username": "a\x00b", "password": "x"})
    assert response.status_code == 422 and response.mimetype == "text/html"
    api.login(make_user("lobby_manager"))
    customer = {"family_name": "方\x00", "consent": {"contact": False, "marketing": False}}
    assert "family_name" in assert_error(api.post("/api/v1/customers", customer), 422, "validation_failed")["fields"]
    assert_error(api.get("/api/v1/customers?q=13%00"), 422, "validation_failed")


def test_the_push_test_of_an_administrator_is_a_clear_403(api, make_user):
    api.login(make_user("admin"))
    assert_error(api.post("/api/v1/push/test", {"id": str(uuid.uuid4())}), 403, "forbidden")


def test_a_newline_in_the_next_page_is_not_followed(api, make_user):
    api.login(make_user("lobby_manager"))
    response = api.client.get("/login?next=/%0d%0aX-Injected:1")
    assert response.status_code == 302
    assert "X-Injected" not in response.headers and response.headers["Location"].endswith("/")


def test_every_field_error_reads_chinese_for_a_chinese_user(floor, push):
    """Finding 8: "Value error, must not be in the future" reached Chinese users in English."""
    visit = arrive(floor.lobby)["visit"]
    soon = "2999-01-01T00:00:00+08:00"
    device = push.new_device("p").subscription()
    attempts = [
        ("/api/v1/worklog/entries", {"body": "x", "occurred_at": soon}),
        ("/api/v1/visits", {"ticket": "A0?", "business_type": "nope", "arrived_at": "2000-01-01T00:00:00Z"}),
        (f"/api/v1/visits/{visit['id']}/events", {"type": "rerouted", "occurred_at": soon}),
        ("/api/v1/customers", {"family_name": "", "phone": "123", "consent": {"contact": 1}, "extra": True}),
        ("/api/v1/push/subscriptions", {**device, "keys": {"p256dh": "!!", "auth": "AAAA"}}),
        ("/api/v1/sync", {"records": [{"id": "1", "method": "POST", "url": "/api/v1/auth/login", "body": {}}]}),
    ]
    for url, body in attempts:
        response = floor.lobby.post(url, body)  # no preference, no Accept-Language: Chinese
        fields = response.get_json()["error"].get("fields", {})
        assert response.status_code == 422 and fields, url
        for field, message in fields.items():
            assert re.search(r"[\u4e00-\u9fff]", message), f"{url} {field}: {message}"
