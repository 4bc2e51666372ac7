"""Outbound addresses: the server POSTs only to origins the operator allows (push services, WeCom)."""

from __future__ import annotations

from urllib.parse import urlsplit


def allowed(url: str, origins: tuple[str, ...]) -> bool:
    """`url`'s scheme://host[:port] is one of `origins`, and it carries no user:password."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" in origins and not parts.username
