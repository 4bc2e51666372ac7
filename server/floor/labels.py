"""Names of the floor's codes in the user's language (the API sends codes; people read these)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.floor.codes import BusinessType, Channel, EventType, Flag, VisitStatus

CHANNEL_NAMES = {
    Channel.SELF_SERVICE: _l("Self-service"),
    Channel.COUNTER: _l("Counter"),
    Channel.VIP_AREA: _l("VIP area"),
    Channel.GREEN_CHANNEL: _l("Green channel"),
}
BUSINESS_NAMES = {
    BusinessType.BALANCE_ENQUIRY: _l("Balance enquiry"),
    BusinessType.WITHDRAWAL: _l("Withdrawal"),
    BusinessType.DEPOSIT: _l("Deposit"),
    BusinessType.TRANSFER: _l("Transfer / remittance"),
    BusinessType.ACCOUNT_OPENING: _l("Account opening"),
    BusinessType.ACCOUNT_CLOSING: _l("Account closing"),
    BusinessType.CARD_SERVICES: _l("Card services"),
    BusinessType.WEALTH_MANAGEMENT: _l("Wealth management"),
    BusinessType.FX: _l("Foreign exchange"),
    BusinessType.LOAN_ENQUIRY: _l("Loan enquiry"),
    BusinessType.CORPORATE: _l("Corporate business"),
    BusinessType.OTHER: _l("Other"),
}
FLAG_NAMES = {
    Flag.ELDERLY: _l("Elderly"),
    Flag.DISABLED: _l("Disabled"),
    Flag.URGENT: _l("Urgent"),
    Flag.PREGNANT: _l("Pregnant"),
    Flag.WITH_CHILD: _l("With child"),
}
STATUS_NAMES = {
    VisitStatus.WAITING: _l("waiting"),
    VisitStatus.CALLED: _l("called"),
    VisitStatus.SERVING: _l("being served"),
    VisitStatus.DONE: _l("served"),
    VisitStatus.LEFT: _l("left without service"),
    VisitStatus.CANCELLED: _l("withdrawn (logged in error)"),
}
EVENT_NAMES = {
    EventType.CALLED: _l("called"),
    EventType.SERVING: _l("being served"),
    EventType.SERVED: _l("served"),
    EventType.LEFT: _l("left"),
    EventType.CARE: _l("cared for"),
    EventType.ESCORTED: _l("escorted"),
    EventType.REROUTED: _l("moved to another channel"),
    EventType.LOGGED_IN_ERROR: _l("withdrawn as logged in error"),
}

# What the app's JS catalog takes from here (server/shell/messages.py): "business.deposit", "status.waiting", …
JS_LABELS: dict[str, dict] = {
    "business": BUSINESS_NAMES,
    "channel": CHANNEL_NAMES,
    "flag": FLAG_NAMES,
    "status": STATUS_NAMES,
}
