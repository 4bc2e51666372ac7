"""Fixtures of the API tests: a branch's floor staff, each signed in on a phone subscribed to push."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.helpers import make_team


@dataclass
class Floor:
    lobby: object
    manager: object
    manager2: object
    supervisor: object
    staff: dict
    customer_id: str


@pytest.fixture
def floor(app, api_factory, make_user, push):
    """A branch with a lobby manager, two account managers on duty and a supervisor, each with one phone."""
    clients, staff = make_team(
        api_factory,
        make_user,
        push,
        [
            ("lobby", "lobby_manager", False, None),
            ("manager", "account_manager", True, None),
            ("manager2", "account_manager", True, None),
            ("supervisor", "supervisor", False, None),
        ],
    )
    customer = clients["lobby"].post(
        "/api/v1/customers",
        {
            "family_name": "李",
            "given_name": "小山",
            "salutation": "mr",
            "consent": {"contact": True, "marketing": True},
        },
    )
    return Floor(
        clients["lobby"],
        clients["manager"],
        clients["manager2"],
        clients["supervisor"],
        staff,
        customer.get_json()["customer"]["id"],
    )


@pytest.fixture
def lobby(api, make_user):
    """The JSON client, signed in as a lobby manager."""
    api.login(make_user("lobby_manager"))
    return api
