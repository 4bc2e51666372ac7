"""The flask commands: create-branch, create-user (password on stdin), seed-demo."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server import create_app
from server.auth.models import User
from server.cli import DEMO_USERS
from server.common.clock import utcnow
from server.common.vault import vault
from server.complaints.models import Complaint
from server.config import Config, ProductionConfig
from server.customers.models import Customer
from server.extensions import db
from server.floor.models import Visit


def test_create_branch_and_user_from_the_command_line(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-branch", "--code", "gz-02", "--name", "广州二支行"])
    assert result.exit_code == 0 and "GZ-02" in result.output
    result = runner.invoke(
        args=[
            "create-user",
            "--username",
            "chen",
            "--role",
            "account_manager",
            "--branch",
            "GZ-02",
            "--password-stdin",
        ],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "chen"))
        assert user.branch.code == "GZ-02"
    assert (
        app.test_client()
        .post("/api/v1/auth/login", json={"username": "chen", "password": "a-long-password"})
        .status_code
        == 200
    )


def test_create_user_reports_bad_input_without_a_traceback(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "--username", "x", "--role", "supervisor", "--branch", "NOPE", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0
    assert "NOPE" in result.output and "Traceback" not in result.output


def test_seed_demo_prints_logins_and_is_idempotent(app):
    started = utcnow()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    for username in ("lobby", "manager", "supervisor", "admin"):
        assert username in first.output
    assert "seeded 200 demo customers and 42 visits this morning" in first.output
    assert "six weeks of history" in first.output
    assert "seeded" not in second.output  # nobody was served meanwhile: the floor is left as it is
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == len(DEMO_USERS)
        assert db.session.scalar(select(func.count(Customer.id))) == 200
        waiting = db.session.scalars(select(Visit).where(Visit.status == "waiting")).all()
        this_morning = select(func.count(Visit.id)).where(Visit.arrived_at >= started - timedelta(hours=4))
        assert len(waiting) == 12 and db.session.scalar(this_morning) == 42
        # The past six weeks (for the board and the reports): a few thousand visits before today.
        assert (
            db.session.scalar(select(func.count(Visit.id)).where(Visit.arrived_at < started - timedelta(hours=4)))
            > 3000
        )
        # The Complaints tab has something at each stage: open on site, phone, from the regulator, closed.
        statuses = sorted(db.session.scalars(select(Complaint.status).where(Complaint.recorded_at >= started)))
        assert statuses == ["closed", "open", "open", "open"]
        # Demo rows are protected like real ones: masked, encrypted, findable by pinyin.
        customer = db.session.scalars(select(Customer).limit(1)).one()
        assert "****" in customer.phone_masked and customer.phone_cipher.startswith(vault().key_id + ".")
    client = app.test_client()
    login = client.post("/api/v1/auth/login", json={"username": "lobby", "password": "lobby-demo-2026"})
    assert login.status_code == 200
    # Every example of the search box's hint ("lxs, lixiaoshan, 李小山, 5678") finds someone in the demo.
    csrf = {"X-CSRF-Token": login.get_json()["csrf_token"]}
    for example in ("lxs", "lixiaoshan", "李小山", "5678"):
        found = client.post("/api/v1/customers/search", json={"q": example}, headers=csrf).get_json()["customers"]
        assert "李小山" in [c["full_name"] for c in found], example


def test_seed_demo_is_refused_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("LOBBYPAD_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("LOBBYPAD_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    app = create_app(ProductionConfig())
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("LOBBYPAD_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="LOBBYPAD_SECRET_KEY"):
        ProductionConfig()


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("LOBBYPAD_SECRET_KEY", "x" * 40)
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE


def test_development_secret_is_generated_once_into_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("LOBBYPAD_SECRET_KEY", raising=False)
    monkeypatch.setenv("LOBBYPAD_INSTANCE_PATH", str(tmp_path))
    first, second = Config().SECRET_KEY, Config().SECRET_KEY
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
