"""The sign-in page, sign-out, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user

from server.auth import limits, service
from server.auth.api import end_session, start_session
from server.auth.locale import LOCALE_COOKIE, remember_locale
from server.common.errors import DomainError, retry_after_seconds
from server.common.http import transactional

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not target:
        return url_for("shell.index")
    parts = urlsplit(target)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return url_for("shell.index")  # a newline would end up in the Location header
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("shell.index")
    return target


def render_login(error: str | None = None, status: int = 200, retry_after: int | None = None, username: str = ""):
    response = make_response(
        render_template(
            "auth/login.html",
            error=error,
            username=username,
            retry_after=retry_after,
            next=request.args.get("next", ""),
        ),
        status,
    )
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(e):
    """The form says when to try again."""
    seconds = retry_after_seconds()
    return render_login(_("Too many attempts. Try again in %(seconds)d seconds.", seconds=seconds), 429, seconds)


@bp.route("/login", methods=["GET", "POST"])
@limits.per_address
@limits.per_username
@transactional
def login():
    """Sign-in form."""
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next")))
        return render_login()
    username = request.form.get("username", "")
    try:
        user = service.authenticate(username, request.form.get("password", ""))
    except DomainError as e:
        return render_login(e.message, 401, username=username)
    if not user.preferred_locale and request.cookies.get(LOCALE_COOKIE) in service.LOCALES:
        user.preferred_locale = request.cookies[LOCALE_COOKIE]
    start_session(user)
    return redirect(safe_next(request.args.get("next")))


@bp.post("/logout")
@transactional
def logout():
    """Sign out (form fallback; the app uses the API and wipes its local data first)."""
    end_session()
    return redirect(url_for("auth.login"))


@bp.post("/locale")
@transactional
def set_locale():
    """Switch the interface language; remembered in a cookie and, when signed in, on the account."""
    locale = request.form.get("locale", "")
    if locale not in service.LOCALES:
        raise DomainError(_("Choose Chinese or English."), code="invalid_locale")
    if current_user.is_authenticated:
        service.set_locale(current_user, locale)
    return remember_locale(redirect(safe_next(request.form.get("next"))), locale)
