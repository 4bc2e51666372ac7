"""The message catalog of the JavaScript, translated by Flask-Babel like the templates.

The shell embeds it as JSON; placeholders are Python-style `%(name)s`, filled in by static/js/i18n.js.
"""

from flask_babel import lazy_gettext as _l

JS_MESSAGES = {
    "online": _l("Online"),
    "offline": _l("Offline"),
    "offline_since": _l("Offline — data from %(age)s ago"),
    "pending_sync": _l("%(n)s waiting to sync"),
    "all_synced": _l("All saved"),
    "rejected": _l("%(n)s not accepted by the server"),
    "sign_in_to_sync": _l("Sign in again to sync"),
    "saved": _l("Saved"),
    "saved_offline": _l("Saved on this phone — will sync when online"),
    "not_synced_yet": _l("Not synced yet"),
    "load_failed": _l("Could not load; it will load again when online."),
    "worklog_empty": _l("No notes today yet."),
    "worklog_required": _l("Write something first."),
    "logout_blocked": _l("%(n)s records have not reached the server yet. Stay signed in until they sync."),
    "logout_needs_network": _l("Signing out needs the network, so that this phone stops being signed in."),
    "minutes": _l("%(n)s min"),
    "seconds": _l("%(n)s s"),
    "hours": _l("%(n)s h"),
    "language_queued": _l("Language will change when you are back online"),
}
