"""Sessions end on the server: sign-out, "sign out there", an administrator's "sign out everywhere", the idle lock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditEvent
from server.auth.models import SignIn
from server.auth.sessions import prune_sign_ins
from server.common.clock import utcnow
from server.extensions import db
from tests.helpers import JsonClient, assert_error


def copy_of_the_cookie(app, signed_in: JsonClient) -> JsonClient:
    """Another client holding the same session cookie, as someone who copied it would."""
    thief = JsonClient(app.test_client())
    cookie = signed_in.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief.client.set_cookie(cookie.key, cookie.value)
    thief.csrf_token = signed_in.csrf_token
    return thief


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, api, make_user):
    """Finding 2: the copy still read /me and wrote for 12 hours."""
    api.login(make_user())
    thief = copy_of_the_cookie(app, api)
    assert thief.get("/api/v1/me").status_code == 200
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert_error(thief.get("/api/v1/me"), 401, "unauthenticated")
    assert_error(thief.post("/api/v1/worklog/entries", {"body": "still me?"}), 401, "unauthenticated")


def test_the_user_sees_their_devices_and_signs_one_out_there(app, api_factory, make_user):
    staff = make_user()
    phone, desk = api_factory(), api_factory()
    phone.client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"
    phone.login(staff)
    desk.login(staff)
    listed = desk.get("/api/v1/me/sessions").get_json()["sessions"]
    assert len(listed) == 2
    mine = next(s for s in listed if s["current"])
    other = next(s for s in listed if not s["current"])
    assert other["device"] == "Chrome · Android" and mine["id"] != other["id"]
    assert desk.delete(f"/api/v1/me/sessions/{other['id']}").status_code == 204
    assert_error(phone.get("/api/v1/me"), 401, "unauthenticated")
    assert desk.get("/api/v1/me").status_code == 200
    assert [s["id"] for s in desk.get("/api/v1/me/sessions").get_json()["sessions"]] == [mine["id"]]
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "auth.signed_out"))


def test_one_cannot_end_someone_elses_session(api_factory, make_user):
    alice, bob = api_factory(), api_factory()
    alice.login(make_user())
    bob.login(make_user())
    alices = alice.get("/api/v1/me/sessions").get_json()["sessions"][0]["id"]
    assert_error(bob.delete(f"/api/v1/me/sessions/{alices}"), 404, "not_found")
    assert alice.get("/api/v1/me").status_code == 200


def test_an_administrator_signs_a_user_out_everywhere(app, api_factory, make_user):
    staff = make_user()
    phone, desk = api_factory(), api_factory()
    phone.login(staff)
    desk.login(staff)
    admin = api_factory()
    admin.login(make_user(role="admin"))
    page = admin.client.get("/admin/")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = admin.client.post(f"/admin/users/{staff.id}/sessions/end", data={"csrf_token": token})
    assert response.status_code == 302
    for device in (phone, desk):
        assert_error(device.get("/api/v1/me"), 401, "unauthenticated")
    assert api_factory().login(staff).status_code == 200  # the account itself stays active


def test_the_idle_lock_asks_for_the_password_without_ending_the_session(api, make_user):
    staff = make_user()
    api.login(staff)
    assert_error(api.post("/api/v1/auth/unlock", {"password": "not it"}), 401, "invalid_credentials")
    assert api.post("/api/v1/auth/unlock", {"password": staff.password}).status_code == 204
    assert api.get("/api/v1/me").status_code == 200


def test_unlock_attempts_are_rate_limited(api, make_user):
    api.login(make_user())
    statuses = [api.post("/api/v1/auth/unlock", {"password": "guess"}).status_code for _ in range(6)]
    assert statuses[-1] == 429


def test_cookie_header_is_unchanged_by_reading(api, make_user):
    """Reading does not rewrite the cookie (a late answer must not sign a device back in)."""
    api.login(make_user())
    assert api.get("/api/v1/me/sessions").headers.getlist("Set-Cookie") == []


def test_sign_ins_of_a_month_ago_are_pruned_by_the_worker(app, api, make_user):
    api.login(make_user())
    with app.app_context():
        assert prune_sign_ins(utcnow()) == 0
        assert prune_sign_ins(utcnow() + timedelta(days=31)) == 1
        db.session.commit()
        assert db.session.scalar(select(SignIn.id)) is None
