"""keyed request fingerprints

The payload hashes were an unkeyed SHA-256 of the request, full phone and ID numbers included: with the
masked number beside them, trying the candidates gave the number back. Each stored hash becomes
HMAC(key, old hash), the same value server.common.idempotency.fingerprint now computes, so retries of
records already stored still match.

Revision ID: a1c0f9e2b7d4
Revises: d925e7aff6fb
Create Date: 2026-12-02 00:40:00

"""

from alembic import op
import sqlalchemy as sa
from flask import current_app

from server.common.idempotency import fingerprint_key, keyed

revision = "a1c0f9e2b7d4"
down_revision = "d925e7aff6fb"
branch_labels = None
depends_on = None

TABLES = ("customers", "visits", "visit_events", "referrals", "card_batches", "work_log_entries")


def upgrade():
    key = fingerprint_key(current_app.config["SECRET_KEY"])
    conn = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("id", sa.String), sa.column("payload_hash", sa.String))
        rows = conn.execute(sa.select(table.c.id, table.c.payload_hash)).all()
        if rows:
            rekey = table.update().where(table.c.id == sa.bindparam("rid")).values(payload_hash=sa.bindparam("h"))
            conn.execute(rekey, [{"rid": row_id, "h": keyed(key, old)} for row_id, old in rows])


def downgrade():
    # An HMAC cannot be undone; the keyed hashes stay (a retry of an old record then answers 409 at worst).
    pass
