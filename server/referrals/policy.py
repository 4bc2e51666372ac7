"""Who may take which step of a referral, and when: the one home of these rules.

The service enforces them; every referral the API answers with carries `allowed_actions`, the steps its
reader may take now, from which the app draws its buttons (it keeps no copy of the rules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _

from server.auth.models import User
from server.common.errors import Conflict, PermissionDenied
from server.common.roles import Role
from server.referrals.labels import STATUS_NAMES
from server.referrals.models import AWAITING_ANSWER, OPEN, Referral, ReferralStatus, Urgency

S = ReferralStatus


def _assignee(user: User, referral: Referral) -> bool:
    return referral.to_user_id == user.id


def _sender(user: User, referral: Referral) -> bool:
    """Who referred the customer, or a supervisor of the branch (the referral is already scoped to it)."""
    return referral.from_user_id == user.id or user.role == Role.SUPERVISOR


def _outcome_from(referral: Referral) -> tuple[ReferralStatus, ...]:
    # A call-back (follow-up) needs no "accept" first.
    return (*(AWAITING_ANSWER if referral.urgency == Urgency.FOLLOW_UP else ()), S.ACCEPTED, S.MET)


@dataclass(frozen=True)
class Step:
    party: Callable[[User, Referral], bool]
    statuses: Callable[[Referral], tuple[ReferralStatus, ...]]
    refusal: Callable[[], PermissionDenied]


def _not_assignee() -> PermissionDenied:
    return PermissionDenied(_("This referral is not assigned to you."), code="not_assignee")


STEPS: dict[str, Step] = {
    "accept": Step(_assignee, lambda r: AWAITING_ANSWER, _not_assignee),
    "decline": Step(_assignee, lambda r: (*AWAITING_ANSWER, S.ACCEPTED), _not_assignee),
    "met": Step(_assignee, lambda r: (S.ACCEPTED,), _not_assignee),
    "outcome": Step(_assignee, _outcome_from, _not_assignee),
    "reassign": Step(
        _sender,
        lambda r: (*AWAITING_ANSWER, S.DECLINED),
        lambda: PermissionDenied(_("Only who referred the customer, or a supervisor, may send it to someone else.")),
    ),
    "cancel": Step(
        _sender,
        lambda r: (*OPEN, S.DECLINED),
        lambda: PermissionDenied(_("Only who referred the customer, or a supervisor, may cancel.")),
    ),
}


def referral_steps(user: User, referral: Referral) -> list[str]:
    """The steps `user` may take on `referral` now (the app's buttons)."""
    return [
        name
        for name, step in STEPS.items()
        if step.party(user, referral) and referral.status in step.statuses(referral)
    ]


def check_step(user: User, referral: Referral, name: str) -> None:
    """Refuse a step that is not the user's (403) or not possible in the referral's status (409)."""
    step = STEPS[name]
    if not step.party(user, referral):
        raise step.refusal()
    if referral.status not in step.statuses(referral):
        raise Conflict(
            _("This referral is already %(status)s.", status=STATUS_NAMES[referral.status]), code="invalid_transition"
        )
