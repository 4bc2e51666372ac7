"""Translated labels, resolved once per request (a request has one language).

Reading a lazy string or asking Flask-Babel for the locale costs tens of microseconds each time; a floor
board of 300 rows would pay that thousands of times per request.
"""

from __future__ import annotations

from flask import g
from flask_babel import get_locale


def request_language() -> str:
    if "lobbypad_language" not in g:
        g.lobbypad_language = str(get_locale() or "zh")
    return g.lobbypad_language


def resolved(names: dict) -> dict:
    """`names` (code → lazy string) as plain strings in the request's language."""
    cache = g.setdefault("lobbypad_labels", {})
    if id(names) not in cache:
        cache[id(names)] = {code: str(text) for code, text in names.items()}
    return cache[id(names)]
