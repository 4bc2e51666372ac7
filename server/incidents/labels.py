"""Names of the incident codes, and what to do for each kind (domain.md's safety section), in the user's
language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.incidents.models import IncidentKind, IncidentStep

KIND_NAMES = {
    IncidentKind.ILLNESS: _l("Sudden illness"),
    IncidentKind.LOITERING: _l("Person loitering without business"),
    IncidentKind.DISORDER: _l("Disorder"),
    IncidentKind.EQUIPMENT: _l("Equipment failure upsetting customers"),
    IncidentKind.OTHER: _l("Other"),
}
STEP_NAMES = {
    IncidentStep.FIRST_AIDER: _l("Called the branch first-aider"),
    IncidentStep.CALLED_120: _l("Called 120"),
    IncidentStep.CALLED_110: _l("Called 110"),
    IncidentStep.INFORMED_FAMILY: _l("Informed the family"),
    IncidentStep.MOVED_CHANNEL: _l("Moved the customer to another channel"),
    IncidentStep.ASKED_TO_LEAVE: _l("Asked them to leave"),
    IncidentStep.APOLOGISED: _l("Apologised to the customers"),
    IncidentStep.SECURITY: _l("Called the security guard"),
    IncidentStep.NOTE: _l("Note"),
    IncidentStep.CLOSE: _l("Closed"),
}
# What to do, in order, and the steps the phone offers as one-tap records for each kind.
CHECKLISTS = {
    IncidentKind.ILLNESS: (
        _l("Stay with the customer; do not move them if they may be hurt."),
        _l("Call the branch first-aider."),
        _l("Call 120 when in doubt."),
        _l("Inform the family."),
        _l("Keep the area clear and report to the supervisor."),
    ),
    IncidentKind.LOITERING: (
        _l("Approach and ask whether they need help with any business."),
        _l("If they have none, ask them politely to leave."),
        _l("If they refuse or behave oddly, call the security guard and tell the supervisor."),
        _l("Call 110 if anyone is threatened."),
    ),
    IncidentKind.DISORDER: (
        _l("Stay calm; take the customer out of the public area to a quiet room."),
        _l("Call the security guard and tell the supervisor at once."),
        _l("Call 110 if there is violence or a threat."),
        _l("Reassure the other customers."),
    ),
    IncidentKind.EQUIPMENT: (
        _l("Apologise to the customers affected."),
        _l("Offer another channel: another machine or the counter."),
        _l("Report the fault to maintenance and put up a notice."),
    ),
    IncidentKind.OTHER: (
        _l("Report to the supervisor at once."),
        _l("Write down what happened and who was there."),
    ),
}
STEPS_OFFERED = {
    IncidentKind.ILLNESS: (IncidentStep.FIRST_AIDER, IncidentStep.CALLED_120, IncidentStep.INFORMED_FAMILY),
    IncidentKind.LOITERING: (IncidentStep.ASKED_TO_LEAVE, IncidentStep.SECURITY, IncidentStep.CALLED_110),
    IncidentKind.DISORDER: (IncidentStep.SECURITY, IncidentStep.CALLED_110, IncidentStep.MOVED_CHANNEL),
    IncidentKind.EQUIPMENT: (IncidentStep.APOLOGISED, IncidentStep.MOVED_CHANNEL),
    IncidentKind.OTHER: (IncidentStep.SECURITY, IncidentStep.CALLED_110),
}


def incident_catalog() -> dict:
    """For the phone (offline too): each kind's name, checklist and one-tap steps."""
    return {
        kind.value: {
            "name": str(KIND_NAMES[kind]),
            "checklist": [str(line) for line in CHECKLISTS[kind]],
            "steps": [step.value for step in STEPS_OFFERED[kind]],
        }
        for kind in IncidentKind
    }


JS_LABELS: dict[str, dict] = {"incident_kind": KIND_NAMES, "incident_step": STEP_NAMES}
