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
        fields = {".".join(str(p) for p in err["loc"]) or "body": err["msg"] for err in e.errors()}
        raise ValidationFailed(fields=fields) from None


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
