"""Questions the customers feature asks of the features above it (the floor knows today's tickets, referrals
know who was referred)."""

from server.common.events import events

# sender: the Customer. Each receiver answers {section: value} for the customer card (floor: "visits",
# referrals: "referrals").
card_sections = events.signal("customers.card-sections")
# sender: the acting User; query (spaces and dashes removed), today_start. A receiver that reads the query as
# one of its own things answers (matched kind, a select of customer ids) — the floor, for today's ticket.
search_matches = events.signal("customers.search-matches")
# sender: the User who just revealed the last full number the hour allows them (limit=); the supervisors are told.
reveals_reached_limit = events.signal("customers.reveals-reached-limit")
# sender: the Customer whose personal data is being erased (PIPL). Each receiver removes the free text and
# personal details its own records hold about them, keeping the records themselves (counts stay true).
customer_erased = events.signal("customers.erased")
# sender: the Customer. Each receiver answers {section: [records]} with everything it holds about them, for the
# customer's right of access (floor: "visits", referrals: "referrals", care: "care_tasks").
export_sections = events.signal("customers.export-sections")
