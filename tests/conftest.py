"""Shared fixtures: the app on SQLite and PostgreSQL, factories, and an authenticated JSON client."""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import psycopg
import pytest
from sqlalchemy import text

from server import create_app
from server.auth import service as accounts
from server.branches import service as branches
from server.common.errors import NotFound
from server.config import TestConfig
from server.extensions import db
from tests import network_guard
from tests.fake_push import FakePushService
from tests.helpers import PASSWORD, JsonClient, Staff

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI") == "true"


def pytest_configure(config):
    network_guard.install()


@pytest.fixture(autouse=True)
def only_loopback():
    """Fails the test that tried to reach beyond this machine, even if the code under test swallowed the error."""
    before = len(network_guard.attempts)
    yield
    if len(network_guard.attempts) > before:
        pytest.fail(f"the test tried to reach beyond loopback: {network_guard.attempts[before:]}")


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except psycopg.Error as e:
        return str(e).strip().splitlines()[0]


@pytest.fixture(scope="session")
def pg_schema_factory():
    """Makes throwaway PostgreSQL schemas (one per use), dropped at the end of the session."""
    problem = _pg_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI and is not reachable at {PG_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} ({problem}); set TEST_DATABASE_URL or start it")
    made = []
    plain = PG_URL.replace("+psycopg", "")

    def make() -> str:
        name = f"lobbypad_t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        made.append(name)
        sep = "&" if "?" in PG_URL else "?"
        return f"{PG_URL}{sep}options={quote(f'-csearch_path={name}')}"

    yield make
    with psycopg.connect(plain, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture(scope="session")
def pg_shared_url(pg_schema_factory):
    """One PostgreSQL schema per test process; tables are emptied after each test."""
    return pg_schema_factory()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return request.getfixturevalue("pg_shared_url")


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(TestConfig(database_url, instance_path=tmp_path / "instance"))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_branch(app):
    def make(code: str = "A001", name: str | None = None) -> str:
        with app.app_context():
            branch = branches.create_branch(code, name or f"Branch {code}")
            db.session.commit()
            return branch.id

    return make


@pytest.fixture
def make_user(app, make_branch):
    """make_user(role, branch_code=...) → Staff; the branch is created when missing."""
    counter = iter(range(1, 10_000))

    def make(
        role: str = "lobby_manager",
        branch_code: str | None = "A001",
        username: str | None = None,
        password: str = PASSWORD,
    ) -> Staff:
        with app.app_context():
            branch = None
            if branch_code and role != "admin":
                try:
                    branch = branches.get_branch_by_code(branch_code)
                except NotFound:
                    db.session.rollback()
                    make_branch(branch_code)
                    branch = branches.get_branch_by_code(branch_code)
            user = accounts.create_user(
                username=username or f"{role.replace('_', '')}{next(counter)}",
                display_name="",
                role=role,
                branch=branch,
                password=password,
            )
            db.session.commit()
            return Staff(user.id, user.username, password, role, user.branch_id)

    return make


@pytest.fixture
def api(client):
    return JsonClient(client)


@pytest.fixture
def api_factory(app):
    """A fresh signed-out JSON client per call (several users in one test)."""
    return lambda: JsonClient(app.test_client())


@pytest.fixture
def push(app):
    """A loopback push service that checks VAPID and decrypts what it receives (tests/fake_push.py)."""
    with app.app_context():
        key = app.extensions["lobbypad.vapid"].application_server_key
    service = FakePushService(key)
    app.config["PUSH_ALLOWED_ORIGINS"] = (service.origin,)
    app.config["PUSH_TIMEOUT_SECONDS"] = 1.0
    yield service
    service.close()
