"""Test helpers: the staff record factories return, a JSON client that signs in, the error-envelope check."""

from __future__ import annotations

from dataclasses import dataclass

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
