"""Request parsing and the per-request transaction boundary shared by all JSON views."""

from __future__ import annotations

from functools import wraps
from typing import TypeVar

from flask import request
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


def validate(schema: type[M], data: dict) -> M:
    try:
        return schema.model_validate(data)
    except ValidationError as e:
        fields = {".".join(str(p) for p in err["loc"]) or "body": field_message(err) for err in e.errors()}
        raise ValidationFailed(fields=fields) from None


def field_message(error: dict) -> str:
    """The user's language for pydantic's common errors (its own text is English and names regexes);
    our validators' messages are translated where they are raised."""
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "missing":
        return _("Required.")
    if kind == "string_pattern_mismatch":
        return _("Letters, digits and “-” only.") if "A-Za-z0-9-" in str(ctx.get("pattern")) else _("Not in the expected format.")
    if kind == "string_too_short":
        return _("At least %(n)s characters.", n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("At most %(n)s characters.", n=ctx.get("max_length"))
    if kind == "greater_than":
        return _("More than %(n)s.", n=ctx.get("gt"))
    if kind == "greater_than_equal":
        return _("At least %(n)s.", n=ctx.get("ge"))
    if kind == "less_than":
        return _("Less than %(n)s.", n=ctx.get("lt"))
    if kind == "less_than_equal":
        return _("At most %(n)s.", n=ctx.get("le"))
    if kind in ("uuid_parsing", "uuid_type", "uuid_version"):
        return _("Not a valid id.")
    if kind in ("int_parsing", "int_type", "decimal_parsing", "decimal_type", "float_parsing", "float_type",
                "int_from_float", "decimal_max_places"):
        return _("Enter a number.")
    if kind in ("enum", "literal_error"):
        return _("Not one of the choices offered.")
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing", "timezone_aware"):
        return _("Not a valid date and time (with its time zone).")
    if kind in ("bool_parsing", "bool_type"):
        return _("Yes or no.")
    if kind in ("string_type", "dict_type", "list_type", "model_type"):
        return _("Wrong kind of value.")
    if kind == "extra_forbidden":
        return _("Not a field of this record.")
    return error["msg"]


def transactional(view):
    """One commit per request, after the view succeeded; any error rolls back (Indico's lifecycle)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            result = view(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return wrapper
