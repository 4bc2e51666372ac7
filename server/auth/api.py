"""JSON sign-in, sign-out and the signed-in user's own record."""

from __future__ import annotations

from flask import Blueprint, jsonify, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from server.auth import limits, service
from server.auth.schemas import DutyIn, LoginIn, MeUpdate, user_out
from server.common.http import parse_json, transactional
from server.common.policy import require_login
from server.extensions import csrf

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1")


def start_session(user) -> None:
    """Fresh session for the user (no fixation), lasting one shift."""
    session.clear()
    login_user(user)
    session.permanent = True


@bp.post("/auth/login")
@csrf.exempt  # no session yet to forge; JSON-only, so a cross-site form cannot post it
@limits.per_address
@limits.per_username
@transactional
def login():
    """Sign in with username and password; answers the user and the CSRF token for later writes."""
    data = parse_json(LoginIn)
    user = service.authenticate(data.username, data.password)
    start_session(user)
    return jsonify(user=user_out(user), csrf_token=generate_csrf())


@bp.post("/auth/logout")
def logout():
    """End the session."""
    logout_user()
    session.clear()
    return "", 204


@bp.get("/me")
@require_login
def me():
    """The signed-in user and a current CSRF token."""
    return jsonify(user=user_out(current_user), csrf_token=generate_csrf())


@bp.patch("/me")
@require_login
@transactional
def update_me():
    """Change the user's own preferences (language)."""
    data = parse_json(MeUpdate)
    service.set_locale(current_user, data.preferred_locale)
    return jsonify(user=user_out(current_user))


@bp.put("/me/duty")
@require_login
@transactional
def set_duty():
    """On duty / away: floor notifications and `now` referrals go only to staff on duty."""
    service.set_duty(current_user, parse_json(DutyIn).on_duty)
    return jsonify(user=user_out(current_user))
