"""Sign-in and sign-out over JSON: credentials, rate limits, CSRF, deactivation, session ending."""

from __future__ import annotations

from sqlalchemy import select

from server import create_app
from server.audit.models import AuditEvent
from server.auth import service as accounts
from server.auth.models import User
from server.config import TestConfig
from server.extensions import db
from tests.helpers import assert_error


def test_login_returns_user_and_csrf_token(api, make_user):
    staff = make_user("lobby_manager")
    response = api.login(staff)
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {
        "id": staff.id,
        "username": staff.username,
        "display_name": staff.username,
        "role": "lobby_manager",
        "branch_id": staff.branch_id,
        "preferred_locale": None,
        "on_duty": False,
    }
    assert len(body["csrf_token"]) > 20
    me = api.get("/api/v1/me").get_json()
    assert me["user"]["id"] == staff.id


def test_login_username_is_case_and_space_insensitive(api, make_user):
    staff = make_user("lobby_manager", username="wang.fang")
    assert api.login(username="  Wang.Fang ", password=staff.password).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(api, make_user):
    staff = make_user()
    wrong = assert_error(api.login(username=staff.username, password="not-the-password"), 401, "invalid_credentials")
    unknown = assert_error(api.login(username="nobody", password="not-the-password"), 401, "invalid_credentials")
    assert wrong["message"] == unknown["message"]
    assert_error(api.get("/api/v1/me"), 401, "unauthenticated")


def test_login_validates_its_body(api):
    error = assert_error(api.client.post("/api/v1/auth/login", json={"username": ""}), 422, "validation_failed")
    assert set(error["fields"]) == {"username", "password"}
    assert_error(
        api.client.post(
            "/api/v1/auth/login", data="username=a&password=b", content_type="application/x-www-form-urlencoded"
        ),
        400,
        "invalid_json",
    )


def test_failed_logins_are_rate_limited_per_username(api, make_user):
    staff = make_user()
    for _ in range(5):
        assert api.login(username=staff.username, password="wrong-password").status_code == 401
    response = api.login(staff)  # even the right password waits now
    error = assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["Retry-After"] in error["message"]


def test_failed_logins_are_rate_limited_per_address(app, api, make_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    staff = make_user()
    for name in ("a1", "a2", "a3"):
        assert api.login(username=name, password="wrong-password").status_code == 401
    assert_error(api.login(staff), 429, "rate_limited")


def test_successful_logins_do_not_count_towards_the_limit(api, make_user):
    staff = make_user()
    for _ in range(8):
        assert api.login(staff).status_code == 200


def test_deactivated_user_cannot_log_in_and_existing_session_ends(app, api, api_factory, make_user):
    staff = make_user()
    assert api.login(staff).status_code == 200
    with app.app_context():
        accounts.set_active(db.session.get(User, staff.id), False, actor=None)
        db.session.commit()
    assert_error(api.get("/api/v1/me"), 401, "unauthenticated")
    assert_error(api_factory().login(staff), 401, "account_deactivated")


def test_password_reset_ends_existing_sessions(app, api, make_user):
    staff = make_user()
    api.login(staff)
    with app.app_context():
        accounts.reset_password(db.session.get(User, staff.id), "a-brand-new-password", actor=None)
        db.session.commit()
    assert_error(api.get("/api/v1/me"), 401, "unauthenticated")
    assert api.login(username=staff.username, password="a-brand-new-password").status_code == 200


def test_logout_needs_csrf_and_ends_the_session(api, make_user):
    api.login(make_user())
    assert_error(api.client.post("/api/v1/auth/logout"), 400, "csrf_failed")
    assert api.get("/api/v1/me").status_code == 200
    response = api.post("/api/v1/auth/logout")
    assert response.status_code == 204
    assert_error(api.get("/api/v1/me"), 401, "unauthenticated")


def test_unsafe_request_with_a_wrong_csrf_token_is_refused(api, make_user):
    api.login(make_user())
    response = api.client.patch("/api/v1/me", json={"preferred_locale": "en"}, headers={"X-CSRF-Token": "forged"})
    assert_error(response, 400, "csrf_failed")
    assert api.get("/api/v1/me").get_json()["user"]["preferred_locale"] is None


def test_session_cookie_flags(api, make_user):
    response = api.login(make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_page_still_loading_when_the_user_signs_in_does_not_sign_them_out(client):
    """The service worker precaches /offline while the sign-in form is posted: the answer to that request,
    made with the signed-out cookie, arrives last. If it set the cookie, the browser would keep the
    signed-out one and the user would land back on the sign-in page."""
    client.get("/login")  # the signed-out session: a CSRF token, no user
    for path in ("/offline", "/login", "/manifest.webmanifest", "/service-worker.js"):
        response = client.get(path)
        assert response.headers.getlist("Set-Cookie") == [], path


def test_login_is_audited(app, api, make_user):
    staff = make_user()
    api.login(staff)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == staff.id)).all()
    assert actions == ["auth.login"]


def test_user_can_change_own_language(api, make_user):
    api.login(make_user())
    response = api.patch("/api/v1/me", json={"preferred_locale": "en"})
    assert response.get_json()["user"]["preferred_locale"] == "en"
    error = assert_error(api.patch("/api/v1/me", json={"preferred_locale": "fr"}), 422, "validation_failed")
    assert "preferred_locale" in error["fields"]


def test_rate_limit_uses_the_forwarded_address_behind_a_trusted_proxy(app, database_url, tmp_path):
    proxied = create_app(
        TestConfig(database_url, instance_path=tmp_path / "proxy", PROXY_HOPS=1, LOGIN_LIMIT_PER_ADDRESS="2 per minute")
    )
    client = proxied.test_client()
    for name in ("p1", "p2"):
        client.post(
            "/api/v1/auth/login",
            json={"username": name, "password": "wrong-password"},
            headers={"X-Forwarded-For": "10.0.0.1"},
        )
    blocked = client.post(
        "/api/v1/auth/login",
        json={"username": "p3", "password": "wrong-password"},
        headers={"X-Forwarded-For": "10.0.0.1"},
    )
    other_client = client.post(
        "/api/v1/auth/login",
        json={"username": "p3", "password": "wrong-password"},
        headers={"X-Forwarded-For": "10.0.0.2"},
    )
    with proxied.app_context():
        db.engine.dispose()
    assert blocked.status_code == 429
    assert other_client.status_code == 401
