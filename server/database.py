"""Engine set-up: SQLite gets WAL, foreign keys and a busy timeout on every connection."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server.extensions import db


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def register_database(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _on_sqlite_connect)
