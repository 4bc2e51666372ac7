"""Staff roles (codes of the API contract)."""

from enum import StrEnum


class Role(StrEnum):
    LOBBY_MANAGER = "lobby_manager"
    ACCOUNT_MANAGER = "account_manager"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


# Everyone who works in a branch; the administrator has none, so branch features are not theirs.
BRANCH_STAFF = (Role.LOBBY_MANAGER, Role.ACCOUNT_MANAGER, Role.SUPERVISOR)
