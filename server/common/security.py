"""Security headers beyond Talisman's, and the unauthorised answer of Flask-Login."""

from flask import Flask

from server.common.errors import Unauthenticated
from server.common.input_guard import refuse_hostile_input
from server.extensions import login_manager


def content_security_policy() -> dict:
    """No inline script anywhere: data reaches JS through data-* or JSON script blocks."""
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: blob:",  # blob: a photo taken offline, shown from the phone's storage
        "connect-src": "'self'",
        "manifest-src": "'self'",
        "worker-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def register_security(app: Flask) -> None:
    app.before_request(refuse_hostile_input)

    @login_manager.unauthorized_handler
    def unauthorized():
        raise Unauthenticated()

    @app.after_request
    def no_store_for_api(response):
        # Customer data must not linger in HTTP caches; the app keeps its own snapshots.
        if response.mimetype == "application/json":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
