"""Names of the referral codes in the user's language (the API speaks codes; screens and pushes speak words)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.referrals.models import Outcome, ReferralStatus

SIGNAL_NAMES = {
    "large_amount": _l("Large amount"),
    "wealth_management": _l("Wealth management"),
    "funds": _l("Funds"),
    "fx": _l("Foreign exchange"),
    "insurance": _l("Insurance"),
    "loans": _l("Loans"),
    "asked_rates": _l("Asked about rates"),
    "large_transfer_in": _l("Large transfer in"),
    "other": _l("Other"),
}

STATUS_NAMES = {
    ReferralStatus.SENT: _l("sent"),
    ReferralStatus.ESCALATED: _l("escalated"),
    ReferralStatus.ACCEPTED: _l("accepted"),
    ReferralStatus.DECLINED: _l("declined"),
    ReferralStatus.MET: _l("met"),
    ReferralStatus.OUTCOME_RECORDED: _l("closed with an outcome"),
    ReferralStatus.CANCELLED: _l("cancelled"),
}

OUTCOME_NAMES = {
    Outcome.BECAME_VIP: _l("Became a VIP"),
    Outcome.PRODUCT_SOLD: _l("Product sold"),
    Outcome.FOLLOW_UP_BOOKED: _l("Follow-up booked"),
    Outcome.NOT_INTERESTED: _l("Not interested"),
    Outcome.UNREACHABLE: _l("Unreachable"),
}

# What the app's JS catalog takes from here (server/shell/messages.py); referral statuses share the "status"
# prefix with visits' (their codes differ).
JS_LABELS: dict[str, dict] = {"signal": SIGNAL_NAMES, "status": STATUS_NAMES, "outcome": OUTCOME_NAMES}
