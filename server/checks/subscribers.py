"""What the checks add to the floor below them: the machines that are down (triage) and the open faults
(the strip above the waiting list)."""

from __future__ import annotations

from server.checks.faults import businesses_down, open_faults
from server.checks.schemas import fault_brief
from server.floor import events as floor_events


def subscribe() -> None:
    floor_events.self_service_down.connect(_down)
    floor_events.board_extras.connect(_fault_strip)


def _down(branch_id: str) -> set[str]:
    return businesses_down(branch_id)


def _fault_strip(branch_id: str) -> dict:
    return {"faults": [fault_brief(fault) for fault in open_faults(branch_id)]}
