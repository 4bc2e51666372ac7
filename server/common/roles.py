"""Staff roles (codes of the API contract)."""

from enum import StrEnum


class Role(StrEnum):
    LOBBY_MANAGER = "lobby_manager"
    ACCOUNT_MANAGER = "account_manager"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
