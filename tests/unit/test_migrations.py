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
