"""The OpenAPI description: every /api/v1 route described and nothing else, each body schema the one its view
validates with, and schemathesis fuzzing every operation as every role on SQLite and PostgreSQL: no 5xx, every
answer documented, every error the envelope."""

from __future__ import annotations

import inspect
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import JsonClient

ROLES = ("lobby_manager", "account_manager", "supervisor", "admin")
EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_api_route_is_described_and_nothing_that_does_not_exist(app, client):
    described = {
        (method.upper(), path)
        for path, operations in client.get("/api/v1/openapi.json").get_json()["paths"].items()
        for method in operations
    }
    routes = {
        (method, re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert len(routes) > 40 and described == routes


def test_each_described_body_is_the_schema_its_view_validates_with(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        parsed = re.findall(r"(?:parse_json|validate)\((\w+)", inspect.getsource(inspect.unwrap(view)))
        documented = getattr(view, "openapi", {}).get("body")
        assert parsed == ([documented.__name__] if documented else []), rule.endpoint
    assert document["openapi"] == "3.1.0"


@pytest.fixture
def sessions(app, make_user):
    """A sign-in per role; each fuzzed request gets a fresh one (a request may be a sign-out)."""
    people = {role: make_user(role) for role in ROLES}

    def signed_in(role: str) -> dict:
        # From another address than the fuzzer's: its wrong sign-ins (POST /auth/login) count against the
        # per-address limit, which must not refuse these within the same minute.
        client = JsonClient(app.test_client())
        client.client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
        assert client.login(people[role]).status_code == 200
        cookie = client.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        return {"cookies": {cookie.key: cookie.value}, "headers": {"X-CSRF-Token": client.csrf_token}}

    return signed_in


def test_fuzzing_every_operation_as_every_role_finds_no_server_error(app, sessions):
    """A fixed number of examples per operation, derandomized: the same requests on every run (a fuzz test
    that found something new only sometimes would be a flaky one)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            for role in ROLES:
                case.call_and_validate(**sessions(role), checks=CHECKS)

        fuzz()
