"""Registering and correcting customers, finding them on the floor, and revealing a full number (audited).
Their rights over their data (export, erasure, retention) are in rights.py."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from server.audit import service as audit
from server.audit.models import AuditEvent
from server.auth.models import User
from server.branches.models import Branch
from server.common.clock import utcnow
from server.common.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from server.common.events import contributions
from server.common.idempotency import create_once, fingerprint
from server.common.policy import can_reveal, get_scoped_or_404
from server.common.roles import Role
from server.common.vault import vault
from server.customers.events import reveals_reached_limit, search_matches
from server.customers.identity import PROTECTORS
from server.customers.models import Customer, Tier
from server.customers.names import has_hanzi, is_pinyin_query, query_key, search_keys
from server.customers.schemas import CustomerIn, CustomerPatch, greeting_name
from server.extensions import db

SEARCH_LIMIT = 20
LAST4 = "last4"  # a sentinel kind: resolved per customer to phone_last4, card_last4 or id_number_last4
LAST4_FIELDS = ("phone", "card", "id_number")
ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
REVEAL_WINDOW = timedelta(hours=1)
NUMBER_FIELDS = ("phone", "id_number", "card_number")
_MASKED = {"phone": "phone_masked", "id_number": "id_number_masked", "card_number": "card_masked"}
TOP = "\U0010ffff"  # sorts after every character: key >= prefix AND key < prefix + TOP is a prefix match


def create_customer(actor: User, data: CustomerIn) -> tuple[Customer, bool]:
    """Register a customer with only what they agreed to give; replays of the same request are harmless."""
    payload = fingerprint(actor=actor.id, **data.model_dump(mode="json"))
    return create_once(Customer, data.id.lower(), payload, lambda: _build(actor, data))


def _build(actor: User, data: CustomerIn) -> Customer:
    _check_account_manager(actor, data.assigned_account_manager_id)
    when = data.occurred_at or utcnow()
    customer = Customer(
        branch_id=actor.branch_id,
        family_name=data.family_name,
        given_name=data.given_name,
        salutation=data.salutation,
        honorific=data.honorific,
        tier=data.tier,
        assigned_account_manager_id=data.assigned_account_manager_id,
        preferred_language=data.preferred_language,
        needs=data.needs,
        notes=data.notes,
        source=data.source,
        consent_contact=data.consent.contact,
        consent_marketing=data.consent.marketing,
        consent_recorded_at=when,
        consent_recorded_by_id=actor.id,
        created_by_id=actor.id,
        occurred_at=when,
    )
    derive_names(customer)
    for field in NUMBER_FIELDS:
        value = getattr(data, field)
        if value:
            _protect(customer, field, value)
    _refuse_duplicate(customer, data.id.lower(), {"phone": data.phone, "id_number": data.id_number})
    audit.record(
        "customer.created",
        actor=actor,
        subject_type="customer",
        subject_id=data.id,
        branch_id=actor.branch_id,
        consent={"contact": data.consent.contact, "marketing": data.consent.marketing},
    )
    return customer


def audit_event(action: str, actor: User | None, customer: Customer, reason: str | None = None, **details) -> None:
    """An audit event about the customer, in the caller's transaction."""
    audit.record(
        action,
        actor=actor,
        subject_type="customer",
        subject_id=customer.id,
        branch_id=customer.branch_id,
        reason=reason,
        **details,
    )


def _protect(customer: Customer, field: str, value: str) -> None:
    protected = PROTECTORS[field](value)
    secret = vault()
    if field == "card_number":
        customer.card_index = secret.blind_index("card", protected.normalized)
        customer.card_last4, customer.card_masked = protected.last4, protected.masked
        return
    setattr(customer, f"{field}_cipher", secret.encrypt(field, protected.normalized))
    setattr(customer, f"{field}_index", secret.blind_index(field, protected.normalized))
    setattr(customer, f"{field}_last4", protected.last4)
    setattr(customer, f"{field}_masked", protected.masked)
    customer.pii_key_id = secret.key_id


