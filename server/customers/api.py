"""JSON endpoints of customers: search, register, read, reveal."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user

from server.common.clock import local_day_start
from server.common.events import contributions
from server.common.http import outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import BRANCH_STAFF, Role
from server.customers import rights, service
from server.customers.events import card_sections
from server.customers.schemas import CustomerIn, CustomerPatch, ErasureIn, RevealIn, SearchIn, customer_out

bp = Blueprint("customers_api", __name__, url_prefix="/api/v1/customers")


@bp.get("")
@documented(
    query={"q": "a name, pinyin, initials, last four digits or today's ticket (integrations; the app POSTs /search)"}
)
@require_roles(*BRANCH_STAFF)
def search():
    """For integrations: as POST /search, with the query in the URL (so never a full number from the app)."""
    return _search(request.args.get("q", ""))


@bp.post("/search")
@documented(body=SearchIn)
@require_roles(*BRANCH_STAFF)
def search_in_body():
    """One search box: name, pinyin or initials, phone or its last four, card/ID last four, today's ticket.
    The query travels in the body, so a full number never reaches a URL, an access log or a cache key; the
    answer does not repeat it."""
    return _search(parse_json(SearchIn).q)


def _search(query: str):
    day_start = local_day_start(current_user.home_branch.timezone)
    found = service.search(current_user, query[:64], day_start)
    return jsonify(customers=[customer_out(c, matched) for c, matched in found])


@bp.post("")
@documented(body=CustomerIn, answers=(200, 201))
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def create():
    """Register a customer (idempotent on the client-chosen id); only masked numbers come back."""
    customer, created = service.create_customer(current_user, parse_json(CustomerIn))
    return jsonify(customer=customer_out(customer)), 201 if created else 200


@bp.get("/<customer_id>")
@require_roles(*BRANCH_STAFF)
def read(customer_id: str):
    """The customer card: who they are, how to greet them, their recent visits and referrals."""
    customer = service.get_customer(current_user, customer_id)
    sections = {}
    for section in contributions(card_sections, customer):  # visits (floor), referrals (referrals)
        sections.update(section)
    return jsonify(customer=customer_out(customer), **sections)


@bp.patch("/<customer_id>")
@documented(body=CustomerPatch)
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def update(customer_id: str):
    """Correct or complete the record (offline through the outbox); audited old → new, numbers masked."""
    customer = service.update_customer(current_user, customer_id, parse_json(CustomerPatch))
    return jsonify(customer=customer_out(customer))


@bp.get("/<customer_id>/export")
@require_roles(Role.SUPERVISOR)
@transactional
def export(customer_id: str):
    """Everything held about the customer, for their right of access; audited."""
    return jsonify(rights.export_customer(current_user, customer_id))


@bp.post("/<customer_id>/erase")
@documented(body=ErasureIn)
@require_roles(Role.SUPERVISOR)
@transactional
def erase(customer_id: str):
    """Remove the customer's personal data for good; their visits and referrals stay, anonymous."""
    customer = rights.erase_on_request(current_user, customer_id, parse_json(ErasureIn).reason)
    return jsonify(customer=customer_out(customer))


@bp.post("/<customer_id>/reveal")
@documented(body=RevealIn)
@require_roles(*BRANCH_STAFF)
@transactional
def reveal(customer_id: str):
    """The full phone or ID number for a stated reason; audited, never cached (responses are no-store)."""
    data = parse_json(RevealIn)
    value = service.reveal(current_user, customer_id, data.field, data.reason)
    return jsonify(field=data.field, value=value)
