"""Translated labels, resolved once per request (a request has one language).

Reading a lazy string or asking Flask-Babel for the locale costs tens of microseconds each time; a floor
board of 300 rows would pay that thousands of times per request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g
from flask_babel import force_locale, get_locale


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


@contextmanager
def in_language(code: str) -> Iterator[None]:
    """Word something in another language than the request's (a notification in its recipient's language):
    Flask-Babel's locale and this module's per-request caches both switch, and both come back afterwards."""
    saved = {key: g.pop(key) for key in ("lobbypad_language", "lobbypad_labels") if key in g}
    try:
        with force_locale(code):
            yield
    finally:
        for key in ("lobbypad_language", "lobbypad_labels"):
            g.pop(key, None)
        for key, value in saved.items():
            setattr(g, key, value)