def _refuse_duplicate(customer: Customer, record_id: str, numbers: dict[str, str | None]) -> None:
    """One record per phone and per ID number in a branch: point the user at the existing one. `numbers`: the
    normalized numbers being given (looked up under every key, while a key rotation is under way).

    The same id is no duplicate: it is this very request arriving twice at once (the page's outbox and
    the service worker's sync); the primary key settles that one in create_once."""
    for field, label in (("phone", _("phone number")), ("id_number", _("ID number"))):
        number = numbers.get(field)
        if not number:
            continue
        indexes = vault().blind_indexes(field, PROTECTORS[field](number).normalized)
        existing = db.session.scalar(
            select(Customer.id).where(
                Customer.branch_id == customer.branch_id,
                getattr(Customer, f"{field}_index").in_(indexes),
                Customer.id != record_id,
            )
        )
        if existing:
            raise Conflict(
                _("A customer with this %(what)s is already registered.", what=label),
                code="duplicate_customer",
                fields={field: _("Already registered.")},
                details={"customer_id": existing},
            )


def _check_account_manager(actor: User, manager_id: str | None) -> None:
    if manager_id is None:
        return
    manager = db.session.get(User, manager_id)
    if manager is None or manager.branch_id != actor.branch_id or manager.role != Role.ACCOUNT_MANAGER:
        raise ValidationFailed(fields={"assigned_account_manager_id": _("Not an account manager of this branch.")})


def get_customer(actor: User, customer_id: str) -> Customer:
    return get_scoped_or_404(Customer, customer_id, actor)


def search(actor: User, query: str, today_start: datetime) -> list[tuple[Customer, str]]:
    """Customers of the actor's branch matching one box: name (hanzi, pinyin, initials), phone or its
    last four, last four of card or ID, a full ID or card number, or today's ticket. Exact matches first."""
    query = (query or "").strip()
    if not query:
        return []
    found: dict[str, tuple[Customer, str]] = {}
    for kind, condition, order in _conditions(actor, query, today_start):
        stmt = (
            select(Customer)
            .options(joinedload(Customer.account_manager))
            .where(Customer.branch_id == actor.branch_id, condition)
            .order_by(*order)
            .limit(SEARCH_LIMIT)
        )
        for customer in db.session.scalars(stmt):
            found.setdefault(customer.id, (customer, _last4_kind(customer, query) if kind == LAST4 else kind))
        if len(found) >= SEARCH_LIMIT:
            break
    return list(found.values())[:SEARCH_LIMIT]


def _conditions(actor: User, query: str, today_start: datetime):
    """(matched kind, WHERE clause, ORDER BY) for each way the query can be read; each uses an index."""
    by_relevance = (Customer.tier.desc(), Customer.last_visit_at.desc(), Customer.full_name)
    compact = re.sub(r"[\s-]", "", query)
    secret = vault()
    if compact.isdigit() and len(compact) == 11:
        yield "phone", Customer.phone_index.in_(secret.blind_indexes("phone", compact)), by_relevance
    if ID_NUMBER.match(compact):
        yield (
            "id_number",
            Customer.id_number_index.in_(secret.blind_indexes("id_number", compact.upper())),
            by_relevance,
        )
    if compact.isdigit() and 16 <= len(compact) <= 19:
        yield "card", Customer.card_index.in_(secret.blind_indexes("card", compact)), by_relevance
    for kind, customer_ids in contributions(search_matches, actor, query=compact, today_start=today_start):
        yield kind, Customer.id.in_(customer_ids), by_relevance  # today's ticket (the floor)
    if compact.isdigit() and len(compact) == 4:
        # One query over the three partial indexes (an OR of index look-ups), not three round trips.
        yield LAST4, or_(*(getattr(Customer, f"{field}_last4") == compact for field in LAST4_FIELDS)), by_relevance
    if compact[:-1].isdigit() and len(compact) == 4 and compact[-1] in "xX":
        yield "id_number_last4", Customer.id_number_last4 == compact.upper(), by_relevance
    if has_hanzi(query):
        yield "name", _prefix(Customer.full_name, compact), (Customer.full_name,)
    elif is_pinyin_query(query):
        key = query_key(query)
        if key:
            yield "initials", _prefix(Customer.name_initials, key), (Customer.name_initials, Customer.name_pinyin)
            yield "pinyin", _prefix(Customer.name_pinyin, key), (Customer.name_pinyin,)


