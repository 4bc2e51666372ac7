"""The message catalog of the JavaScript, translated by Flask-Babel like the templates.

The shell embeds it as JSON; placeholders are Python-style `%(name)s`, filled in by static/js/i18n.js.
"""

from flask_babel import lazy_gettext as _l

from server.floor.labels import BUSINESS_NAMES, CHANNEL_NAMES, FLAG_NAMES
from server.floor.triage import LIST_SEPARATOR, REASONS

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
    "loading": _l("Loading…"),
    "walk_in": _l("Walk-in"),
    "ahead": _l("%(n)s ahead"),
    "waited": _l("waited %(n)s min"),
    "board_empty": _l("Nobody is waiting. Log an arrival when a customer comes in."),
    "called": _l("Called"),
    "served": _l("Served"),
    "left": _l("Left"),
    "care": _l("Care given"),
    "care_what": _l("What did you do?"),
    "care.water": _l("Water or tea"),
    "care.newspaper": _l("Newspaper or magazine"),
    "care.brochure": _l("Product brochure"),
    "care.forms": _l("Checked forms and documents"),
    "care.told_ahead": _l("Told how many are ahead"),
    "care.product": _l("Introduced a product"),
    "action_failed": _l("Not accepted: %(message)s"),
    "arrival_logged": _l("%(ticket)s logged → %(channel)s"),
    "arrival_logged_offline": _l("%(ticket)s saved on this phone → %(channel)s (suggested offline)"),
    "ticket_required": _l("Enter the ticket number."),
    "business_required": _l("Choose the business."),
    "reason_required": _l("Say why you change the suggested channel."),
    "amount_invalid": _l("Enter an amount above 0 (at most 100,000,000)."),
    "suggestion": _l("Suggested: %(reason)s"),
    "search_hint_empty": _l("Type a name, pinyin or initials, a phone number or its last 4 digits, or a ticket."),
    "search_none": _l("No customer matches “%(q)s”."),
    "search_count": _l("%(n)s customers found"),
    "search_offline": _l("Searching needs the network. Customers opened earlier are still available."),
    "last_visit": _l("last visit %(date)s"),
    "never_visited": _l("no visit yet"),
    "manager": _l("Account manager: %(name)s"),
    "no_manager": _l("No account manager"),
    "greet_morning": _l("Good morning, %(name)s"),
    "greet_noon": _l("Good day, %(name)s"),
    "greet_afternoon": _l("Good afternoon, %(name)s"),
    "greet_evening": _l("Good evening, %(name)s"),
    "tier.vip": _l("VIP"),
    "tier.potential": _l("Potential VIP"),
    "tier.ordinary": _l("Ordinary"),
    "consent_yes": _l("agreed"),
    "consent_no": _l("not agreed"),
    "consent_line": _l("Contact: %(contact)s · Marketing: %(marketing)s · recorded %(date)s by %(who)s"),
    "no_visits": _l("No visits yet."),
    "reveal_needs_network": _l("Showing a full number needs the network; it is never stored on this phone."),
    "reveal_reason_required": _l("Give a reason (at least 4 characters)."),
    "customer_saved": _l("Customer saved"),
    "customer_saved_offline": _l("Customer saved on this phone — will sync when online"),
    "consent_required": _l("Ask the customer and record both answers."),
    "family_required": _l("Enter the family name."),
    "not_found_offline": _l("This customer is not on this phone yet; open it again when online."),
    "back": _l("Back to search"),
    "reveal": _l("Show"),
    "log_arrival": _l("Log arrival"),
    "label_manager": _l("Account manager"),
    "label_phone": _l("Phone"),
    "label_id": _l("ID number"),
    "label_card": _l("Card"),
    "label_needs": _l("Needs"),
    "label_notes": _l("Notes"),
    "label_consent": _l("Consent"),
    "label_visits": _l("Visits"),
}


def js_catalog() -> dict[str, str]:
    """Every string the handheld shows, in the user's language: messages, code labels, triage reasons."""
    catalog = {key: str(text) for key, text in JS_MESSAGES.items()}
    for prefix, names in (("business", BUSINESS_NAMES), ("channel", CHANNEL_NAMES), ("flag", FLAG_NAMES),
                          ("reason", REASONS)):
        catalog.update({f"{prefix}.{code}": str(text) for code, text in names.items()})
    catalog["list_separator"] = str(LIST_SEPARATOR)
    return catalog
