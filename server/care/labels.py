"""Names of the care codes in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.care.models import CareAction, CareKind, CareStatus, SkipReason

KIND_NAMES = {
    CareKind.WAIT_CARE: _l("Waiting-time care"),
    CareKind.VIP_LOUNGE: _l("VIP lounge"),
    CareKind.GREEN_CHANNEL: _l("Green channel: accompany"),
    CareKind.VIP_SEE_OFF: _l("See off VIP"),
    CareKind.CASH_ESCORT: _l("Cash escort"),
    CareKind.REROUTE: _l("Machine out of order: to the counter"),
}
STATUS_NAMES = {
    CareStatus.SCHEDULED: _l("not due yet"),
    CareStatus.OPEN: _l("open"),
    CareStatus.DONE: _l("done"),
    CareStatus.SKIPPED: _l("skipped"),
}
ACTION_NAMES = {
    CareAction.WATER: _l("Water"),
    CareAction.NEWSPAPER: _l("Newspaper"),
    CareAction.BROCHURE: _l("Brochure"),
    CareAction.FORMS_CHECKED: _l("Forms and documents checked"),
    CareAction.TOLD_AHEAD: _l("Told how many are ahead"),
    CareAction.MOVED_CHANNEL: _l("Moved to another channel"),
    CareAction.PRODUCT_INTRODUCED: _l("Product introduced"),
    CareAction.ACCOMPANIED: _l("Accompanied"),
    CareAction.LOUNGE_TEA: _l("VIP lounge, tea served"),
    CareAction.NEEDS_CHECKED: _l("Asked whether they need anything else"),
    CareAction.SEEN_TO_DOOR: _l("Seen to the door"),
    CareAction.ESCORTED_OUT: _l("Escorted out"),
    CareAction.ESCORTED_TO_CAR: _l("Escorted to the car"),
}
SKIP_NAMES = {
    SkipReason.DECLINED: _l("The customer did not want it"),
    SkipReason.COLLEAGUE: _l("A colleague took care of it"),
    SkipReason.CUSTOMER_GONE: _l("The customer had already gone"),
    SkipReason.NOT_NEEDED: _l("Not needed"),
    SkipReason.VISIT_MOVED_ON: _l("The customer was called or left before anyone came"),
}

# What the app's JS catalog takes from here (server/shell/messages.py): "care_kind.wait_care", …
JS_LABELS: dict[str, dict] = {"care_kind": KIND_NAMES, "care_action": ACTION_NAMES, "care_skip": SKIP_NAMES}
