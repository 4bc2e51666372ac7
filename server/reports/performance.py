"""The performance board (业绩看板): each person's figures and the branch's, for a day, week or month,
against the targets the supervisor sets per role and period. Aggregated in the database: one GROUP BY per
measure and person."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from server.auth.models import User
from server.care.models import CareTask
from server.common.errors import PermissionDenied, ValidationFailed
from server.common.roles import Role
from server.common.sqltime import local_hour, local_weekday
from server.complaints.models import Complaint, ComplaintDeadline
from server.extensions import db
from server.floor.models import Visit
from server.referrals.models import Referral
from server.reports import charts as draw
from server.reports.daylog import scope_of
from server.reports.figures import breakdown, counts, distribution
from server.reports.measures import MEASURES, Scope, care_response_seconds, wait_seconds
from server.reports.models import Target
from server.reports.periods import Period, PeriodKind, period_of

# The board's metrics, in the order shown. Counts are per person; a lower care response time is better.
METRICS = (
    "referrals_made",
    "referrals_accepted",
    "referrals_converted",
    "cards_handed_out",
    "products_introduced",
    "care_response_minutes",
    "complaints_on_time",
)
LOWER_IS_BETTER = frozenset({"care_response_minutes"})
SHARES = frozenset({"complaints_on_time"})  # 0–1
ON_THE_BOARD = (Role.LOBBY_MANAGER, Role.ACCOUNT_MANAGER, Role.SUPERVISOR)
# An account manager is credited with the referrals sent to them; everyone else with those they made.
REFERRAL_MEASURES = {
    "referrals_made": "referrals.made",
    "referrals_accepted": "referrals.accepted",
    "referrals_converted": "referrals.converted",
}


def board(actor: User, kind: PeriodKind, day: date) -> dict:
    branch = actor.home_branch
    period = period_of(kind, day, branch.timezone)
    scope = scope_of(branch, period)
    people = _people(branch.id)
    figures = _per_person(scope, people)
    targets = targets_of(branch.id, kind)
    rows = [
        _person_row(person, figures.get(person.id, {}), targets.get(person.role.value, {}))
        for person in people
        if actor.role == Role.SUPERVISOR or person.id == actor.id
    ]
    data = charts(scope, period)
    return {
        "period": {"kind": kind.value, "label": period.label, "first": period.first.isoformat()},
        "metrics": list(METRICS),
        "lower_is_better": sorted(LOWER_IS_BETTER),
        "branch": _branch_row(scope, people, figures, targets),
        "people": rows,
        "charts": data,
        # The products of the month introduced in care, per product (the campaign's reach in the period).
        "products": breakdown(scope, "care.products", CareTask.product),
        "svg": _drawn(data, rows),
        "can_set_targets": actor.role == Role.SUPERVISOR,
        "targets": targets if actor.role == Role.SUPERVISOR else {},  # per role, for the targets form
    }


def _drawn(data: dict, rows: list[dict]) -> dict[str, str]:
    return {
        "funnel": draw.funnel(data["funnel"], _("Referral funnel")),
        "hours": draw.hours(
            data["hours"], _("Arrivals and waiting by hour"), _("Arrivals"), _("90% waited at most (min)")
        ),
        "heatmap": draw.heatmap(data["heatmap"], _("Arrivals by weekday and hour")),
        "progress": draw.progress(rows, _("Progress to target")),
    }


def charts(scope: Scope, period: Period) -> dict:
    """The data of the board's charts (drawn on the phone, each with its table)."""
    c = counts(scope, ["customers.found", *REFERRAL_MEASURES.values(), "referrals.met"])
    arrivals = MEASURES["visits.arrivals"].where(scope)
    hour = local_hour(Visit.arrived_at, period.offset_minutes)
    weekday = local_weekday(Visit.arrived_at, period.offset_minutes)
    heat = db.session.execute(select(weekday, hour, func.count()).where(*arrivals).group_by(weekday, hour)).all()
    per_hour: dict[int, int] = {}
    for _weekday, h, n in heat:  # an hour's arrivals: its weekdays' cells summed
        per_hour[h] = per_hour.get(h, 0) + n
    p90 = {
        h: stats["p90"] for h, stats in distribution(wait_seconds, MEASURES["visits.waited"].where(scope), hour).items()
    }
    return {
        "funnel": [
            {"stage": "identified", "count": c["customers.found"]},
            {"stage": "referred", "count": c["referrals.made"]},
            {"stage": "accepted", "count": c["referrals.accepted"]},
            {"stage": "met", "count": c["referrals.met"]},
            {"stage": "converted", "count": c["referrals.converted"]},
        ],
        "hours": [
            {
                "hour": h,
                "arrivals": per_hour[h],
                "p90_wait": round(p90[h] / 60, 1) if h in p90 else None,
            }
            for h in sorted(per_hour)
        ],
        "heatmap": [{"weekday": w, "hour": h, "arrivals": n} for w, h, n in heat],
    }


def targets_of(branch_id: str, kind: PeriodKind) -> dict[str, dict[str, float]]:
    rows = db.session.scalars(select(Target).where(Target.branch_id == branch_id, Target.period == kind.value))
    result: dict[str, dict[str, float]] = {}
    for target in rows:
        result.setdefault(target.role, {})[target.metric] = target.value
    return result


