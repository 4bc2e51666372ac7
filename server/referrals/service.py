"""Referral rules: who gets it, the steps and who may take them, escalation when nobody answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server.audit import service as audit
from server.auth.models import User
from server.auth.service import supervisors
from server.branches.models import touch_floor
from server.cards import service as cards
from server.common.clock import add_business_days, utcnow
from server.common.errors import Conflict, PermissionDenied, ValidationFailed
from server.common.idempotency import create_once, fingerprint
from server.common.locking import lock
from server.common.policy import get_scoped_or_404
from server.common.roles import Role
from server.customers import service as customers
from server.customers.models import Customer, Tier
from server.customers.schemas import discreet_name
from server.extensions import db
from server.notifications.service import Wording, notify_many, worded
from server.referrals.models import (
    AWAITING_ANSWER,
    OPEN,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Urgency,
)
from server.referrals.policy import check_step
from server.referrals.schemas import OutcomeIn, ReferralIn

LIST_LIMIT = 100
ACCEPTABLE_KINDS = ("referral.new", "referral.escalated")


# --- choosing the account manager -------------------------------------------------------------------


def open_counts(branch_id: str) -> dict[str, int]:
    rows = db.session.execute(
        select(Referral.to_user_id, func.count())
        .where(Referral.branch_id == branch_id, Referral.status.in_(OPEN))
        .group_by(Referral.to_user_id)
    )
    return {user_id: count for user_id, count in rows if user_id}


def account_managers(branch_id: str, *, on_duty_only: bool) -> list[User]:
    stmt = select(User).where(User.branch_id == branch_id, User.role == Role.ACCOUNT_MANAGER, User.active.is_(True))
    if on_duty_only:
        stmt = stmt.where(User.on_duty.is_(True))
    return list(db.session.scalars(stmt.order_by(User.display_name)))


def choose_account_manager(
    branch_id: str,
    customer: Customer,
    urgency: Urgency,
    requested_id: str | None = None,
    exclude: frozenset[str] = frozenset(),
) -> User | None:
    """The one asked for; else the customer's own if available; else the available one with the fewest open
    referrals. `now` needs someone on duty; a follow-up may go to anyone active (they call back later)."""
    candidates = account_managers(branch_id, on_duty_only=urgency == Urgency.NOW)
    if requested_id:
        chosen = next((m for m in candidates if m.id == requested_id), None)
        if chosen is None:
            raise ValidationFailed(fields={"account_manager_id": _("Not an account manager on duty at this branch.")})
        return chosen
    candidates = [m for m in candidates if m.id not in exclude]
    own = next((m for m in candidates if m.id == customer.assigned_account_manager_id), None)
    if own is not None:
        return own
    counts = open_counts(branch_id)
    return min(candidates, key=lambda m: (counts.get(m.id, 0), m.display_name), default=None)


# --- creating ---------------------------------------------------------------------------------------


def create_referral(actor: User, data: ReferralIn) -> tuple[Referral, bool]:
    """Refer a customer (or a new lead); the assignee's devices get a push once this commits. Idempotent on id."""
    payload = fingerprint(actor=actor.id, **data.model_dump(mode="json"))
    return create_once(Referral, data.id.lower(), payload, lambda: _build(actor, data))


def _build(actor: User, data: ReferralIn) -> Referral:
    if data.lead is not None:
        customer, _created = customers.create_customer(actor, data.lead.model_copy(update={"source": "referral"}))
    else:
        customer = customers.get_customer(actor, data.customer_id or "")  # one or the other (ReferralIn)
    customers.require_marketing_consent(actor, customer, agreed_now=bool(data.marketing_consent), when=data.occurred_at)
    now = utcnow()
    assignee = choose_account_manager(actor.home_branch.id, customer, data.urgency, data.account_manager_id)
    if assignee is None:
        raise Conflict(
            _("No account manager is on duty. Record a follow-up instead, or ask the supervisor."),
            code="no_account_manager_on_duty",
        )
    settings, tz = actor.home_branch.settings, actor.home_branch.timezone
    referral = Referral(
        id=data.id.lower(),
        branch_id=actor.branch_id,
        customer=customer,
        from_user=actor,
        to_user=assignee,
        reason=data.reason,
        signals=data.signals,
        location=data.location,
        best_time=data.best_time,
        urgency=data.urgency,
        status=ReferralStatus.SENT,
        created_at=now,
        occurred_at=data.occurred_at or now,
    )
    if data.urgency == Urgency.NOW:
        referral.answer_by = now + timedelta(minutes=settings.referral_timeout_minutes)
    else:
        referral.due_at = add_business_days(now, settings.follow_up_business_days, tz, settings.holidays)
    if data.card is not None:
        cards.hand_out(actor, customer, data.card, referral)
    if data.signals and customer.tier == Tier.ORDINARY:
        customer.tier = Tier.POTENTIAL  # the lobby manager saw the signals of a potential VIP
    _event(referral, "sent", actor, assignee, now)
    _tell_assignee(referral, "referral.new" if data.urgency == Urgency.NOW else "referral.follow_up", now)
    return referral


