"""Triage: every rule of domain.md step 2 and every boundary of the self-service limits, as a table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.branches.settings import BranchSettings
from server.customers.models import Tier
from server.floor.codes import BusinessType as B
from server.floor.codes import Channel as C
from server.floor.codes import Flag as F
from server.floor.triage import explain, triage

DEFAULT = BranchSettings()
O, P, V = Tier.ORDINARY, Tier.POTENTIAL, Tier.VIP

CASES = [
    # business, amount, tier, flags, channel, rule
    (B.BALANCE_ENQUIRY, None, O, [], C.SELF_SERVICE, "simple"),
    (B.WITHDRAWAL, "8000", O, [], C.SELF_SERVICE, "under_limit"),
    (B.WITHDRAWAL, "19999", O, [], C.SELF_SERVICE, "under_limit"),
    (B.WITHDRAWAL, "19999.99", O, [], C.SELF_SERVICE, "under_limit"),
    (B.WITHDRAWAL, "20000", O, [], C.COUNTER, "over_limit"),
    (B.WITHDRAWAL, "20001", O, [], C.COUNTER, "over_limit"),
    (B.WITHDRAWAL, None, O, [], C.SELF_SERVICE, "amount_unknown"),
    (B.DEPOSIT, "99999", O, [], C.SELF_SERVICE, "under_limit"),
    (B.DEPOSIT, "100000", O, [], C.COUNTER, "over_limit"),
    (B.DEPOSIT, "100001", O, [], C.COUNTER, "over_limit"),
    (B.TRANSFER, "49999", O, [], C.SELF_SERVICE, "under_limit"),
    (B.TRANSFER, "50000", O, [], C.COUNTER, "over_limit"),
    (B.TRANSFER, "50001", O, [], C.COUNTER, "over_limit"),
    (B.ACCOUNT_OPENING, None, O, [], C.COUNTER, "counter_business"),
    (B.ACCOUNT_CLOSING, None, O, [], C.COUNTER, "counter_business"),
    (B.CARD_SERVICES, None, O, [], C.COUNTER, "counter_business"),
    (B.FX, "3000", O, [], C.COUNTER, "counter_business"),
    (B.LOAN_ENQUIRY, None, O, [], C.COUNTER, "counter_business"),
    (B.CORPORATE, None, O, [], C.COUNTER, "counter_business"),
    (B.OTHER, None, O, [], C.COUNTER, "counter_business"),
    (B.WEALTH_MANAGEMENT, None, O, [], C.VIP_AREA, "wealth"),
    (B.WITHDRAWAL, "100", V, [], C.VIP_AREA, "vip"),
    (B.BALANCE_ENQUIRY, None, V, [], C.VIP_AREA, "vip"),
    (B.WITHDRAWAL, "100", P, [], C.COUNTER, "potential"),
    (B.WEALTH_MANAGEMENT, None, P, [], C.VIP_AREA, "wealth"),
    (B.WITHDRAWAL, "100", O, [F.ELDERLY], C.GREEN_CHANNEL, "green_flags"),
    (B.DEPOSIT, "500000", V, [F.DISABLED], C.GREEN_CHANNEL, "green_flags"),
    (B.OTHER, None, O, [F.URGENT], C.GREEN_CHANNEL, "green_flags"),
    # Not green by default (domain.md names elderly, disabled, urgent); the branch may add them.
    (B.WITHDRAWAL, "100", O, [F.PREGNANT], C.SELF_SERVICE, "under_limit"),
    (B.WITHDRAWAL, "100", O, [F.WITH_CHILD], C.SELF_SERVICE, "under_limit"),
]


# While no self-service machine can do a business (`down`), those the rules send to self-service go to the
# counter; the other rules are untouched.
ATMS_DOWN = frozenset({"withdrawal", "deposit"})
DOWN_CASES = [
    # business, amount, tier, flags, down, channel, rule
    (B.WITHDRAWAL, "8000", O, [], ATMS_DOWN, C.COUNTER, "self_service_down"),
    (B.WITHDRAWAL, None, O, [], ATMS_DOWN, C.COUNTER, "self_service_down"),
    (B.DEPOSIT, "500", O, [], ATMS_DOWN, C.COUNTER, "self_service_down"),
    (B.WITHDRAWAL, "8000", O, [], frozenset(), C.SELF_SERVICE, "under_limit"),
    (B.WITHDRAWAL, "30000", O, [], ATMS_DOWN, C.COUNTER, "over_limit"),
    (B.BALANCE_ENQUIRY, None, O, [], ATMS_DOWN, C.SELF_SERVICE, "simple"),
    (B.BALANCE_ENQUIRY, None, O, [], frozenset({"balance_enquiry"}), C.COUNTER, "self_service_down"),
    (B.TRANSFER, "100", O, [], ATMS_DOWN, C.SELF_SERVICE, "under_limit"),
    (B.WITHDRAWAL, "100", V, [], ATMS_DOWN, C.VIP_AREA, "vip"),
    (B.WITHDRAWAL, "100", O, [F.ELDERLY], ATMS_DOWN, C.GREEN_CHANNEL, "green_flags"),
]


@pytest.mark.parametrize("business, amount, tier, flags, down, channel, rule", DOWN_CASES)
def test_triage_when_machines_are_down(business, amount, tier, flags, down, channel, rule):
    result = triage(business, Decimal(amount) if amount else None, tier, flags, DEFAULT, down)
    assert (result.channel, result.rule) == (channel, rule)


@pytest.mark.parametrize("business, amount, tier, flags, channel, rule", CASES)
def test_triage_table(business, amount, tier, flags, channel, rule):
    result = triage(business, Decimal(amount) if amount else None, tier, flags, DEFAULT)
    assert (result.channel, result.rule) == (channel, rule)


@pytest.mark.parametrize(
    "limit, amount, channel",
    [
        (5000, "4999", C.SELF_SERVICE),
        (5000, "5000", C.COUNTER),
        (5000, "5001", C.COUNTER),
        (0, "1", C.COUNTER),
    ],
)
def test_every_limit_is_the_branch_setting(limit, amount, channel):
    settings = DEFAULT.updated({"self_service_withdrawal_limit": limit})
    assert triage(B.WITHDRAWAL, Decimal(amount), O, [], settings).channel == channel


def test_green_channel_flags_are_a_branch_setting():
    settings = DEFAULT.updated({"green_channel_flags": ["elderly", "pregnant"]})
    assert triage(B.WITHDRAWAL, Decimal(100), O, [F.PREGNANT], settings).channel == C.GREEN_CHANNEL
    assert triage(B.WITHDRAWAL, Decimal(100), O, [F.URGENT], settings).channel == C.SELF_SERVICE


def test_reasons_read_naturally_in_both_languages(app):
    result = triage(B.WITHDRAWAL, Decimal(8000), O, [], DEFAULT)
    elderly = triage(B.OTHER, None, O, [F.URGENT, F.ELDERLY], DEFAULT)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert explain(result.rule, result.params, result.channel) == "取款 8,000 元，低于自助限额 20,000 元 → 自助设备"
        assert explain(elderly.rule, elderly.params, elderly.channel) == "老年、紧急：优先办理，全程陪同 → 绿色通道"
        assert explain(
            "under_limit", {"business": "deposit", "amount": "19999.99", "limit": 100000}, C.SELF_SERVICE
        ) == ("存款 19,999.99 元，低于自助限额 100,000 元 → 自助设备")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert explain(result.rule, result.params, result.channel) == (
            "Withdrawal CNY 8,000, under the self-service limit of CNY 20,000 → Self-service"
        )
