"""Triage (分流): where an arriving customer should go, and why, in the viewer's language.

`triage()` is a pure function of the arrival and the branch's settings; `explain()` renders its reason.
Rules in order (domain.md step 2): green-channel flags, VIP, wealth business, potential VIP,
counter-only business, then self-service by amount (a limit is the first amount that is not self-service).
Last, a customer the rules send to self-service goes to the counter while no machine of the branch can do
the business (`down`: the businesses whose every self-service machine has an open out-of-service fault).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from server.branches.settings import BranchSettings
from server.common.i18n import resolved
from server.customers.models import Tier
from server.floor.codes import BusinessType, Channel, Flag
from server.floor.labels import BUSINESS_NAMES, CHANNEL_NAMES, FLAG_NAMES

SELF_SERVICE_LIMITS = {
    BusinessType.WITHDRAWAL: "self_service_withdrawal_limit",
    BusinessType.DEPOSIT: "self_service_deposit_limit",
    BusinessType.TRANSFER: "self_service_transfer_limit",
}


@dataclass(frozen=True)
class Triage:
    channel: Channel
    rule: str
    params: dict = field(default_factory=dict)


def triage(
    business: BusinessType,
    amount: Decimal | None,
    tier: Tier,
    flags: list[Flag] | tuple,
    settings: BranchSettings,
    down: frozenset[str] | set[str] = frozenset(),
) -> Triage:
    suggestion = _by_the_rules(business, amount, tier, flags, settings)
    if suggestion.channel == Channel.SELF_SERVICE and business.value in down:
        return Triage(Channel.COUNTER, "self_service_down", {"business": business.value})
    return suggestion


def _by_the_rules(
    business: BusinessType, amount: Decimal | None, tier: Tier, flags: list[Flag] | tuple, settings: BranchSettings
) -> Triage:
    green = [f for f in flags if f in settings.green_channel_flags]
    if green:
        return Triage(Channel.GREEN_CHANNEL, "green_flags", {"flags": sorted(green)})
    if tier == Tier.VIP:
        return Triage(Channel.VIP_AREA, "vip")
    if business == BusinessType.WEALTH_MANAGEMENT:
        return Triage(Channel.VIP_AREA, "wealth")
    if tier == Tier.POTENTIAL:
        return Triage(Channel.COUNTER, "potential")
    if business == BusinessType.BALANCE_ENQUIRY:
        return Triage(Channel.SELF_SERVICE, "simple", {"business": business.value})
    if business in SELF_SERVICE_LIMITS:
        limit = getattr(settings, SELF_SERVICE_LIMITS[business])
        if amount is None:
            return Triage(Channel.SELF_SERVICE, "amount_unknown", {"business": business.value, "limit": limit})
        params = {"business": business.value, "amount": str(amount), "limit": limit}
        if amount < limit:
            return Triage(Channel.SELF_SERVICE, "under_limit", params)
        return Triage(Channel.COUNTER, "over_limit", params)
    return Triage(Channel.COUNTER, "counter_business", {"business": business.value})


def money(value) -> str:
    """8,000 / 19,999.99: grouping by thousands is the same in Chinese and English."""
    text = f"{Decimal(str(value)):,.2f}"
    return text.removesuffix(".00")


# Reason templates, shared with the handheld (static/js/triage.js) through the shell's message catalog.
REASONS = {
    "green_flags": _l("%(flags)s: priority, accompany the customer"),
    "vip": _l("VIP customer"),
    "wealth": _l("Wealth management business"),
    "potential": _l("Potential VIP: serve at the counter and consider a referral"),
    "simple": _l("%(business)s is simple card business"),
    "amount_unknown": _l("%(business)s, amount not given: self-service if under CNY %(limit)s"),
    "under_limit": _l("%(business)s CNY %(amount)s, under the self-service limit of CNY %(limit)s"),
    "over_limit": _l("%(business)s CNY %(amount)s, at or over the self-service limit of CNY %(limit)s"),
    "counter_business": _l("%(business)s needs the counter"),
    "self_service_down": _l("Self-service machines out of order (%(business)s)"),
    "override": _l("Changed by the lobby manager: %(reason)s"),
}
LIST_SEPARATOR = _l(", ")
_SEPARATOR = {"list": LIST_SEPARATOR}


def explain(rule: str, params: dict, channel: Channel) -> str:
    """The reason of a triage in the current request's language, ending with where the customer goes."""
    flag_names = resolved(FLAG_NAMES)
    values = {
        "business": resolved(BUSINESS_NAMES).get(params.get("business"), ""),
        "flags": resolved(_SEPARATOR)["list"].join(flag_names[Flag(f)] for f in params.get("flags", ())),
        "amount": money(params["amount"]) if "amount" in params else "",
        "limit": money(params["limit"]) if "limit" in params else "",
        "reason": params.get("reason", ""),
    }
    return f"{resolved(REASONS)[rule] % values} → {resolved(CHANNEL_NAMES)[channel]}"
