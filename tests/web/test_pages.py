"""Pages through the test client: the sign-in form, languages, the shell per role, administration."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def form_login(client, staff, password=None, next_url=""):
    page = client.get("/login" + (f"?next={next_url}" if next_url else "")).get_data(as_text=True)
    return client.post(
        "/login" + (f"?next={next_url}" if next_url else ""),
        data={"csrf_token": csrf_of(page), "username": staff.username, "password": password or staff.password},
    )


def test_signed_out_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/")


def test_login_page_links_the_manifest_and_registers_the_worker(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "/static/js/register-sw.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_form_login_then_the_lobby_managers_tab_bar(client, make_user):
    staff = make_user("lobby_manager")
    response = form_login(client, staff)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    tabs = re.findall(r'data-tab="(\w+)"', html)
    assert tabs == ["floor", "customers", "refer", "tasks", "complaints", "more"]


@pytest.mark.parametrize(
    "role, tabs",
    [
        ("account_manager", ["inbox", "customers", "more"]),
        ("supervisor", ["dashboard", "floor", "referrals", "customers", "complaints", "more"]),
        ("admin", ["admin", "more"]),
    ],
)
def test_each_role_gets_its_own_home(client, make_user, role, tabs):
    form_login(client, make_user(role, branch_code=None if role == "admin" else "A001"))
    assert re.findall(r'data-tab="(\w+)"', client.get("/").get_data(as_text=True)) == tabs


def test_failed_form_login_says_why_and_keeps_the_username(client, make_user):
    staff = make_user()
    response = form_login(client, staff, password="wrong-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Wrong username or password" in html or "用户名或密码错误" in html
    assert f'value="{staff.username}"' in html


def test_form_login_rate_limit_says_when_to_retry(client, make_user):
    staff = make_user()
    for _ in range(5):
        form_login(client, staff, password="wrong-password")
    response = form_login(client, staff)
    html = response.get_data(as_text=True)
    seconds = int(response.headers["Retry-After"])
    assert response.status_code == 429
    assert f'data-locked-for="{seconds}"' in html
    assert f"{seconds}" in re.search(r'role="alert"[^>]*>([^<]+)<', html).group(1)


def test_form_login_without_csrf_is_refused(client, make_user):
    staff = make_user()
    response = client.post("/login", data={"username": staff.username, "password": staff.password})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "next_url, location",
    [
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/admin/", "/admin/"),
    ],
)
def test_next_only_follows_same_site_paths(client, make_user, next_url, location):
    assert form_login(client, make_user(), next_url=next_url).headers["Location"] == location


def test_accept_language_decides_the_first_time(client):
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "登录" in client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)


def test_language_choice_is_remembered_in_a_cookie_and_on_the_account(app, client, make_user):
    html = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    response = client.post("/locale", data={"csrf_token": csrf_of(html), "locale": "en", "next": "/login"})
    assert response.status_code == 302
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    staff = make_user()
    form_login(client, staff)
    with app.app_context():
        assert db.session.get(User, staff.id).preferred_locale == "en"
    client.delete_cookie("lobbypad_locale")
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_admin_pages_are_for_admins_only(client, make_user):
    assert client.get("/admin/").headers["Location"].startswith("/login")
    form_login(client, make_user("supervisor"))
    response = client.get("/admin/")
    assert response.status_code == 403 and response.mimetype == "text/html"


def test_admin_creates_branch_and_user_and_deactivates(app, client, make_user):
    form_login(client, make_user("admin", branch_code=None))
    token = csrf_of(client.get("/admin/").get_data(as_text=True))
    page = client.post(
        "/admin/branches", data={"csrf_token": token, "code": "sh-01", "name": "上海一支行"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "SH-01" in page and "上海一支行" in page
    client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "newbie",
            "display_name": "新人",
            "role": "lobby_manager",
            "branch": "SH-01",
            "password": "long-enough-pw",
        },
    )
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "newbie"))
        assert user.branch.code == "SH-01" and user.role.value == "lobby_manager"
        user_id = user.id
    client.post(f"/admin/users/{user_id}/active", data={"csrf_token": token, "active": "0"})
    with app.app_context():
        assert db.session.get(User, user_id).active is False


def test_admin_form_errors_are_shown_field_by_field(client, make_user):
    form_login(client, make_user("admin", branch_code=None))
    token = csrf_of(client.get("/admin/").get_data(as_text=True))
    response = client.post(
        "/admin/users",
        data={"csrf_token": token, "username": "A!", "role": "supervisor", "branch": "", "password": "short"},
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("username", "branch", "password"):
        assert f'id="{field}-error"' in html


def test_admin_resets_a_password(client, api_factory, make_user):
    staff = make_user()
    form_login(client, make_user("admin", branch_code=None))
    token = csrf_of(client.get("/admin/").get_data(as_text=True))
    client.post(f"/admin/users/{staff.id}/password", data={"csrf_token": token, "password": "fresh-password-1"})
    api = api_factory()
    assert api.login(staff).status_code == 401
    assert api.login(username=staff.username, password="fresh-password-1").status_code == 200
