"""Names of the complaint codes in the user's language, and the JS catalog's share of them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.complaints.codes import (
    ActionType,
    AroseAt,
    Business,
    Cause,
    CustomerResponse,
    DeadlineKind,
    Level,
    ReceivedVia,
    ReplyHow,
    Severity,
    Status,
)

VIA_NAMES = {
    ReceivedVia.ON_SITE: _l("On site"),
    ReceivedVia.PHONE: _l("Phone"),
    ReceivedVia.COMMENT_BOOK: _l("Comment book or box"),
    ReceivedVia.LETTER: _l("Letter"),
    ReceivedVia.REGULATOR: _l("From the regulator"),
    ReceivedVia.MEDIA: _l("Media"),
    ReceivedVia.HOTLINE: _l("Bank hotline"),
}
AROSE_NAMES = {
    AroseAt.BRANCH_FLOOR: _l("Branch floor"),
    AroseAt.SELF_SERVICE: _l("Self-service machine"),
    AroseAt.ELECTRONIC: _l("Electronic channel"),
    AroseAt.THIRD_PARTY: _l("Third party"),
    AroseAt.OTHER: _l("Other"),
}
BUSINESS_NAMES = {
    Business.SAVINGS: _l("Savings"),
    Business.LOANS: _l("Loans"),
    Business.BANK_CARDS: _l("Bank cards"),
    Business.PAYMENT_SETTLEMENT: _l("Payment and settlement"),
    Business.RMB_CASH: _l("RMB cash"),
    Business.PERSONAL_INFORMATION: _l("Personal financial information"),
    Business.WEALTH_AGENCY: _l("Wealth and agency products"),
    Business.OTHER: _l("Other"),
}
CAUSE_NAMES = {
    Cause.SERVICE_ATTITUDE: _l("Service attitude or quality"),
    Cause.FACILITIES_SYSTEMS: _l("Facilities or systems"),
    Cause.RULES_PROCESS: _l("Rules or process"),
    Cause.MARKETING: _l("Marketing practice"),
    Cause.DISCLOSURE: _l("Disclosure"),
    Cause.PRODUCT_RETURNS: _l("Product returns"),
    Cause.FREEDOM_OF_CHOICE: _l("Freedom of choice"),
    Cause.CONTRACT_TERMS: _l("Contract terms"),
    Cause.FUND_SECURITY: _l("Fund security"),
    Cause.INFORMATION_SECURITY: _l("Information security"),
    Cause.OTHER: _l("Other"),
}
SEVERITY_NAMES = {Severity.MINOR: _l("Minor"), Severity.NORMAL: _l("Normal"), Severity.SERIOUS: _l("Serious")}
LEVEL_NAMES = {
    Level.LOBBY_MANAGER: _l("Lobby manager"),
    Level.SERVICE_QUALITY_LEAD: _l("Service quality lead"),
    Level.VICE_HEAD: _l("Sub-branch vice head"),
    Level.HEAD: _l("Sub-branch head"),
    Level.BRANCH_OFFICE: _l("Branch office"),
}
STATUS_NAMES = {
    Status.OPEN: _l("In progress"),
    Status.RESOLVED: _l("Resolved"),
    Status.CLOSED: _l("Closed"),
    Status.WITHDRAWN: _l("Withdrawn"),
    Status.MERGED: _l("Merged"),
}
DEADLINE_NAMES = {
    DeadlineKind.ON_SITE: _l("Settle on site or hand to the service quality lead"),
    DeadlineKind.PHONE_REPLY: _l("Reply or progress report to the customer"),
    DeadlineKind.CALL_BACK: _l("Call the customer back today"),
    DeadlineKind.DECISION: _l("Regulator deadline: decision told to the customer"),
}
ACTION_NAMES = {
    ActionType.NOTE: _l("Note"),
    ActionType.CONTACT: _l("Customer contacted"),
    ActionType.HAND_ON: _l("Handed on"),
    ActionType.ESCALATE: _l("Escalated"),
    ActionType.EXTEND: _l("Deadline extended"),
    ActionType.PAUSE: _l("Paused for an outside appraisal"),
    ActionType.RESUME: _l("Resumed"),
    ActionType.REPLY: _l("Decision told to the customer"),
    ActionType.RESOLVE: _l("Resolved"),
    ActionType.WITHDRAW: _l("Withdrawn"),
    ActionType.MERGE: _l("Merged into an earlier complaint"),
    ActionType.NEW_FACTS: _l("New facts: clock restarted"),
    ActionType.CLOSE: _l("Closed"),
    "received": _l("Received"),
    "deadline_passed": _l("Deadline passed"),
    "merged_in": _l("The same complaint raised again, merged in"),
}
HOW_NAMES = {
    ReplyHow.IN_PERSON: _l("In person"),
    ReplyHow.PHONE: _l("By phone"),
    ReplyHow.LETTER: _l("By letter"),
    ReplyHow.SMS: _l("By text message"),
}
RESPONSE_NAMES = {
    CustomerResponse.SATISFIED: _l("Satisfied"),
    CustomerResponse.NOT_SATISFIED: _l("Not satisfied"),
    CustomerResponse.NO_ANSWER: _l("No answer"),
}

JS_LABELS: dict[str, dict] = {
    "c_via": VIA_NAMES,
    "c_arose": AROSE_NAMES,
    "c_business": BUSINESS_NAMES,
    "c_cause": CAUSE_NAMES,
    "c_severity": SEVERITY_NAMES,
    "c_level": LEVEL_NAMES,
    "c_status": STATUS_NAMES,
    "c_deadline": DEADLINE_NAMES,
    "c_action": ACTION_NAMES,
    "c_how": HOW_NAMES,
    "c_response": RESPONSE_NAMES,
}