# --- the steps --------------------------------------------------------------------------------------


def get_referral(actor: User, referral_id: str) -> Referral:
    return get_scoped_or_404(Referral, referral_id, actor)


def lock_for_step(actor: User, referral_id: str) -> Referral:
    """The referral, locked for this transaction and read afresh: two steps at once (the page's outbox
    and the service worker's, or an accept racing the escalation sweep) run one after the other, and the
    second sees what the first did (a row lock on PostgreSQL, the single writer on SQLite)."""
    referral = get_referral(actor, referral_id)
    lock(referral)
    return referral


def accept(actor: User, referral_id: str, eta_minutes: int | None) -> Referral:
    referral = lock_for_step(actor, referral_id)
    if referral.status == ReferralStatus.ACCEPTED and referral.to_user_id == actor.id:
        return referral  # the outbox (or the notification's Accept) sent it again
    check_step(actor, referral, "accept")
    now = utcnow()
    referral.status, referral.accepted_at, referral.eta_minutes = ReferralStatus.ACCEPTED, now, eta_minutes
    _event(referral, "accepted", actor, None, now, note=None if eta_minutes is None else str(eta_minutes))
    _tell(
        referral.from_user,
        referral,
        "referral.accepted",
        lambda: (
            _("%(name)s accepted", name=actor.display_name),
            _("%(customer)s — there in %(eta)s min", customer=referral.customer.full_name, eta=eta_minutes)
            if eta_minutes is not None
            else referral.customer.full_name,
        ),
        f"referral.accepted:{referral.id}:{actor.id}",
    )
    return referral


def decline(actor: User, referral_id: str, reason: str) -> Referral:
    referral = lock_for_step(actor, referral_id)
    if referral.status == ReferralStatus.DECLINED and referral.decline_reason == reason:
        return referral
    check_step(actor, referral, "decline")
    now = utcnow()
    referral.status, referral.declined_at, referral.decline_reason = ReferralStatus.DECLINED, now, reason
    referral.answer_by = None
    _event(referral, "declined", actor, None, now, note=reason)
    _tell(
        referral.from_user,
        referral,
        "referral.declined",
        lambda: (
            _("%(name)s declined — choose someone else", name=actor.display_name),
            f"{referral.customer.full_name}: {reason}",
        ),
        f"referral.declined:{referral.id}:{actor.id}:{now.isoformat()}",
    )
    return referral


def reassign(actor: User, referral_id: str, account_manager_id: str | None) -> Referral:
    """After a decline (or while waiting), the lobby manager sends it to someone else."""
    referral = lock_for_step(actor, referral_id)
    check_step(actor, referral, "reassign")
    tried = frozenset(e.to_user_id for e in referral.events if e.to_user_id)
    assignee = choose_account_manager(
        referral.branch_id, referral.customer, referral.urgency, account_manager_id, exclude=tried
    )
    if assignee is None:
        raise Conflict(_("No other account manager is available."), code="no_account_manager_on_duty")
    now = utcnow()
    referral.to_user, referral.status, referral.decline_reason = assignee, ReferralStatus.SENT, None
    if referral.urgency == Urgency.NOW:
        referral.answer_by = now + timedelta(minutes=referral.branch.settings.referral_timeout_minutes)
    _event(referral, "reassigned", actor, assignee, now)
    _tell_assignee(referral, "referral.new" if referral.urgency == Urgency.NOW else "referral.follow_up", now)
    return referral


