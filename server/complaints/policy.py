"""Who may take which step of a complaint: one home for the rule, sent with each complaint as
`allowed_actions` so the phone draws its buttons from the server's answer."""

from __future__ import annotations

from flask_babel import gettext as _

from server.common.errors import PermissionDenied
from server.common.roles import Role
from server.complaints.codes import ActionType, Status

HANDLING = (
    ActionType.CONTACT,
    ActionType.HAND_ON,
    ActionType.ESCALATE,
    ActionType.REPLY,
    ActionType.RESOLVE,
    ActionType.WITHDRAW,
    ActionType.MERGE,
    ActionType.NEW_FACTS,
)


def is_about(user, complaint) -> bool:
    """The person complained about does not handle the complaint (domain.md)."""
    return complaint.about_staff_id is not None and complaint.about_staff_id == user.id


def complaint_steps(user, complaint) -> list[str]:
    """The steps `user` may take on `complaint` now."""
    if complaint.status not in (Status.OPEN, Status.RESOLVED) or is_about(user, complaint):
        return []
    steps = [ActionType.NOTE]
    handles = user.id == complaint.owner_id or user.role == Role.SUPERVISOR
    if not handles:
        return [s.value for s in steps]
    steps += HANDLING
    if complaint.status == Status.RESOLVED:
        steps = [ActionType.NOTE, ActionType.CONTACT, ActionType.NEW_FACTS, ActionType.HAND_ON, ActionType.CLOSE]
    else:
        steps.append(ActionType.CLOSE)
        # The second extension needs a higher level's approval: recorded by a supervisor.
        if complaint.extensions == 0 or (complaint.extensions == 1 and user.role == Role.SUPERVISOR):
            steps.append(ActionType.EXTEND)
        steps.append(ActionType.RESUME if complaint.paused_at else ActionType.PAUSE)
    return [s.value for s in steps]


def check_step(user, complaint, step: ActionType) -> None:
    if step.value in complaint_steps(user, complaint):
        return
    if is_about(user, complaint):
        raise PermissionDenied(_("The person complained about does not handle the complaint."), code="complained_about")
    raise PermissionDenied(_("This step is not open to you on this complaint now."), code="step_not_allowed")
