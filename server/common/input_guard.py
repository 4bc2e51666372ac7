"""Hostile input refused before any view, sign-in included: JSON nested past a small depth, NUL characters.

Deep nesting crashes the JSON decoder with RecursionError; a NUL character in text crashes PostgreSQL. Both
are answered with the error envelope here, once, instead of in every schema.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from server.common.errors import DomainError, ValidationFailed

MAX_DEPTH = 16  # the deepest record the app sends is 4 levels; a sync batch adds 3


class TooDeep(DomainError):
    status, code = 400, "too_deep"


def refuse_hostile_input() -> None:
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise ValidationFailed(fields={name.replace("\x00", ""): _("Contains a NUL character.")})
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            if "\x00" in name or "\x00" in value:
                raise ValidationFailed(fields={name.replace("\x00", ""): _("Contains a NUL character.")})
    if request.is_json:
        try:
            data = request.get_json(silent=True)
        except RecursionError:
            raise TooDeep(_("The body is nested too deeply.")) from None
        _check(data)


def _check(data) -> None:
    """Depth and NUL characters, without recursion (the body may be as deep as the decoder allowed)."""
    stack = [(data, 1, "body")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ValidationFailed(fields={path: _("Contains a NUL character.")})
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise TooDeep(_("The body is nested too deeply."))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and "\x00" in key:
                raise ValidationFailed(fields={path: _("Contains a NUL character.")})
            stack.append((item, depth + 1, str(key) if path == "body" else f"{path}.{key}"))
