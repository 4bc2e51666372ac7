"""Who may do what with a care task: the one home of these rules. The API checks the roles with them and
sends each task's `allowed_actions`, from which the app draws its buttons."""

from __future__ import annotations

from server.auth.models import User
from server.care.models import CareStatus, CareTask
from server.common.roles import Role

FLOOR_STAFF = (Role.LOBBY_MANAGER, Role.SUPERVISOR)  # see tasks, give care or say why not
TAKERS = (Role.LOBBY_MANAGER,)  # "I'll take it": the one who walks to the customer


def task_actions(user: User, task: CareTask) -> list[str]:
    """What `user` may do with `task` now: take it (nobody has yet), record care given, or skip it."""
    if task.status != CareStatus.OPEN or user.role not in FLOOR_STAFF:
        return []
    take = ["take"] if user.role in TAKERS and task.assignee_id is None else []
    return [*take, "done", "skip"]
