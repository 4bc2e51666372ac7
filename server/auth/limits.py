"""Sign-in rate limits, per username and per client address; only failed attempts count."""

from collections.abc import Mapping

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from server.auth.service import normalise_username
from server.extensions import limiter


def _username_key() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    name = data.get("username") if isinstance(data, Mapping) else None
    return "user:" + normalise_username(name if isinstance(name, str) else "")[:64]


def _failed(response) -> bool:
    return response.status_code == 401


per_username = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_USERNAME"],
    scope="login-username",
    key_func=_username_key,
    deduct_when=_failed,
)
per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    scope="login-address",
    key_func=get_remote_address,
    deduct_when=_failed,
)
per_unlocker = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_USERNAME"],
    scope="unlock",
    key_func=lambda: "unlock:" + str(current_user.get_id()),
    deduct_when=_failed,
)