def met(actor: User, referral_id: str) -> Referral:
    referral = lock_for_step(actor, referral_id)
    if referral.status == ReferralStatus.MET:
        return referral
    check_step(actor, referral, "met")
    now = utcnow()
    referral.status, referral.met_at = ReferralStatus.MET, now
    _event(referral, "met", actor, None, now)
    return referral


def record_outcome(actor: User, referral_id: str, data: OutcomeIn) -> Referral:
    referral = lock_for_step(actor, referral_id)
    if referral.status == ReferralStatus.OUTCOME_RECORDED and referral.outcome == data.result:
        return referral
    check_step(actor, referral, "outcome")
    now = utcnow()
    referral.status, referral.closed_at = ReferralStatus.OUTCOME_RECORDED, now
    referral.outcome, referral.product, referral.amount, referral.outcome_note = (
        data.result,
        data.product,
        data.amount,
        data.note,
    )
    if data.result == Outcome.BECAME_VIP:
        referral.customer.tier = Tier.VIP
    _event(referral, "outcome", actor, None, now, note=data.result.value)
    audit.record(
        "referral.outcome",
        actor=actor,
        subject_type="referral",
        subject_id=referral.id,
        branch_id=referral.branch_id,
        result=data.result.value,
    )
    return referral


def cancel(actor: User, referral_id: str, note: str | None) -> Referral:
    referral = lock_for_step(actor, referral_id)
    if referral.status == ReferralStatus.CANCELLED:
        return referral
    check_step(actor, referral, "cancel")
    now = utcnow()
    referral.status, referral.closed_at, referral.answer_by = ReferralStatus.CANCELLED, now, None
    _event(referral, "cancelled", actor, None, now, note=note)
    return referral


def list_referrals(actor: User, box: str) -> list[Referral]:
    """inbox: sent to me; sent: from me; branch (supervisors): everything open. Waiting for an answer first."""
    stmt = select(Referral).options(selectinload(Referral.handouts)).where(Referral.branch_id == actor.branch_id)
    if box == "inbox":
        stmt = stmt.where(Referral.to_user_id == actor.id)
    elif box == "sent":
        stmt = stmt.where(Referral.from_user_id == actor.id)
    elif actor.role != Role.SUPERVISOR:
        raise PermissionDenied()
    else:
        stmt = stmt.where(Referral.status.in_((*OPEN, ReferralStatus.DECLINED)))
    rows = list(db.session.scalars(stmt.order_by(Referral.created_at.desc()).limit(LIST_LIMIT)))
    rank = {
        ReferralStatus.DECLINED: 0,
        ReferralStatus.SENT: 1,
        ReferralStatus.ESCALATED: 1,
        ReferralStatus.ACCEPTED: 2,
        ReferralStatus.MET: 3,
    }
    return sorted(rows, key=lambda r: rank.get(r.status, 9))  # stable: newest first within each group


