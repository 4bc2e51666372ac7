"""The codes of a complaint (API contract, add never rename) and the three axes of PBoC JR/T 0169-2018."""

from __future__ import annotations

from enum import StrEnum


class ReceivedVia(StrEnum):
    ON_SITE = "on_site"
    PHONE = "phone"
    COMMENT_BOOK = "comment_book"
    LETTER = "letter"
    REGULATOR = "regulator"
    MEDIA = "media"
    HOTLINE = "hotline"


class AroseAt(StrEnum):
    """Axis A: the channel where the complaint arose."""

    BRANCH_FLOOR = "branch_floor"
    SELF_SERVICE = "self_service"
    ELECTRONIC = "electronic"
    THIRD_PARTY = "third_party"
    OTHER = "other"


class Business(StrEnum):
    """Axis B: the business it is about."""

    SAVINGS = "savings"
    LOANS = "loans"
    BANK_CARDS = "bank_cards"
    PAYMENT_SETTLEMENT = "payment_settlement"
    RMB_CASH = "rmb_cash"
    PERSONAL_INFORMATION = "personal_information"
    WEALTH_AGENCY = "wealth_agency"
    OTHER = "other"


class Cause(StrEnum):
    """Axis C: the cause."""

    SERVICE_ATTITUDE = "service_attitude"
    FACILITIES_SYSTEMS = "facilities_systems"
    RULES_PROCESS = "rules_process"
    MARKETING = "marketing"
    DISCLOSURE = "disclosure"
    PRODUCT_RETURNS = "product_returns"
    FREEDOM_OF_CHOICE = "freedom_of_choice"
    CONTRACT_TERMS = "contract_terms"
    FUND_SECURITY = "fund_security"
    INFORMATION_SECURITY = "information_security"
    OTHER = "other"


# The item's number in the standard's list for each axis (A 前台业务渠道, B 业务类型, C 投诉原因), where we
# know it; None where we do not (the standard's "other" items and its agency/wealth class).
STANDARD_NUMBERS: dict[StrEnum, str | None] = {
    AroseAt.BRANCH_FLOOR: "A1",
    AroseAt.SELF_SERVICE: "A2",
    AroseAt.ELECTRONIC: "A3",
    AroseAt.THIRD_PARTY: "A4",
    AroseAt.OTHER: None,
    Business.SAVINGS: "B1",
    Business.LOANS: "B2",
    Business.BANK_CARDS: "B3",
    Business.PAYMENT_SETTLEMENT: "B4",
    Business.RMB_CASH: "B5",
    Business.PERSONAL_INFORMATION: "B6",
    Business.WEALTH_AGENCY: None,
    Business.OTHER: None,
    **{cause: f"C{n}" for n, cause in enumerate(list(Cause)[:-1], start=1)},
    Cause.OTHER: None,
}


class Severity(StrEnum):
    MINOR = "minor"
    NORMAL = "normal"
    SERIOUS = "serious"


class Level(StrEnum):
    """The escalation ladder, lowest first (domain.md). The app's supervisors are the service quality lead;
    the levels above are people outside the app, whom the supervisors represent in it."""

    LOBBY_MANAGER = "lobby_manager"
    SERVICE_QUALITY_LEAD = "service_quality_lead"
    VICE_HEAD = "vice_head"
    HEAD = "head"
    BRANCH_OFFICE = "branch_office"


LADDER = list(Level)


class Status(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # settled, the outcome recorded; open until closed
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"  # the same complaint raised again, merged into the first


STILL_OPEN = (Status.OPEN, Status.RESOLVED)


class DeadlineKind(StrEnum):
    ON_SITE = "on_site"  # settled on site, or handed to the service quality lead
    PHONE_REPLY = "phone_reply"  # a reply or progress report to a phone complaint
    CALL_BACK = "call_back"  # a comment-book entry that left a contact: called back the same day
    DECISION = "decision"  # the regulator's: a decision told to the customer


class ActionType(StrEnum):
    NOTE = "note"
    CONTACT = "contact"  # a progress report or call-back to the customer
    HAND_ON = "hand_on"
    ESCALATE = "escalate"
    EXTEND = "extend"
    PAUSE = "pause"
    RESUME = "resume"
    REPLY = "reply"  # the decision told to the customer
    RESOLVE = "resolve"
    WITHDRAW = "withdraw"
    MERGE = "merge"
    NEW_FACTS = "new_facts"
    CLOSE = "close"


class ReplyHow(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    LETTER = "letter"
    SMS = "sms"


class CustomerResponse(StrEnum):
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"
    NO_ANSWER = "no_answer"
