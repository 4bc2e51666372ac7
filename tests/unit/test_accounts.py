"""Account rules without HTTP: hashing, validation, deactivation, settings objects."""

from __future__ import annotations

import pydantic
import pytest

from server.auth import service as accounts
from server.auth import sessions
from server.auth.models import User
from server.branches import service as branches
from server.branches.settings import BranchSettings
from server.common.errors import Conflict, DomainError, ValidationFailed
from server.extensions import db


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


def test_passwords_are_stored_as_argon2id(ctx):
    branch = branches.create_branch("H1", "Hash branch")
    user = accounts.create_user(
        username="lili", display_name="", role="lobby_manager", branch=branch, password="long-enough-pw"
    )
    assert user.password_hash.startswith("$argon2id$")
    assert "long-enough-pw" not in user.password_hash
    assert accounts.authenticate("lili", "long-enough-pw").id == user.id


def test_create_user_reports_every_bad_field(ctx):
    with pytest.raises(ValidationFailed) as caught:
        accounts.create_user(username="X", display_name="", role="teller", branch=None, password="short")
    assert set(caught.value.fields) == {"username", "role", "password"}


def test_staff_need_a_branch_but_admins_do_not(ctx):
    with pytest.raises(ValidationFailed) as caught:
        accounts.create_user(
            username="nobranch", display_name="", role="supervisor", branch=None, password="long-enough-pw"
        )
    assert set(caught.value.fields) == {"branch"}
    admin = accounts.create_user(
        username="root1", display_name="", role="admin", branch=None, password="long-enough-pw"
    )
    assert admin.is_admin and admin.branch_id is None


def test_usernames_are_unique_case_insensitively(ctx):
    branch = branches.create_branch("U1", "Unique")
    accounts.create_user(
        username="zhang", display_name="", role="lobby_manager", branch=branch, password="long-enough-pw"
    )
    with pytest.raises(Conflict):
        accounts.create_user(
            username="ZHANG", display_name="", role="lobby_manager", branch=branch, password="long-enough-pw"
        )


def test_session_token_is_rotated_on_deactivation(app, ctx):
    admin = accounts.create_user(username="boss", display_name="", role="admin", branch=None, password="long-enough-pw")
    branch = branches.create_branch("S1", "Session")
    user = accounts.create_user(
        username="wang", display_name="", role="lobby_manager", branch=branch, password="long-enough-pw"
    )
    with app.test_request_context():
        sessions.open_sign_in(user, "test")
        session_id = user.get_id()
        assert sessions.load_session_user(session_id) is user
        accounts.set_active(user, False, actor=admin)
        assert sessions.load_session_user(session_id) is None
        accounts.set_active(user, True, actor=admin)
        assert sessions.load_session_user(session_id) is None  # old sessions stay ended
        assert sessions.load_session_user(user.get_id()) is None  # this device's sign-in ended too
        sessions.open_sign_in(user, "test")
        assert sessions.load_session_user(user.get_id()) is user


def test_admin_cannot_deactivate_themselves(ctx):
    admin = accounts.create_user(username="self", display_name="", role="admin", branch=None, password="long-enough-pw")
    with pytest.raises(DomainError) as caught:
        accounts.set_active(admin, False, actor=admin)
    assert caught.value.code == "cannot_deactivate_self"
    assert db.session.get(User, admin.id).active


def test_branch_codes_and_timezones_are_validated(ctx):
    with pytest.raises(ValidationFailed) as caught:
        branches.create_branch("a b!", "", timezone="Mars/Olympus")
    assert set(caught.value.fields) == {"code", "name", "timezone"}
    branch = branches.create_branch("bj-01", "Beijing 1", timezone="Asia/Shanghai")
    assert branch.code == "BJ-01"
    with pytest.raises(Conflict):
        branches.create_branch("BJ-01", "Again")


def test_settings_object_is_typed_and_validated():
    settings = BranchSettings()
    assert settings.wait_tolerance_minutes == 15 and settings.self_service_withdrawal_limit == 20000
    assert settings.updated({"wait_tolerance_minutes": 12}).wait_tolerance_minutes == 12
    with pytest.raises(pydantic.ValidationError, match="unknown"):
        settings.updated({"unknown": 1})
    with pytest.raises(pydantic.ValidationError, match="referral_timeout_minutes"):
        settings.updated({"referral_timeout_minutes": -1})
