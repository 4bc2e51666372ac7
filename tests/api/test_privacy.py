"""What an attacker with the database, the logs or a staff account must not get: full personal numbers."""

from __future__ import annotations

import hashlib
import json
import uuid

from server.customers.models import Customer
from server.customers.schemas import CustomerIn
from server.extensions import db
from tests.api.test_customers import URL

PHONE, ID_NUMBER = "13512345432", "11010519491231002X"


def _unkeyed(actor_id: str, body: dict) -> str:
    """The fingerprint as it was: SHA-256 over the request, who asked included."""
    payload = {"actor": actor_id, **CustomerIn.model_validate(body).model_dump(mode="json")}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_the_stored_fingerprint_does_not_give_the_phone_back_to_10000_guesses(app, lobby):
    """Finding 1: the masked 135****5432 and the payload hash in the same row recovered the phone."""
    body = {
        "id": str(uuid.uuid4()),
        "family_name": "方",
        "salutation": "ms",
        "phone": PHONE,
        "consent": {"contact": True, "marketing": False},
    }
    created = lobby.post(URL, body)
    assert created.status_code == 201
    customer = created.get_json()["customer"]
    with app.app_context():
        row = db.session.get(Customer, customer["id"])
        stored, actor = row.payload_hash, row.created_by_id
    prefix, suffix = customer["phone_masked"].split("****")
    hits = [
        middle
        for middle in (f"{n:04d}" for n in range(10_000))
        if _unkeyed(actor, {**body, "phone": prefix + middle + suffix}) == stored
    ]
    assert hits == []
    # Still a fingerprint: the outbox's retry of the same record is the same record.
    again = lobby.post(URL, body)
    assert again.status_code == 200 and again.get_json()["customer"]["id"] == customer["id"]
