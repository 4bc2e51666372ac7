"""Request parsing and the per-request transaction boundary shared by all JSON views."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any, TypeVar

from flask import Request, current_app, make_response, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from server.common.errors import DomainError, ValidationFailed
from server.extensions import db

M = TypeVar("M", bound=BaseModel)


def parse_json(schema: type[M]) -> M:
    """Validate the JSON body against a pydantic schema; 400 when not JSON, 422 with fields when invalid."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(_("The body must be a JSON object."), code="invalid_json")
    return validate(schema, data)


def time_arg(name: str) -> datetime | None:
    """An ISO 8601 time with its zone from the query string, in UTC; None when absent, 422 when not one
    (a time that overflows in UTC, such as 0001-01-01T00:00+14:00, included)."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            raise ValueError("no time zone")
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValidationFailed(fields={name: _("Not a date and time with its time zone.")}) from None


def date_arg(name: str, default: date) -> date:
    """A calendar date (YYYY-MM-DD) from the query string; `default` when absent, 422 when not one or absurd."""
    raw = request.args.get(name)
    return date_value(raw, name) if raw else default


def date_value(raw: str, field: str = "date") -> date:
    """A calendar date written YYYY-MM-DD (a path part or a query value); 422 when not one or absurd."""
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or not 2000 <= value.year <= 2100:
        raise ValidationFailed(fields={field: _("Not a date (YYYY-MM-DD).")})
    return value


def month_value(raw: str, field: str = "month") -> date:
    """The first day of a month written YYYY-MM (a path part or a query value); 422 when not one or absurd."""
    if not re.fullmatch(r"(20\d\d|2100)-(0[1-9]|1[0-2])", raw or ""):
        raise ValidationFailed(fields={field: _("Not a month (YYYY-MM).")})
    return date(int(raw[:4]), int(raw[5:]), 1)


def validate(schema: type[M], data: dict) -> M:
    try:
        return schema.model_validate(data)
    except ValidationError as e:
        fields = {".".join(str(p) for p in err["loc"]) or "body": field_message(err) for err in e.errors()}
        raise ValidationFailed(fields=fields) from None


def field_message(error: Mapping[str, Any]) -> str:
    """The user's language for pydantic's common errors (its own text is English and names regexes);
    our validators' messages are translated where they are raised."""
    ctx = error.get("ctx") or {}
    if error["type"] == "string_pattern_mismatch" and "A-Za-z0-9-" in str(ctx.get("pattern")):
        return _("Letters, digits and “-” only.")
    word = next((w for kinds, w in _FIELD_MESSAGES if error["type"] in kinds), None)
    return word(ctx) if word else error["msg"]


# (pydantic error types, what the user reads); the functions run per request, in the user's language.
_FIELD_MESSAGES: list[tuple[tuple[str, ...], Callable[[dict], str]]] = [
    (("missing",), lambda ctx: _("Required.")),
    (("string_pattern_mismatch",), lambda ctx: _("Not in the expected format.")),
    (("string_too_short",), lambda ctx: _("At least %(n)s characters.", n=ctx.get("min_length"))),
    (("string_too_long",), lambda ctx: _("At most %(n)s characters.", n=ctx.get("max_length"))),
    (("greater_than",), lambda ctx: _("More than %(n)s.", n=ctx.get("gt"))),
    (("greater_than_equal",), lambda ctx: _("At least %(n)s.", n=ctx.get("ge"))),
    (("less_than",), lambda ctx: _("Less than %(n)s.", n=ctx.get("lt"))),
    (("less_than_equal",), lambda ctx: _("At most %(n)s.", n=ctx.get("le"))),
    (("uuid_parsing", "uuid_type", "uuid_version"), lambda ctx: _("Not a valid id.")),
    (
        (
            "int_parsing",
            "int_type",
            "decimal_parsing",
            "decimal_type",
            "float_parsing",
            "float_type",
            "int_from_float",
            "decimal_max_places",
        ),
        lambda ctx: _("Enter a number."),
    ),
    (("enum", "literal_error"), lambda ctx: _("Not one of the choices offered.")),
    (
        ("datetime_parsing", "datetime_type", "datetime_from_date_parsing", "timezone_aware"),
        lambda ctx: _("Not a valid date and time (with its time zone)."),
    ),
    (("bool_parsing", "bool_type"), lambda ctx: _("Yes or no.")),
    (("string_type", "dict_type", "list_type", "model_type"), lambda ctx: _("Wrong kind of value.")),
    (("extra_forbidden",), lambda ctx: _("Not a field of this record.")),
    # A validator's plain ValueError speaks English: the user reads this instead. Ours raise translated errors.
    (("value_error", "assertion_error"), lambda ctx: _("Not valid.")),
]


def transactional(view):
    """The one transaction convention of the API and the pages (Indico's lifecycle): one commit per request,
    once the view has answered with success; an exception, or an error answer (a form shown again with its
    errors, status 400 and above), rolls back whatever the failed action had flushed."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            db.session.rollback()
            raise
        if response.status_code >= 400:
            db.session.rollback()
        else:
            db.session.commit()
        return response

    return wrapper


def outbox_write(view):
    """Marks a view the handheld's outbox may send, alone or inside a POST /sync batch (nothing else may)."""
    view.outbox_write = True
    return view


def is_outbox_write(view) -> bool:
    return getattr(view, "outbox_write", False)


def large_body(config_key: str):
    """Marks a view that takes a body larger than MAX_CONTENT_LENGTH, up to the config value `config_key`."""

    def mark(view):
        view.max_body_config = config_key
        return view

    return mark


class AppRequest(Request):
    """A request whose size limit is its view's (see `large_body`), known before anything reads the body:
    the CSRF check reads the form, and a body over the limit is refused there with 413."""

    _view_limit: int | None = None

    @property
    def max_content_length(self) -> int | None:
        if self._view_limit is not None:
            return self._view_limit
        view = current_app.view_functions.get(self.endpoint or "")
        key = getattr(view, "max_body_config", None)
        return current_app.config[key] if key else current_app.config["MAX_CONTENT_LENGTH"]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._view_limit = value
