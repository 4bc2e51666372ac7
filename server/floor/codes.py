"""Codes of the API contract for visits (add, never rename)."""

from __future__ import annotations

from enum import StrEnum


class BusinessType(StrEnum):
    BALANCE_ENQUIRY = "balance_enquiry"
    WITHDRAWAL = "withdrawal"
    DEPOSIT = "deposit"
    TRANSFER = "transfer"
    ACCOUNT_OPENING = "account_opening"
    ACCOUNT_CLOSING = "account_closing"
    CARD_SERVICES = "card_services"
    WEALTH_MANAGEMENT = "wealth_management"
    FX = "fx"
    LOAN_ENQUIRY = "loan_enquiry"
    CORPORATE = "corporate"
    OTHER = "other"


class Channel(StrEnum):
    SELF_SERVICE = "self_service"
    COUNTER = "counter"
    VIP_AREA = "vip_area"
    GREEN_CHANNEL = "green_channel"


class Flag(StrEnum):
    ELDERLY = "elderly"
    DISABLED = "disabled"
    URGENT = "urgent"
    PREGNANT = "pregnant"
    WITH_CHILD = "with_child"


class VisitStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    LEFT = "left"  # left without service
    CANCELLED = "cancelled"  # logged in error: kept in the history, counted as nothing


OPEN_STATUSES = (VisitStatus.WAITING, VisitStatus.CALLED, VisitStatus.SERVING)


class EventType(StrEnum):
    CALLED = "called"
    SERVING = "serving"
    SERVED = "served"
    LEFT = "left"
    CARE = "care"
    ESCORTED = "escorted"
    REROUTED = "rerouted"  # second triage: moved to another channel
    LOGGED_IN_ERROR = "logged_in_error"  # withdrawn (a double entry, a wrong ticket): not a walk-out


class VisitSource(StrEnum):
    MANUAL = "manual"
    QUEUE_MACHINE = "queue_machine"
