"""The figures of a period, aggregated in the database: counts per measure (one query per table and time),
breakdowns by GROUP BY, percentiles in SQL (see `distribution`) — never the period's rows loaded into Python.

Percentiles are nearest-rank (the p-th percentile is the smallest value with at least p % of the values at
or below it; the median of an even count is the lower middle), the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, func, null, select, true
from sqlalchemy.sql.elements import ColumnElement

from server.cards.models import CardHandout, CardType
from server.care.models import CareTask
from server.complaints.models import Complaint
from server.extensions import db
from server.incidents.models import Incident
from server.reports.measures import MEASURES, Scope, care_response_seconds, wait_seconds

COUNTED = (
    "visits.arrivals",
    "visits.served",
    "visits.left",
    "visits.waited",
    "visits.past_tolerance",
    "visits.within_tolerance",
    "visits.uncared",
    "care.tasks",
    "care.done",
    "customers.found",
    "cards.handed_out",
    "referrals.made",
    "referrals.accepted",
    "referrals.met",
    "referrals.converted",
    "complaints.received",
    "incidents.reported",
    "faults.opened",
    "faults.fixed",
)


def counts(scope: Scope, names: Iterable[str] = COUNTED) -> dict[str, int]:
    """The count of each measure; the measures of one table and time share a query (a sum per measure)."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for name in names:
        measure = MEASURES[name]
        groups[(measure.model, str(measure.when))].append(name)
    result: dict[str, int] = {}
    for group in groups.values():
        first = MEASURES[group[0]]
        shared = [first.model.branch_id == scope.branch_id, first.when >= scope.start, first.when < scope.end]
        sums = [
            func.coalesce(func.sum(case((and_(true(), *MEASURES[name].conditions(scope)), 1), else_=0)), 0)
            for name in group
        ]
        row = db.session.execute(select(*sums).where(*shared)).one()
        result.update(zip(group, (int(value) for value in row), strict=True))
    return result


def distribution(value: Any, conditions: list[ColumnElement], key: Any = None) -> dict:
    """{key: {count, median, p90, max}} of `value` (whole seconds) over the rows meeting `conditions`, per `key`
    (or under None for all). Nearest-rank percentiles, the same result on both databases: PostgreSQL computes
    them itself (percentile_disc); SQLite, which has no percentile, counts each distinct value per key in SQL
    and the ranks are walked over those counts (a few thousand at most — a month of waits has that many
    distinct seconds — where ranking each row with a window function took four times as long)."""
    k = (key if key is not None else null()).label("k")
    where = [*conditions, value.is_not(None)]
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = select(
            k,
            func.count(),
            func.percentile_disc(0.5).within_group(value),
            func.percentile_disc(0.9).within_group(value),
            func.max(value),
        ).where(*where)
        rows = db.session.execute(stmt.group_by(k) if key is not None else stmt).all()
        return {row[0]: {"count": row[1], "median": row[2], "p90": row[3], "max": row[4]} for row in rows if row[1]}
    v = value.label("v")
    frequencies = db.session.execute(select(k, v, func.count()).where(*where).group_by(k, v).order_by(k, v)).all()
    by_key: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    for group, seconds, n in frequencies:
        by_key[group].append((seconds, n))
    return {group: _ranked(counted) for group, counted in by_key.items()}


def _ranked(counted: list[tuple[int, int]]) -> dict:
    """count, median, p90 and max of values given as (value, how many), in ascending order."""
    total = sum(n for _value, n in counted)
    wanted = {"median": nearest_rank(total, 50), "p90": nearest_rank(total, 90)}
    found: dict[str, int] = {}
    seen = 0
    for value, n in counted:
        seen += n
        for name, rank in wanted.items():
            if name not in found and seen >= rank:
                found[name] = value
    return {"count": total, **found, "max": counted[-1][0]}


def nearest_rank(count: int, percent: int) -> int:
    """The rank of the `percent`-th percentile among `count` ordered values: ceil(percent × count / 100)."""
    return (percent * count + 99) // 100


def breakdown(scope: Scope, measure_name: str, column: Any) -> dict[str, int]:
    """The records of a measure counted per value of `column` (channel, category, status…)."""
    measure = MEASURES[measure_name]
    rows = db.session.execute(select(column, func.count()).where(*measure.where(scope)).group_by(column)).all()
    return {_code(value): count for value, count in rows if value is not None}


def period_figures(scope: Scope, *, with_serials: bool) -> dict:
    """The figures of the work log and of the monthly report (architecture.md's shape, extended)."""
    c = counts(scope)
    waits = distribution(wait_seconds, MEASURES["visits.waited"].where(scope)).get(None)
    response = distribution(care_response_seconds, MEASURES["care.done"].where(scope)).get(None)
    attended = c["visits.served"] + c["visits.left"]
    figures: dict[str, Any] = {
        "arrivals": c["visits.arrivals"],
        "served": c["visits.served"],
        "left": c["visits.left"],
        "waiting": {
            "tolerance_minutes": scope.tolerance_seconds // 60,
            "median": _minutes(waits and waits["median"]),
            "p90": _minutes(waits and waits["p90"]),
            "longest": _minutes(waits and waits["max"]),
            "past_tolerance": c["visits.past_tolerance"],
            "within_tolerance": c["visits.within_tolerance"],
            # Served within the tolerance, of all who were served or left (leaving counts as not served in time).
            "service_level": round(c["visits.within_tolerance"] / attended, 4) if attended else None,
        },
        "care": {
            "tasks": c["care.tasks"],
            "done": c["care.done"],
            "by_kind": breakdown(scope, "care.tasks", CareTask.kind),
            "response_median": _minutes(response and response["median"]),
            "response_worst": _minutes(response and response["max"]),
            "uncared": c["visits.uncared"],
        },
        "potential_vips": c["customers.found"],
        "cards_handed_out": c["cards.handed_out"],  # the contract's name (architecture.md); by type under cards
        "cards": {
            "handed_out": c["cards.handed_out"],
            "by_type": breakdown(scope, "cards.handed_out", CardHandout.card_type),
        },
        "referrals": {
            "made": c["referrals.made"],
            "accepted": c["referrals.accepted"],
            "met": c["referrals.met"],
            "converted": c["referrals.converted"],
        },
        "complaints": {
            "received": c["complaints.received"],
            "by_channel": breakdown(scope, "complaints.received", Complaint.received_via),
            "by_category": breakdown(scope, "complaints.received", Complaint.cause),
            "by_status": breakdown(scope, "complaints.received", Complaint.status),
        },
        "incidents": {
            "reported": c["incidents.reported"],
            "by_kind": breakdown(scope, "incidents.reported", Incident.kind),
        },
        "faults": {"opened": c["faults.opened"], "fixed": c["faults.fixed"]},
    }
    if with_serials:
        figures["cards"]["vip_serials"] = vip_serials(scope)
    return figures


def vip_serials(scope: Scope) -> list[str]:
    measure = MEASURES["cards.handed_out"]
    stmt = (
        select(CardHandout.serial)
        .where(*measure.where(scope), CardHandout.card_type == CardType.VIP_EXPERIENCE, CardHandout.serial.is_not(None))
        .order_by(CardHandout.serial)
    )
    return list(db.session.scalars(stmt))


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _code(value) -> str:
    return getattr(value, "value", value)
