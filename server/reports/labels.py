"""Names of the reports' figures, metrics and stages, in the user's language (the screens and the PDF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.referrals.models import CallResult

FIGURE_NAMES = {
    "arrivals": _l("Arrivals"),
    "served": _l("Served"),
    "left": _l("Left without service"),
    "waiting.median": _l("Median wait (min)"),
    "waiting.p90": _l("90th percentile wait (min)"),
    "waiting.longest": _l("Longest wait (min)"),
    "waiting.past_tolerance": _l("Waited past the tolerance"),
    "waiting.within_tolerance": _l("Served within the tolerance"),
    "waiting.service_level": _l("Service level"),
    "care.tasks": _l("Care tasks"),
    "care.done": _l("Care tasks done"),
    "care.response_median": _l("Care response, median (min)"),
    "care.response_worst": _l("Care response, worst (min)"),
    "care.uncared": _l("Waited too long without care"),
    "potential_vips": _l("Potential VIPs found"),
    "cards.handed_out": _l("Cards handed out"),
    "referrals.made": _l("Referrals made"),
    "referrals.accepted": _l("Referrals accepted"),
    "referrals.met": _l("Referrals met"),
    "referrals.converted": _l("Referrals converted"),
    "complaints.received": _l("Complaints received"),
    "incidents.reported": _l("Incidents"),
    "faults.opened": _l("Faults opened"),
    "faults.fixed": _l("Faults fixed"),
}
METRIC_NAMES = {
    "referrals_made": _l("Referrals"),
    "referrals_accepted": _l("Accepted"),
    "referrals_converted": _l("Converted"),
    "cards_handed_out": _l("Cards"),
    "products_introduced": _l("Products introduced"),
    "care_response_minutes": _l("Care response (min)"),
    "complaints_on_time": _l("Complaints on time"),
}
STAGE_NAMES = {
    "identified": _l("Identified"),
    "referred": _l("Referred"),
    "accepted": _l("Accepted"),
    "met": _l("Met"),
    "converted": _l("Converted"),
}
LOG_STATUS_NAMES = {
    "draft": _l("Not submitted"),
    "submitted": _l("Submitted"),
    "acknowledged": _l("Acknowledged"),
    "correction_asked": _l("Correction asked"),
}
CALL_NAMES = {
    CallResult.BOOKED: _l("Reached, meeting booked"),
    CallResult.NOT_INTERESTED: _l("Reached, not interested"),
    CallResult.NOT_REACHED: _l("Not reached: try tomorrow"),
}
WEEKDAY_NAMES = {0: _l("Mon"), 1: _l("Tue"), 2: _l("Wed"), 3: _l("Thu"), 4: _l("Fri"), 5: _l("Sat"), 6: _l("Sun")}

JS_LABELS: dict[str, dict] = {
    "figure": FIGURE_NAMES,
    "metric": METRIC_NAMES,
    "stage": STAGE_NAMES,
    "log_status": LOG_STATUS_NAMES,
    "call": CALL_NAMES,
    "weekday": WEEKDAY_NAMES,
}
