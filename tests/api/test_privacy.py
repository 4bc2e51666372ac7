"""What an attacker with the database, the logs or a staff account must not get: full personal numbers."""

from __future__ import annotations

import hashlib
import json
import uuid

from sqlalchemy import func, select

from server.audit.models import AuditEvent
from server.customers.models import Customer
from server.customers.schemas import CustomerIn
from server.extensions import db
from server.notifications.models import Notification
from tests.api.test_customers import URL, new_customer
from tests.helpers import assert_error

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


def test_reveals_are_limited_per_person_and_the_supervisors_told_once(app, api_factory, make_user):
    """Finding 6: 40 full phones in 1.1 s, all 200."""
    lobby, manager, supervisor = api_factory(), api_factory(), api_factory()
    lobby.login(make_user("lobby_manager"))
    manager_staff = make_user("account_manager")
    manager.login(manager_staff)
    boss = make_user("supervisor")
    supervisor.login(boss)
    assert supervisor.patch("/api/v1/settings", {"reveals_per_hour": 3}).status_code == 200
    ids = [new_customer(lobby, phone=f"1391234{n:04d}", id=str(uuid.uuid4()))["id"] for n in range(5)]
    reason = {"field": "phone", "reason": "回电确认预约"}
    statuses = [manager.post(f"{URL}/{cid}/reveal", reason).status_code for cid in ids]
    assert statuses == [200, 200, 200, 429, 429]
    error = assert_error(manager.post(f"{URL}/{ids[0]}/reveal", reason), 429, "reveal_limit")
    assert "3" in error["message"]
    with app.app_context():
        told = db.session.scalars(select(Notification).where(Notification.kind == "privacy.reveals")).all()
        assert [n.recipient_id for n in told] == [boss.id]
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "customer.revealed")) == 3


def test_a_reason_of_invisible_characters_is_no_reason(api_factory, make_user):
    """Finding 6: four zero-width spaces were accepted as the reason."""
    lobby, manager = api_factory(), api_factory()
    lobby.login(make_user("lobby_manager"))
    manager.login(make_user("account_manager"))
    customer = new_customer(lobby, phone=PHONE)
    for invisible in ("\u200b\u200b\u200b\u200b", "    ", "\u200b \u2060\ufeff\u200d", "\u3000\u3000\u3000\u3000"):
        response = manager.post(f"{URL}/{customer['id']}/reveal", {"field": "phone", "reason": invisible})
        assert "reason" in assert_error(response, 422, "validation_failed")["fields"], repr(invisible)
    assert manager.post(f"{URL}/{customer['id']}/reveal", {"field": "phone", "reason": "回电"}).status_code == 200
