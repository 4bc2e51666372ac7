"""Codes of the checks and faults API (add, never rename)."""

from __future__ import annotations

from enum import StrEnum

from server.floor.codes import BusinessType


class AssetKind(StrEnum):
    QUEUE_MACHINE = "queue_machine"
    ATM = "atm"
    SMART_TELLER = "smart_teller"
    LED_BOARD = "led_board"
    HOTLINE_PHONE = "hotline_phone"
    WATER_DISPENSER = "water_dispenser"
    OTHER = "other"


# What a customer can do at each kind of self-service machine (the kinds not listed are not self-service).
SELF_SERVICE: dict[AssetKind, tuple[BusinessType, ...]] = {
    AssetKind.ATM: (BusinessType.WITHDRAWAL, BusinessType.DEPOSIT, BusinessType.BALANCE_ENQUIRY),
    AssetKind.SMART_TELLER: (BusinessType.TRANSFER, BusinessType.BALANCE_ENQUIRY),
}


class Category(StrEnum):
    EQUIPMENT = "equipment"
    MATERIALS = "materials"
    ENVIRONMENT = "environment"
    SAFETY = "safety"


class Phase(StrEnum):
    BEFORE_OPENING = "before_opening"
    AFTER_CLOSING = "after_closing"


class Result(StrEnum):
    OK = "ok"
    FAULT = "fault"
    NOT_APPLICABLE = "not_applicable"


class FaultSeverity(StrEnum):
    OUT_OF_SERVICE = "out_of_service"  # customers cannot use it: triage sends them elsewhere
    IMPAIRED = "impaired"  # works, badly (a dim screen, no receipts)


class FaultStatus(StrEnum):
    OPEN = "open"
    REPORTED = "reported"  # to maintenance or the vendor
    FIXING = "fixing"
    FIXED = "fixed"
    VERIFIED = "verified"


OPEN_FAULT = (FaultStatus.OPEN, FaultStatus.REPORTED, FaultStatus.FIXING)


class FaultStep(StrEnum):
    """What happens to a fault: the status steps of the contract, a note, and the same fault reported again."""

    REPORTED = "reported"
    FIXING = "fixing"
    FIXED = "fixed"
    VERIFIED = "verified"
    NOTE = "note"
    REPORTED_AGAIN = "reported_again"
    OPENED = "opened"
