"""Time arithmetic inside SQL, the same on SQLite and PostgreSQL, so reports aggregate in the database.

SQLite keeps a UTC timestamp as text and has no time zones; PostgreSQL has both. Each expression below is
one function with a rendering per dialect. Local dates and hours shift by a fixed offset (the branch's
offset over the period: exact for zones without daylight saving, such as every zone in China).
"""

from __future__ import annotations

from sqlalchemy import Integer, String, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement):
    """Whole seconds from `earlier` to `later` (NULL when either is NULL)."""

    type = Integer()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({later} - {earlier}))) AS INTEGER)"


class _shifted(FunctionElement):
    """A part of a UTC timestamp moved by a fixed number of minutes: its date as text 'YYYY-MM-DD', its hour
    (0–23) or its weekday (0 Monday … 6 Sunday)."""

    inherit_cache = True

    def __init__(self, column, offset_minutes: int):
        super().__init__(column, literal_column(str(int(offset_minutes))))  # in the SQL text: part of its cache key


def _parts(element, compiler, kw) -> tuple[str, int]:
    column, offset = element.clauses
    return compiler.process(column, **kw), int(compiler.process(offset, **kw))


class local_date(_shifted):
    type = String()
    name = "local_date"
    inherit_cache = True


class local_hour(_shifted):
    type = Integer()
    name = "local_hour"
    inherit_cache = True


class local_weekday(_shifted):
    type = Integer()
    name = "local_weekday"
    inherit_cache = True


# SQLite keeps a timestamp as text, 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's format). Reading the hour and
# the minute out of the text, and the date through julianday() once, costs a third of strftime() with a
# modifier: a month of a busy branch is 30,000 rows per chart.
def _sqlite_parts(element, compiler, kw) -> tuple[str, str]:
    """(the local minute of the day plus 1440, so never negative; the UTC date's Julian day number)."""
    column, offset = _parts(element, compiler, kw)
    minutes = (
        f"(CAST(substr({column}, 12, 2) AS INTEGER) * 60 + CAST(substr({column}, 15, 2) AS INTEGER) + {offset + 1440})"
    )
    return minutes, f"CAST(julianday(substr({column}, 1, 10)) + 0.5 AS INTEGER)"


@compiles(local_date, "sqlite")
def _date_sqlite(element, compiler, **kw):
    minutes, day = _sqlite_parts(element, compiler, kw)
    return f"date({day} - 0.5 + {minutes} / 1440 - 1)"


@compiles(local_hour, "sqlite")
def _hour_sqlite(element, compiler, **kw):
    minutes, _day = _sqlite_parts(element, compiler, kw)
    return f"({minutes} % 1440 / 60)"


@compiles(local_weekday, "sqlite")
def _weekday_sqlite(element, compiler, **kw):  # a Julian day number modulo 7 is 0 on a Monday
    minutes, day = _sqlite_parts(element, compiler, kw)
    return f"(({day} + {minutes} / 1440 - 1) % 7)"


def _pg_shift(element, compiler, kw) -> str:
    column, offset = _parts(element, compiler, kw)
    return f"(({column} AT TIME ZONE 'UTC') + INTERVAL '{offset:d} minutes')"


@compiles(local_date, "postgresql")
def _date_pg(element, compiler, **kw):
    return f"to_char({_pg_shift(element, compiler, kw)}, 'YYYY-MM-DD')"


@compiles(local_hour, "postgresql")
def _hour_pg(element, compiler, **kw):
    return f"CAST(EXTRACT(HOUR FROM {_pg_shift(element, compiler, kw)}) AS INTEGER)"


@compiles(local_weekday, "postgresql")
def _weekday_pg(element, compiler, **kw):  # ISODOW: 1 Monday … 7 Sunday
    return f"(CAST(EXTRACT(ISODOW FROM {_pg_shift(element, compiler, kw)}) AS INTEGER) - 1)"
