"""The account manager's call list (每日计划联络客户表): the call-backs due today and overdue, and the customers
met whose outcome is not recorded yet; one tap records how a call went."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.common.clock import add_business_days, local_day_end, local_day_start
from server.common.errors import Conflict
from server.extensions import db
from server.referrals import service
from server.referrals.models import (
    AWAITING_ANSWER,
    CallResult,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Urgency,
)
from server.referrals.policy import check_step
from server.referrals.schemas import OutcomeIn

TO_CALL = (*AWAITING_ANSWER, ReferralStatus.ACCEPTED)


OUTCOMES = {CallResult.BOOKED: Outcome.FOLLOW_UP_BOOKED, CallResult.NOT_INTERESTED: Outcome.NOT_INTERESTED}


def call_list(actor: User, now: datetime) -> dict[str, list[Referral]]:
    tz = actor.home_branch.timezone
    today, tomorrow = local_day_start(tz, now), local_day_end(tz, now)
    mine = (
        select(Referral)
        .options(selectinload(Referral.handouts))
        .where(Referral.branch_id == actor.branch_id, Referral.to_user_id == actor.id)
    )
    follow_ups = list(
        db.session.scalars(
            mine.where(
                Referral.urgency == Urgency.FOLLOW_UP, Referral.status.in_(TO_CALL), Referral.due_at < tomorrow
            ).order_by(Referral.due_at)
        )
    )
    met = db.session.scalars(mine.where(Referral.status == ReferralStatus.MET).order_by(Referral.met_at))
    return {
        "overdue": [r for r in follow_ups if r.due_at is not None and r.due_at < today],
        "due_today": [r for r in follow_ups if r.due_at is not None and r.due_at >= today],
        "outcome_pending": list(met),
    }


def log_call(actor: User, referral_id: str, *, call_id: str, result: CallResult, note: str | None, now: datetime):
    """How a call-back went. Reached: the outcome is recorded. Not reached: due again the next business day.
    Idempotent on the call's client-chosen id (a replayed "not reached" does not push the date twice)."""
    replay = db.session.get(ReferralEvent, call_id)
    if replay is not None:
        if replay.referral_id != referral_id:
            raise Conflict(_("This id belongs to another call."), code="id_conflict")
        return service.get_referral(actor, referral_id)
    if result in OUTCOMES:
        referral = service.record_outcome(actor, referral_id, OutcomeIn(result=OUTCOMES[result], note=note))
    else:
        referral = service.lock_for_step(actor, referral_id)
        check_step(actor, referral, "outcome")
        settings = actor.home_branch.settings
        referral.due_at = add_business_days(now, 1, actor.home_branch.timezone, settings.holidays)
    referral.events.append(
        ReferralEvent(id=call_id, type=f"call.{result.value}", actor=actor, note=note, occurred_at=now)
    )
    return referral
