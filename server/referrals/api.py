"""JSON endpoints of referrals: create, list, read with timeline and reach, and each step."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from server.common.clock import utcnow
from server.common.errors import ValidationFailed
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import BRANCH_STAFF, Role
from server.notifications.service import reach
from server.referrals import calls, service
from server.referrals.models import Urgency
from server.referrals.schemas import (
    AcceptIn,
    CallIn,
    DeclineIn,
    NoteIn,
    OutcomeIn,
    ReassignIn,
    ReferralIn,
    referral_out,
)

bp = Blueprint("referrals_api", __name__, url_prefix="/api/v1/referrals")
BOXES = ("inbox", "sent", "branch")


@bp.post("")
@documented(body=ReferralIn, answers=(200, 201))
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def create():
    referral, created = service.create_referral(current_user, parse_json(ReferralIn))
    return jsonify(referral=referral_out(referral, current_user)), 201 if created else 200


@bp.get("")
@documented(query={"box": "inbox, sent or open"})
@require_roles(*BRANCH_STAFF)
def index():
    """`?box=inbox` (to me; the account manager's default), `sent` (from me), `branch` (supervisors: all open)."""
    default = "inbox" if current_user.role == Role.ACCOUNT_MANAGER else "sent"
    box = request.args.get("box", default)
    if box not in BOXES:
        raise ValidationFailed(fields={"box": _("One of: %(boxes)s.", boxes=", ".join(BOXES))})
    return jsonify(
        referrals=[referral_out(r, current_user) for r in service.list_referrals(current_user, box)], box=box
    )


@bp.get("/account-managers")
@documented(query={"urgency": "now or follow_up"})
@require_roles(*BRANCH_STAFF)
def account_managers():
    """Who can take a referral now: on duty, with their open referrals (for the lobby manager's choice)."""
    urgency = request.args.get("urgency", Urgency.NOW.value)
    if urgency not in set(Urgency):
        raise ValidationFailed(fields={"urgency": _("One of: %(boxes)s.", boxes=", ".join(Urgency))})
    counts = service.open_counts(current_user.branch_id)
    managers = service.account_managers(current_user.branch_id, on_duty_only=urgency == Urgency.NOW)
    return jsonify(
        account_managers=[
            {
                "id": m.id,
                "display_name": m.display_name,
                "on_duty": bool(m.on_duty),
                "open_referrals": counts.get(m.id, 0),
            }
            for m in managers
        ]
    )


@bp.get("/calls")
@require_roles(Role.ACCOUNT_MANAGER)
def call_list():
    """The account manager's calls of the day: call-backs overdue and due today, and meetings whose outcome
    is not recorded yet."""
    lists = calls.call_list(current_user, utcnow())
    return jsonify({name: [referral_out(r, current_user) for r in rows] for name, rows in lists.items()})


@bp.post("/<referral_id>/calls")
@documented(body=CallIn)
@outbox_write
@require_roles(Role.ACCOUNT_MANAGER)
@transactional
def log_call(referral_id: str):
    """How a call-back went: `reached_booked`, `reached_not_interested`, or `not_reached` (due again the next
    business day); idempotent on the call's id."""
    data = parse_json(CallIn)
    referral = calls.log_call(
        current_user, referral_id, call_id=data.id, result=data.result, note=data.note, now=utcnow()
    )
    return _answer(referral)


@bp.get("/<referral_id>")
@require_roles(*BRANCH_STAFF)
def show(referral_id: str):
    referral = service.get_referral(current_user, referral_id)
    return jsonify(referral=referral_out(referral, current_user, timeline=True, reach=reach("referral", referral.id)))


@bp.post("/<referral_id>/accept")
@documented(body=AcceptIn)
@outbox_write
@require_roles(Role.ACCOUNT_MANAGER)
@transactional
def accept(referral_id: str):
    return _answer(service.accept(current_user, referral_id, parse_json(AcceptIn).eta_minutes))


@bp.post("/<referral_id>/decline")
@documented(body=DeclineIn)
@outbox_write
@require_roles(Role.ACCOUNT_MANAGER)
@transactional
def decline(referral_id: str):
    return _answer(service.decline(current_user, referral_id, parse_json(DeclineIn).reason))


@bp.post("/<referral_id>/met")
@outbox_write
@require_roles(Role.ACCOUNT_MANAGER)
@transactional
def met(referral_id: str):
    return _answer(service.met(current_user, referral_id))


@bp.post("/<referral_id>/outcome")
@documented(body=OutcomeIn)
@outbox_write
@require_roles(Role.ACCOUNT_MANAGER)
@transactional
def outcome(referral_id: str):
    return _answer(service.record_outcome(current_user, referral_id, parse_json(OutcomeIn)))


@bp.post("/<referral_id>/reassign")
@documented(body=ReassignIn)
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def reassign(referral_id: str):
    return _answer(service.reassign(current_user, referral_id, parse_json(ReassignIn).account_manager_id))


@bp.post("/<referral_id>/cancel")
@documented(body=NoteIn)
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def cancel(referral_id: str):
    return _answer(service.cancel(current_user, referral_id, parse_json(NoteIn).note))


def _answer(referral):
    return jsonify(referral=referral_out(referral, current_user, timeline=True))
