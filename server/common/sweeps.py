"""What the worker's sweeps share: claiming the rows that have fallen due, once, however many workers run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute

from server.extensions import db


def claim_due(column: InstrumentedAttribute, now: datetime, batch: int) -> list[str]:
    """Ids of up to `batch` rows whose `column` (a time) is at or before `now`, earliest first, claimed by
    setting it to None: rows another worker holds are skipped (SKIP LOCKED on PostgreSQL), and the update
    claims only what is still due (a compare-and-set), so no row is claimed twice."""
    model = column.class_
    candidates = select(model.id).where(column <= now).order_by(column).limit(batch).with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if not ids:
        return []
    return list(
        db.session.scalars(
            update(model)
            .where(model.id.in_(ids), column <= now)
            .values({column.key: None})
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
    )
