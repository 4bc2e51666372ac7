"""Test helpers: the staff record factories return, a JSON client that signs in, a signed-in team with phones,
the worker's delivery, the error-envelope check."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from server.auth.models import User
from server.common.clock import utcnow
from server.extensions import db
from server.notifications import sender
from server.notifications.models import Notification

PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Staff:
    id: str
    username: str
    password: str
    role: str
    branch_id: str | None


class JsonClient:
    """flaskr's AuthActions, for the JSON API: signs in and sends the CSRF token on unsafe requests."""

    def __init__(self, client):
        self.client = client
        self.csrf_token = None

    def login(self, staff: Staff | None = None, *, username: str | None = None, password: str | None = None):
        response = self.client.post(
            "/api/v1/auth/login", json={"username": username or staff.username, "password": password or staff.password}
        )
        if response.status_code == 200:
            self.csrf_token = response.get_json()["csrf_token"]
        return response

    def _headers(self):
        return {"X-CSRF-Token": self.csrf_token} if self.csrf_token else {}

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(url, json=json, headers=self._headers(), **kw)

    def put(self, url, json=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(), **kw)

    def patch(self, url, json=None, **kw):
        return self.client.patch(url, json=json, headers=self._headers(), **kw)

    def delete(self, url, json=None, **kw):
        return self.client.delete(url, json=json, headers=self._headers(), **kw)


def assert_error(response, status: int, code: str):
    """The error envelope of the API contract, with the right status and code."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def wait_until(page, condition: str, timeout_ms: int = 15000) -> None:
    """Wait in the page until an async JS condition holds, e.g. `(await LobbypadOutbox.pending()).length === 0`.

    Playwright's wait_for_function takes a returned promise as truthy at once, so conditions that need
    `await` are polled here instead (a condition wait, not a sleep)."""
    met = page.evaluate(f"""async () => {{
        const deadline = Date.now() + {timeout_ms};
        while (Date.now() < deadline) {{
            if ({condition}) return true;
            await new Promise((resolve) => setTimeout(resolve, 25));
        }}
        return false;
    }}""")
    assert met, f"timed out after {timeout_ms} ms waiting for: {condition}"


SYNCED = "(await LobbypadOutbox.pending()).length === 0"


def make_team(api_factory, make_user, push, members) -> tuple[dict[str, JsonClient], dict[str, Staff]]:
    """Staff of one branch, each signed in on a phone subscribed to the loopback push service.

    `members`: (name, role, on duty, language or None) each; answers ({name: client}, {name: Staff})."""
    clients, people = {}, {}
    for name, role, on_duty, language in members:
        people[name] = make_user(role, username=f"{name}-{uuid.uuid4().hex[:6]}")
        client = clients[name] = api_factory()
        client.login(people[name])
        response = client.post("/api/v1/push/subscriptions", push.new_device(name).subscription())
        assert response.status_code == 201, response.get_json()
        if on_duty:
            assert client.put("/api/v1/me/duty", {"on_duty": True}).get_json()["user"]["on_duty"] is True
        if language:
            assert client.patch("/api/v1/me", {"preferred_locale": language}).status_code == 200
    return clients, people


def deliver(app, now: datetime | None = None) -> int:
    """One round of the worker's notification delivery (as the running worker would do it)."""
    with app.app_context():
        return sender.deliver_due(now)


def refer(floor, **fields):
    body = {
        "customer_id": floor.customer_id,
        "reason": "存款 50 万到期，问理财",
        "location": "贵宾室 2",
        "urgency": "now",
        "signals": ["wealth_management", "large_amount"],
        **fields,
    }
    response = floor.lobby.post("/api/v1/referrals", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["referral"]


def arrive(client, minutes_ago: float | None = None, *, statuses=(200, 201), **fields) -> dict:
    """Log an arrival through the API (a withdrawal at ticket A001 unless told otherwise, `minutes_ago`
    when it happened earlier); the answer's body, {visit, triage}. `statuses`: the answers expected."""
    when = {"arrived_at": (utcnow() - timedelta(minutes=minutes_ago)).isoformat()} if minutes_ago is not None else {}
    response = client.post("/api/v1/visits", {"ticket": "A001", "business_type": "withdrawal", **when, **fields})
    assert response.status_code in statuses, response.get_json()
    return response.get_json()


def raised_by(app, sweep, at: datetime, kinds: str = "") -> list[tuple[str, str]]:
    """Run a worker sweep at `at` and commit; (kind, recipient's username) of the notifications it raised,
    sorted, only those whose kind starts with `kinds`."""
    with app.app_context():
        before = set(db.session.scalars(select(Notification.id)))
        sweep(at)
        db.session.commit()
        rows = db.session.execute(
            select(Notification.kind, User.username)
            .join(User, User.id == Notification.recipient_id)
            .where(Notification.id.not_in(before))
        ).all()
        return sorted((kind, username) for kind, username in rows if kind.startswith(kinds))
