"""Names of the checks and faults codes, and the seeded checklist lines (domain.md), in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.checks.codes import AssetKind, Category, FaultSeverity, FaultStatus, FaultStep, Phase, Result

ASSET_KIND_NAMES = {
    AssetKind.QUEUE_MACHINE: _l("Queue machine"),
    AssetKind.ATM: _l("ATM"),
    AssetKind.SMART_TELLER: _l("Smart teller"),
    AssetKind.LED_BOARD: _l("LED / rate board"),
    AssetKind.HOTLINE_PHONE: _l("Hotline phone"),
    AssetKind.WATER_DISPENSER: _l("Water dispenser"),
    AssetKind.OTHER: _l("Other equipment"),
}
CATEGORY_NAMES = {
    Category.EQUIPMENT: _l("Equipment"),
    Category.MATERIALS: _l("Materials"),
    Category.ENVIRONMENT: _l("Environment"),
    Category.SAFETY: _l("Safety"),
}
PHASE_NAMES = {
    Phase.BEFORE_OPENING: _l("Before opening"),
    Phase.AFTER_CLOSING: _l("After closing"),
}
RESULT_NAMES = {
    Result.OK: _l("In order"),
    Result.FAULT: _l("Fault"),
    Result.NOT_APPLICABLE: _l("Not applicable"),
}
SEVERITY_NAMES = {
    FaultSeverity.OUT_OF_SERVICE: _l("Out of service"),
    FaultSeverity.IMPAIRED: _l("Works, badly"),
}
FAULT_STATUS_NAMES = {
    FaultStatus.OPEN: _l("Not yet reported"),
    FaultStatus.REPORTED: _l("Reported to maintenance"),
    FaultStatus.FIXING: _l("Being fixed"),
    FaultStatus.FIXED: _l("Fixed"),
    FaultStatus.VERIFIED: _l("Fix verified"),
}
FAULT_STEP_NAMES = {
    FaultStep.OPENED: _l("Fault reported"),
    FaultStep.REPORTED_AGAIN: _l("Reported again"),
    FaultStep.REPORTED: _l("Reported to maintenance"),
    FaultStep.FIXING: _l("Being fixed"),
    FaultStep.FIXED: _l("Fixed"),
    FaultStep.VERIFIED: _l("Fix verified"),
    FaultStep.NOTE: _l("Note"),
}
# The seeded lines of each checklist, by code (a line a supervisor rewords keeps its own text instead).
ITEM_TEXTS = {
    "queue_machine": _l("Queue-ticket machine works and has paper"),
    "atm": _l("ATM in service (cash, receipts, screen)"),
    "smart_teller": _l("Smart teller in service"),
    "led_board": _l("LED board and rate board on and up to date"),
    "hotline_phone": _l("Hotline phone works"),
    "water_dispenser": _l("Water dispenser on, cups stocked"),
    "form_desk": _l("Pens and forms at the form desk"),
    "sample_forms": _l("Sample forms in place"),
    "reading_glasses": _l("Reading glasses available"),
    "brochures": _l("Brochures stocked, none expired or damaged"),
    "notice_board": _l("Notice board up to date"),
    "comment_book": _l("Comment book in place"),
    "lm_folder": _l("Lobby manager's folder: business cards, work log, needs register, product sheets"),
    "cleanliness": _l("Lobby clean"),
    "lights": _l("Lights on and working"),
    "seats": _l("Seats in order"),
    "fire_equipment": _l("Fire equipment in place and unblocked"),
    "switch_off_queue_machine": _l("Queue machine switched off"),
    "switch_off_led_board": _l("LED board switched off"),
    "switch_off_water_dispenser": _l("Water dispenser switched off"),
    "switch_off_pcs": _l("PCs not needed at night switched off"),
    "refill_forms": _l("Forms and pens refilled"),
    "posters": _l("Damaged or expired posters replaced"),
    "light_boxes": _l("Light boxes checked"),
    "read_comment_book": _l("Comment book read"),
    "write_work_log": _l("Work log written"),
    "archive_complaints": _l("The day's complaints archived"),
}
JS_LABELS: dict[str, dict] = {
    "asset_kind": ASSET_KIND_NAMES,
    "check_category": CATEGORY_NAMES,
    "check_phase": PHASE_NAMES,
    "check_result": RESULT_NAMES,
    "fault_severity": SEVERITY_NAMES,
    "fault_status": FAULT_STATUS_NAMES,
    "fault_step": FAULT_STEP_NAMES,
}
