"""Domain exceptions and the one error handler that answers JSON under /api/ and HTML elsewhere."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from server.extensions import db, limiter

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A refusal the user can act on; services raise these, never HTTP errors."""

    status = 400
    code = "bad_request"
    default_message = _l("The request could not be processed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict | None = None,
        details: dict | None = None,
    ):
        super().__init__(message or str(self.default_message))
        self.message = message or str(self.default_message)
        self.code = code or self.code
        self.fields = fields or {}
        self.details = details or {}  # what the client needs to act, e.g. the id of the existing record


class NotFound(DomainError):
    status, code, default_message = 404, "not_found", _l("Not found.")


class PermissionDenied(DomainError):
    status, code, default_message = 403, "forbidden", _l("You are not allowed to do this.")


class Conflict(DomainError):
    status, code, default_message = 409, "conflict", _l("This conflicts with a record that already exists.")


class ValidationFailed(DomainError):
    status, code, default_message = 422, "validation_failed", _l("Some fields are not valid.")


class Unauthenticated(DomainError):
    status, code, default_message = 401, "unauthenticated", _l("Please sign in.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict | None = None,
    headers: dict | None = None,
    details: dict | None = None,
) -> Response:
    """The error envelope of the API contract, or an HTML page for people."""
    if wants_json():
        body: dict[str, dict[str, Any]] = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        if details:
            body["error"]["details"] = details
        response = jsonify(body)
    else:
        response = Response(render_template("errors/error.html", status=status, message=message), mimetype="text/html")
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def retry_after_seconds() -> int:
    """Seconds until the rate limit that was just hit lets the client in again."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))


_HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    413: _l("The request is too large."),
    415: _l("Unsupported content type."),
}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        if isinstance(e, Unauthenticated) and not wants_json():
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return error_response(e.status, e.code, e.message, e.fields, details=e.details)

    @app.errorhandler(CSRFError)
    def csrf_error(e: CSRFError):
        return error_response(400, "csrf_failed", _("The security token is missing or expired. Reload and try again."))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(e: RateLimitExceeded):
        seconds = retry_after_seconds()
        message = _("Too many attempts. Try again in %(seconds)d seconds.", seconds=seconds)
        return error_response(429, "rate_limited", message, headers={"Retry-After": str(seconds)})

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        code = (e.name or "error").lower().replace(" ", "_").replace("'", "")
        message = str(_HTTP_MESSAGES.get(e.code or 500, e.description or e.name))
        if e.code == 413 and request.max_content_length:  # say what fits: a photo's limit is not a form's
            size = request.max_content_length / (1024 * 1024)
            message = _("The request is too large: at most %(size)s MB.", size=f"{size:g}")
        return error_response(e.code or 500, code, message)

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            500, "internal_error", _("Something went wrong on our side. Nothing was saved; try again.")
        )
