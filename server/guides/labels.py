"""Names of the guide's kinds of line, for the app's catalog."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.guides.defaults import DOCUMENT, FEE, FORM, MACHINE

KIND_NAMES = {
    DOCUMENT: _l("Bring"),
    FORM: _l("Form"),
    FEE: _l("Fee"),
    MACHINE: _l("Or at a machine"),
}
JS_LABELS: dict[str, dict] = {"guide_kind": KIND_NAMES}
