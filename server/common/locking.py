"""Serialising two steps on one record: the page's outbox and the service worker may send the same step at
once, or a step may race a sweep."""

from __future__ import annotations

from sqlalchemy import update

from server.extensions import db


def lock(record) -> None:
    """Lock the record's row for this transaction and read it afresh, so the second of two concurrent steps
    sees what the first did (a row lock on PostgreSQL, the single writer on SQLite): a no-op UPDATE."""
    model = type(record)
    db.session.execute(
        update(model).where(model.id == record.id).values(id=model.id).execution_options(synchronize_session=False)
    )
    db.session.refresh(record)
