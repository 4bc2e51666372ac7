"""Names of the audited actions in the user's language (the supervisor's audit screen)."""

from flask_babel import lazy_gettext as _l

ACTION_NAMES = {
    "auth.login": _l("Signed in"),
    "auth.signed_out": _l("Signed out a device"),
    "auth.signed_out_everywhere": _l("Signed out on every device"),
    "user.created": _l("Account created"),
    "user.activated": _l("Account reactivated"),
    "user.deactivated": _l("Account deactivated"),
    "user.password_reset": _l("Password reset"),
    "user.duty_changed": _l("On duty / away"),
    "branch.created": _l("Branch created"),
    "branch.settings_changed": _l("Settings changed"),
    "branch.queue_secret_rotated": _l("Queue machine secret changed"),
    "branch.wecom_webhook_set": _l("WeCom group set"),
    "customer.created": _l("Customer registered"),
    "customer.updated": _l("Customer record corrected"),
    "customer.consent": _l("Marketing consent given"),
    "customer.visit_linked": _l("Walk-in's visit linked to the customer"),
    "customer.revealed": _l("Full number seen"),
    "customer.exported": _l("Customer's data exported"),
    "customer.erased": _l("Customer's data erased"),
    "cards.batch_received": _l("Card batch received"),
    "cards.handed_out": _l("Card handed out"),
    "referral.outcome": _l("Referral outcome"),
}

# What the app's JS catalog takes from here (server/shell/messages.py).
JS_LABELS: dict[str, dict] = {"audit": ACTION_NAMES}
