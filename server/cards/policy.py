"""Who may do what with the branch's card stock: the one home of these rules (API and screens use them)."""

from __future__ import annotations

from server.auth.models import User
from server.common.roles import Role

STOCK_READERS = (Role.LOBBY_MANAGER, Role.ACCOUNT_MANAGER, Role.SUPERVISOR)
RECEIVERS = (Role.LOBBY_MANAGER, Role.SUPERVISOR)  # who takes a new batch of printed cards into stock


def can_receive_cards(user: User) -> bool:
    return user.role in RECEIVERS