def referrals_of(customer: Customer, limit: int = 10) -> list[Referral]:
    """The customer card's "referrals so far" (the customer is already scoped to the actor's branch)."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.customer_id == customer.id)
            .order_by(Referral.created_at.desc())
            .limit(limit)
        )
    )


# --- escalation (the worker's sweep) ---------------------------------------------------------------


def escalate_due(now: datetime) -> int:
    """`now` referrals nobody accepted in time go to the next on-duty account manager and the supervisors;
    follow-ups past their due time alert the supervisors once. Safe with several workers (row locks)."""
    late = list(
        db.session.scalars(
            select(Referral)
            .where(Referral.status.in_(AWAITING_ANSWER), Referral.answer_by <= now)
            .order_by(Referral.answer_by)
            .limit(200)
            .with_for_update(skip_locked=True)
        )
    )
    escalated = sum(_escalate(referral, now) for referral in late)
    overdue = list(
        db.session.scalars(
            select(Referral)
            .where(
                Referral.status.in_((*AWAITING_ANSWER, ReferralStatus.ACCEPTED)),
                Referral.urgency == Urgency.FOLLOW_UP,
                Referral.due_at <= now,
                Referral.overdue_alerted_at.is_(None),
            )
            .limit(200)
            .with_for_update(skip_locked=True)
        )
    )
    for referral in overdue:
        _alert_overdue(referral, now)
    return escalated + len(overdue)


def _alert_overdue(referral: Referral, now: datetime) -> None:
    referral.overdue_alerted_at = now
    _event(referral, "overdue", None, None, now)
    for supervisor in supervisors(referral.branch_id):
        _tell(
            supervisor,
            referral,
            "referral.overdue",
            lambda: (
                _("Follow-up overdue: %(customer)s", customer=referral.customer.full_name),
                _("%(name)s has not recorded an outcome.", name=_name(referral.to_user)),
            ),
            f"referral.overdue:{referral.id}:{supervisor.id}",
        )


def _escalate(referral: Referral, now: datetime) -> bool:
    lock(referral)
    if referral.status not in AWAITING_ANSWER or referral.answer_by is None or referral.answer_by > now:
        return False  # accepted or declined while the sweep was on its way
    tried = frozenset(e.to_user_id for e in referral.events if e.to_user_id)
    previous = referral.to_user
    successor = choose_account_manager(referral.branch_id, referral.customer, Urgency.NOW, exclude=tried)
    if successor is not None:
        referral.to_user = successor
    referral.status = ReferralStatus.ESCALATED
    referral.escalations += 1
    referral.answer_by = now + timedelta(minutes=referral.branch.settings.referral_timeout_minutes)
    _event(referral, "escalated", None, successor, now, note=_name(previous))
    step = referral.escalations
    if successor is not None:
        _tell(
            successor,
            referral,
            "referral.escalated",
            lambda: (_("Referral passed to you: %(customer)s", customer=referral.customer.full_name), _line(referral)),
            f"referral.escalated:{referral.id}:{step}:{successor.id}",
        )
    for supervisor in supervisors(referral.branch_id):
        _tell(
            supervisor,
            referral,
            "referral.escalated",
            lambda: (
                _("Nobody accepted: %(customer)s", customer=referral.customer.full_name),
                _("%(name)s did not answer in time.", name=_name(previous)),
            ),
            f"referral.escalated:{referral.id}:{step}:{supervisor.id}",
        )
    return True


# --- helpers ----------------------------------------------------------------------------------------


def _event(
    referral: Referral, kind: str, actor: User | None, to_user: User | None, at: datetime, note: str | None = None
) -> None:
    referral.events.append(ReferralEvent(type=kind, actor=actor, to_user=to_user, note=note, occurred_at=at))
    touch_floor(referral.branch_id)  # the customer's row on the board shows the referral's state


def _name(user: User | None) -> str:
    return user.display_name if user else _("nobody")


def _line(referral: Referral) -> str:
    parts = [referral.reason]
    if referral.location:
        parts.append(referral.location)
    parts.append(_("from %(name)s", name=referral.from_user.display_name if referral.from_user else ""))
    return " · ".join(parts)


def _tell_assignee(referral: Referral, kind: str, now: datetime) -> None:
    customer, assignee = referral.customer, referral.to_user
    if assignee is None:  # nobody to tell (the referral waits for the lobby manager to send it elsewhere)
        return
    _tell(
        assignee,
        referral,
        kind,
        lambda: (
            (
                _("Customer for you now: %(customer)s", customer=customer.full_name)
                if referral.urgency == Urgency.NOW
                else _("Follow-up: %(customer)s", customer=customer.full_name)
            ),
            _line(referral),
        ),
        f"{kind}:{referral.id}:{assignee.id}:{now.isoformat()}",
    )


def _tell(recipient: User, referral: Referral, kind: str, text: Wording, dedupe_key: str) -> None:
    """Queue a notification, worded in the recipient's own language."""
    db.session.flush()  # the referral's relationships (from_user) are loaded for the wording

    def actions() -> list[dict]:
        # The assignee can accept from the notification itself (the service worker sends it through the outbox).
        if recipient is referral.to_user and kind in ACCEPTABLE_KINDS:
            return [{"action": "accept", "title": _("Accept")}, {"action": "open", "title": _("Open")}]
        return []

    def discreet() -> tuple[str, str]:
        # What the branch's group chat reads: who is meant and that it is a referral; no name, no reason.
        return _("Referral: %(customer)s", customer=discreet_name(referral.customer)), ""

    notify_many(
        [
            worded(
                recipient,
                kind,
                text,
                url=f"/#referrals/{referral.id}",
                ref=("referral", referral.id),
                dedupe_key=dedupe_key,
                actions=actions,
                group=discreet,
            )
        ]
    )
