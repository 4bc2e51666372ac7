"""The committed migrations build the schema on an empty database, and agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from server import create_app
from server.config import TestConfig
from server.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    return request.getfixturevalue("pg_schema_factory")()


def test_upgrade_builds_a_schema_the_models_agree_with(empty_database_url, tmp_path):
    app = create_app(TestConfig(empty_database_url, instance_path=tmp_path / "instance"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree; run `flask db migrate`: {diff}"
        tables = set(inspect(db.engine).get_table_names())
        assert {"branches", "users", "audit_events", "work_log_entries", "alembic_version"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


def test_a_model_change_without_migration_is_detected(empty_database_url, tmp_path):
    """The guard above can fail: a column added to the models alone shows up as a difference."""
    app = create_app(TestConfig(empty_database_url, instance_path=tmp_path / "instance"))
    with app.app_context():
        upgrade()
        extra = db.Column("nickname", db.String(20))
        table = db.metadata.tables["branches"]
        table.append_column(extra)
        try:
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        finally:
            table._columns.remove(extra)
        assert [d[0] for d in diff] == ["add_column"]
        db.engine.dispose()


def test_stored_fingerprints_are_rekeyed_so_old_retries_still_match(tmp_path):
    """Finding 1 of the security review: fingerprints stored unkeyed become the keyed value the app now
    computes, so an outbox retry of a record saved before the upgrade is still the same record."""
    import hashlib
    import json

    from sqlalchemy import text

    from server.common.idempotency import fingerprint

    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'old.sqlite'}", instance_path=tmp_path / "instance"))
    with app.app_context():
        upgrade(revision="d925e7aff6fb")
        payload = {"author": "u1", "body": "note", "occurred_at": None}
        old = hashlib.sha256(
            json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO branches (id, code, name, timezone, settings, created_at) VALUES ('b1', 'B1', 'B', 'Asia/Shanghai', '{}', '2026-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO users (id, username, display_name, role, branch_id, password_hash, active,"
                    " session_token, created_at, on_duty) VALUES ('u1', 'u1', 'U', 'lobby_manager', 'b1', 'x', 1,"
                    " 't', '2026-01-01', 0)"
                )
            )
            conn.execute(
                text("INSERT INTO work_log_entries VALUES ('w1', 'b1', 'u1', 'note', :h, '2026-01-01', '2026-01-01')"),
                {"h": old},
            )
        upgrade()
        with db.engine.connect() as conn:
            stored = conn.execute(text("SELECT payload_hash FROM work_log_entries")).scalar_one()
        assert stored != old and stored == fingerprint(**payload)
        db.engine.dispose()