def _last4_kind(customer: Customer, query: str) -> str:
    """Which number's last four matched (phone first: it is what customers quote)."""
    digits = re.sub(r"[\s-]", "", query)
    return next(f"{field}_last4" for field in LAST4_FIELDS if getattr(customer, f"{field}_last4") == digits)


def _prefix(column, prefix: str):
    return and_(column >= prefix, column < prefix + TOP)


def reveal(actor: User, customer_id: str, field: str, reason: str) -> str:
    """The full phone or ID number, for roles the branch allows; every reveal is audited with its reason."""
    customer = get_customer(actor, customer_id)
    if not can_reveal(actor):
        raise PermissionDenied(_("Your role may not see full numbers at this branch."), code="reveal_not_allowed")
    cipher = getattr(customer, f"{field}_cipher")
    if cipher is None:
        raise ValidationFailed(_("This customer gave no such number."), fields={"field": _("Not on record.")})
    _check_reveal_rate(actor, customer.branch_id)
    value = vault().decrypt(field, cipher)
    audit_event("customer.revealed", actor, customer, reason=reason, field=field)
    return value


class RevealLimitReached(DomainError):
    status, code = 429, "reveal_limit"


def _check_reveal_rate(actor: User, branch_id: str) -> None:
    """At most `reveals_per_hour` full numbers per person in any hour (the audit trail counts them); the
    supervisors hear of it the first time someone reaches the limit in a day."""
    limit = db.session.get_one(Branch, branch_id).settings.reveals_per_hour
    since = utcnow() - REVEAL_WINDOW
    done = (
        db.session.scalar(
            select(func.count()).where(
                AuditEvent.branch_id == branch_id,
                AuditEvent.at > since,
                AuditEvent.actor_id == actor.id,
                AuditEvent.action == "customer.revealed",
            )
        )
        or 0
    )
    if done >= limit:
        raise RevealLimitReached(
            _("You have seen %(n)d full numbers in the last hour, the most allowed. Ask your supervisor.", n=limit)
        )
    if done + 1 == limit:
        reveals_reached_limit.send(actor, limit=limit)


def record_visit(customer: Customer, arrived_at: datetime) -> Tier:
    """Note the visit on the customer's record; returns the tier the visit is triaged with."""
    if customer.last_visit_at is None or arrived_at > customer.last_visit_at:
        customer.last_visit_at = arrived_at
    return customer.tier


def update_customer(actor: User, customer_id: str, data: CustomerPatch) -> Customer:
    """Correct or complete a customer's record (PIPL's right to correction). Audited old → new, numbers masked;
    the same phone or ID as another customer is refused naming them. Sending the same change again (the
    outbox retrying) changes nothing more."""
    customer = get_customer(actor, customer_id)
    if customer.erased_at:
        raise Conflict(_("This customer's data was erased."), code="customer_erased")
    changes = data.changes()
    numbers = {f for f in NUMBER_FIELDS if f in changes and changes[f] is not None}
    if numbers and data.consent is None:
        raise ValidationFailed(fields={"consent": _("Record the customer's consent with the new number.")})
    if "family_name" in changes and changes["family_name"] is None:
        raise ValidationFailed(fields={"family_name": _("Required.")})
    if "assigned_account_manager_id" in changes:
        _check_account_manager(actor, changes["assigned_account_manager_id"])
    before = _audited_view(customer)
    with db.session.no_autoflush:  # a clash is answered by _refuse_duplicate, not by the unique index
        _apply(customer, changes)
        if data.consent is not None:
            customer.consent_contact, customer.consent_marketing = data.consent.contact, data.consent.marketing
            customer.consent_recorded_at, customer.consent_recorded_by_id = data.occurred_at or utcnow(), actor.id
        _refuse_duplicate(customer, customer.id, {f: changes.get(f) for f in ("phone", "id_number")})
    after = _audited_view(customer)
    diff = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if diff:
        audit_event("customer.updated", actor, customer, changes=diff)
    db.session.flush()
    return customer


