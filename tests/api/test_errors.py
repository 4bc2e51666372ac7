"""Errors answer with the envelope under /api/ and an HTML page elsewhere; never a stack trace."""

from __future__ import annotations

import pytest
from flask import Blueprint

from tests.helpers import assert_error


def test_unknown_api_path_is_a_json_404(api):
    assert_error(api.get("/api/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_a_json_405(api):
    assert_error(api.get("/api/v1/auth/login"), 405, "method_not_allowed")


def test_oversized_body_is_a_413(api, make_user):
    api.login(make_user())
    response = api.post("/api/v1/worklog/entries", {"body": "x" * (1024 * 1024 + 10)})
    assert_error(response, 413, "request_entity_too_large")


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)


@pytest.fixture
def crashing_app(app):
    bp = Blueprint("crash", __name__)

    @bp.get("/api/v1/crash")
    def crash_api():
        raise RuntimeError("secret internals: password=hunter2")

    @bp.get("/crash")
    def crash_page():
        raise RuntimeError("secret internals: password=hunter2")

    app.register_blueprint(bp)
    return app


def test_unexpected_error_hides_its_details(crashing_app):
    client = crashing_app.test_client()
    error = assert_error(client.get("/api/v1/crash"), 500, "internal_error")
    assert "hunter2" not in error["message"] and "Traceback" not in error["message"]
    page = client.get("/crash")
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "hunter2" not in page.get_data(as_text=True)


def test_security_headers_on_pages_and_api(client):
    for response in (client.get("/login"), client.get("/api/v1/me")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"
