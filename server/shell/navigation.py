"""The bottom tab bar of each role, and what each not-yet-built screen will hold."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from server.common.roles import Role


@dataclass(frozen=True)
class Tab:
    key: str
    label: object
    icon: str
    coming: object | None = None  # what the screen will do, shown until its issue lands


FLOOR = Tab("floor", _l("Floor"), "floor")
CUSTOMERS = Tab("customers", _l("Customers"), "customers")
REFER = Tab("refer", _l("Referrals"), "refer")  # the lobby manager's referrals and their live status
TASKS = Tab("tasks", _l("Tasks"), "tasks")  # care due now: waiting customers, VIPs, green channel, escorts
INBOX = Tab("inbox", _l("Referrals"), "refer")  # the account manager's inbox
BRANCH_REFERRALS = Tab("referrals", _l("Referrals"), "refer")  # the supervisor's view of every open referral
# Which list of GET /api/v1/referrals each referral tab shows.
REFERRAL_BOXES = {"refer": "sent", "inbox": "inbox", "referrals": "branch"}
DASHBOARD = Tab("dashboard", _l("Dashboard"), "dashboard")  # today's care timing and open tasks
# Complaints under the regulator's clocks, incidents and lost property: the records of the day.
COMPLAINTS = Tab("complaints", _l("Complaints"), "complaints")
ADMIN = Tab("admin", _l("Admin"), "admin")
MORE = Tab("more", _l("More"), "more")

TABS_BY_ROLE: dict[Role, tuple[Tab, ...]] = {
    Role.LOBBY_MANAGER: (FLOOR, CUSTOMERS, REFER, TASKS, COMPLAINTS, MORE),
    Role.ACCOUNT_MANAGER: (INBOX, CUSTOMERS, MORE),  # their follow-ups live in the inbox
    Role.SUPERVISOR: (DASHBOARD, FLOOR, BRANCH_REFERRALS, CUSTOMERS, COMPLAINTS, MORE),
    Role.ADMIN: (ADMIN, MORE),
}


def tabs_for(role: Role) -> tuple[Tab, ...]:
    return TABS_BY_ROLE[role]