def require_marketing_consent(actor: User, customer: Customer, *, agreed_now: bool, when: datetime | None) -> None:
    """Nobody is referred for products, or handed a VIP card, without agreeing to marketing contact: the lobby
    manager asks, and a yes given now is recorded (and audited) with the referral it came with."""
    if customer.consent_marketing:
        return
    if not agreed_now:
        raise ValidationFailed(
            _(
                "%(name)s has not agreed to marketing contact: ask first and record the answer, or do not refer.",
                name=greeting_name(customer),
            ),
            code="marketing_consent_needed",
            fields={"marketing_consent": _("Ask the customer, and record their answer.")},
        )
    customer.consent_marketing = True
    customer.consent_recorded_at, customer.consent_recorded_by_id = when or utcnow(), actor.id
    audit_event("customer.consent", actor, customer, consent={"marketing": [False, True]})


# Fields a correction sets as given; "" or null clears those that may be empty.
_TEXT_FIELDS = ("family_name", "given_name", "honorific", "preferred_language", "needs", "notes")
_CHOICE_FIELDS = ("salutation", "tier", "assigned_account_manager_id")


def _apply(customer: Customer, changes: dict) -> None:
    for field in _TEXT_FIELDS:
        if field in changes:
            value = changes[field]
            setattr(customer, field, value or (None if field in ("honorific", "preferred_language") else ""))
    for field in _CHOICE_FIELDS:
        if field in changes and (changes[field] is not None or field == "assigned_account_manager_id"):
            setattr(customer, field, changes[field])
    if {"family_name", "given_name"} & changes.keys():
        derive_names(customer)
    for field in NUMBER_FIELDS:
        if field in changes:
            forget_number(customer, field)
            if changes[field]:
                _protect(customer, field, changes[field])


def derive_names(customer: Customer) -> None:
    """The derived name columns: the full name as written, and the pinyin keys search uses."""
    customer.full_name = (
        f"{customer.family_name}{customer.given_name}"
        if has_hanzi(customer.family_name)
        else f"{customer.family_name} {customer.given_name}".strip()
    )
    customer.name_pinyin, customer.name_initials = search_keys(customer.family_name, customer.given_name)


def forget_number(customer: Customer, field: str) -> None:
    prefix = "card" if field == "card_number" else field
    for suffix in ("cipher", "index", "last4", "masked"):
        if hasattr(customer, f"{prefix}_{suffix}"):
            setattr(customer, f"{prefix}_{suffix}", None)


def _audited_view(customer: Customer) -> dict:
    """What the audit trail compares: every field a correction may change, numbers only masked."""
    return {
        "family_name": customer.family_name,
        "given_name": customer.given_name,
        "salutation": customer.salutation.value if customer.salutation else None,
        "honorific": customer.honorific,
        "tier": customer.tier.value if customer.tier else None,
        "assigned_account_manager_id": customer.assigned_account_manager_id,
        "preferred_language": customer.preferred_language,
        "needs": customer.needs,
        "notes": customer.notes,
        "consent_contact": customer.consent_contact,
        "consent_marketing": customer.consent_marketing,
        **{field: getattr(customer, masked) for field, masked in _MASKED.items()},
    }
