"""Time: always timezone-aware UTC inside the app; branch-local only when shown."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
