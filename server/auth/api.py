"""JSON sign-in, sign-out and the signed-in user's own record."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from server.auth import limits, service, sessions
from server.auth.schemas import DutyIn, LoginIn, MeUpdate, UnlockIn, sign_in_out, user_out
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_login
from server.extensions import csrf

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1")


def start_session(user) -> None:
    """Fresh session for the user (no fixation), lasting one shift."""
    session.clear()
    login_user(user)
    sessions.open_sign_in(user, request.user_agent.string)
    session.permanent = True


def end_session() -> None:
    """Sign this device out on the server too: a copy of the cookie is refused from now on."""
    if current_user.is_authenticated and (sign_in := sessions.current_sign_in_id()):
        sessions.end_sign_in(current_user, sign_in, actor=current_user)
    logout_user()
    session.clear()


@bp.post("/auth/login")
@documented(body=LoginIn)
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
@documented(answers=(204,))
@transactional
def logout():
    """End the session, on the server too."""
    end_session()
    return "", 204


@bp.post("/auth/unlock")
@documented(body=UnlockIn, answers=(204,))
@require_login
@limits.per_unlocker
@transactional
def unlock():
    """The idle handheld asks for the password again; the session, the screen and the outbox stay."""
    service.confirm_password(current_user, parse_json(UnlockIn).password)
    return "", 204


@bp.get("/me/sessions")
@require_login
def my_sessions():
    """The devices signed in as me, this one marked."""
    here = sessions.current_sign_in_id()
    return jsonify(sessions=[sign_in_out(s, current=s.id == here) for s in sessions.open_sign_ins(current_user)])


@bp.delete("/me/sessions/<sign_in_id>")
@documented(answers=(204,))
@require_login
@transactional
def end_my_session(sign_in_id: str):
    """Sign out there: one of my other devices (or this one)."""
    sessions.end_sign_in(current_user, sign_in_id, actor=current_user)
    return "", 204


@bp.get("/me")
@require_login
def me():
    """The signed-in user and a current CSRF token."""
    return jsonify(user=user_out(current_user), csrf_token=generate_csrf())


@bp.patch("/me")
@documented(body=MeUpdate)
@outbox_write
@require_login
@transactional
def update_me():
    """Change the user's own preferences (language)."""
    data = parse_json(MeUpdate)
    service.set_locale(current_user, data.preferred_locale)
    return jsonify(user=user_out(current_user))


@bp.put("/me/duty")
@documented(body=DutyIn)
@outbox_write
@require_login
@transactional
def set_duty():
    """On duty / away: floor notifications and `now` referrals go only to staff on duty."""
    service.set_duty(current_user, parse_json(DutyIn).on_duty)
    return jsonify(user=user_out(current_user))