def set_targets(actor: User, kind: PeriodKind, role: Role, values: Mapping[str, float | None]) -> dict[str, float]:
    """The supervisor sets (or clears, with None) a role's targets for a period kind."""
    if actor.role != Role.SUPERVISOR:
        raise PermissionDenied(_("Only a supervisor sets targets."), code="supervisors_only")
    if role not in ON_THE_BOARD:
        raise ValidationFailed(_("That role has no targets."), code="bad_role")
    stored = {
        t.metric: t
        for t in db.session.scalars(
            select(Target).where(
                Target.branch_id == actor.branch_id, Target.period == kind.value, Target.role == role.value
            )
        )
    }
    for metric, value in values.items():
        target = stored.get(metric)
        if value is None:
            if target is not None:
                db.session.delete(target)
        elif target is None:
            db.session.add(
                Target(
                    branch_id=actor.branch_id,
                    role=role.value,
                    period=kind.value,
                    metric=metric,
                    value=value,
                    set_by_id=actor.id,
                )
            )
        else:
            target.value, target.set_by_id = value, actor.id
    db.session.flush()
    return targets_of(actor.home_branch.id, kind).get(role.value, {})


def _people(branch_id: str) -> list[User]:
    stmt = (
        select(User)
        .where(User.branch_id == branch_id, User.active.is_(True), User.role.in_(ON_THE_BOARD))
        .order_by(User.role, User.display_name)
    )
    return list(db.session.scalars(stmt))


def _per_person(scope: Scope, people: list[User]) -> dict[str, dict]:
    """{user id: {metric: value}}: one grouped query per measure."""
    result: dict[str, dict] = {p.id: {} for p in people}
    account_managers = {p.id for p in people if p.role == Role.ACCOUNT_MANAGER}

    def credit(metric: str, measure_name: str, person_column, only=None) -> None:
        measure = MEASURES[measure_name]
        stmt = select(person_column, func.count()).where(*measure.where(scope)).group_by(person_column)
        for person_id, n in db.session.execute(stmt):
            if person_id in result and (only is None or only(person_id)):
                result[person_id][metric] = result[person_id].get(metric, 0) + n

    for metric, name in REFERRAL_MEASURES.items():
        credit(metric, name, Referral.from_user_id, lambda pid: pid not in account_managers)
        credit(metric, name, Referral.to_user_id, lambda pid: pid in account_managers)
    credit("cards_handed_out", "cards.handed_out", MEASURES["cards.handed_out"].person)
    credit("products_introduced", "care.products", MEASURES["care.products"].person)
    care = MEASURES["care.done"]
    for person_id, stats in distribution(care_response_seconds, care.where(scope), key=care.person).items():
        if person_id in result:
            result[person_id]["care_response_minutes"] = round(stats["median"] / 60, 1)
    for person_id, share in _complaints_on_time(scope).items():
        if person_id in result:
            result[person_id]["complaints_on_time"] = share
    return result


def _complaints_on_time(scope: Scope, by_person: bool = True) -> dict:
    """Of the complaint deadlines that fell due in the period (and were not ended by a withdrawal or a merge),
    the share met on time, per complaint owner (or under None for the branch)."""
    key = Complaint.owner_id if by_person else None
    on_time = func.sum(
        case(
            (and_(ComplaintDeadline.met_at.is_not(None), ComplaintDeadline.met_at <= ComplaintDeadline.due_at), 1),
            else_=0,
        )
    )
    stmt = (
        select(*([key] if key is not None else []), on_time, func.count())
        .join(Complaint, Complaint.id == ComplaintDeadline.complaint_id)
        .where(
            ComplaintDeadline.branch_id == scope.branch_id,
            ComplaintDeadline.due_at >= scope.start,
            ComplaintDeadline.due_at < scope.end,
            ComplaintDeadline.ended_at.is_(None),
        )
    )
    if key is not None:
        stmt = stmt.group_by(key)
        return {row[0]: round(int(row[1]) / int(row[2]), 4) for row in db.session.execute(stmt) if row[2]}
    row = db.session.execute(stmt).one()
    return {None: round(int(row[0] or 0) / int(row[1]), 4) if row[1] else None}


def _person_row(person: User, figures: dict, targets: dict) -> dict:
    values = {metric: figures.get(metric, None if metric in (LOWER_IS_BETTER | SHARES) else 0) for metric in METRICS}
    return {
        "user": {"id": person.id, "display_name": person.display_name, "role": person.role.value},
        "figures": values,
        "targets": {m: targets[m] for m in METRICS if m in targets},
        "progress": {m: progress(m, values[m], targets[m]) for m in METRICS if m in targets},
    }


def _branch_row(scope: Scope, people: list[User], figures: dict, targets: dict) -> dict:
    totals = counts(scope, ["cards.handed_out", "care.products", *REFERRAL_MEASURES.values()])
    care = distribution(care_response_seconds, MEASURES["care.done"].where(scope)).get(None)
    values = {
        **{metric: totals[name] for metric, name in REFERRAL_MEASURES.items()},
        "cards_handed_out": totals["cards.handed_out"],
        "products_introduced": totals["care.products"],
        "care_response_minutes": round(care["median"] / 60, 1) if care else None,
        "complaints_on_time": _complaints_on_time(scope, by_person=False)[None],
    }
    # The branch's target of a count is the sum of its people's; of a time or a share, there is none.
    summed: dict[str, float] = {}
    for person in people:
        for metric, value in targets.get(person.role.value, {}).items():
            if metric not in LOWER_IS_BETTER | SHARES:
                summed[metric] = summed.get(metric, 0) + value
    return {
        "figures": values,
        "targets": summed,
        "progress": {m: progress(m, values[m], summed[m]) for m in summed},
    }


def progress(metric: str, value: float | None, target: float) -> float | None:
    """How far to the target, 1.0 meaning met (a time target is met when at or under it)."""
    if value is None or not target:
        return None
    if metric in LOWER_IS_BETTER:
        return round(min(target / value, 1.0), 4) if value else 1.0
    return round(value / target, 4)
