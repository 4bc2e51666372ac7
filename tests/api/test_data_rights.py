"""Customers' data rights (PIPL): correction, access, erasure and retention, and the audit trail that shows them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditEvent
from server.common.clock import utcnow
from server.customers.models import Customer
from server.customers.rights import anonymise_expired
from server.extensions import db
from server.floor.models import Visit
from server.notifications.models import Notification
from server.referrals.models import Referral
from server.worker import SWEEPS, Hourly
from tests.api.test_customers import URL, new_customer
from tests.helpers import arrive, assert_error, refer

PHONE, NEW_PHONE, ID_NUMBER = "13812345678", "13987654321", "11010519491231002X"


def test_a_correction_is_saved_masked_and_audited_old_to_new(app, floor):
    customer = new_customer(floor.lobby, family_name="赵", phone=PHONE)
    url = f"{URL}/{customer['id']}"
    change = {
        "given_name": "晓珊",
        "salutation": "ms",
        "tier": "vip",
        "assigned_account_manager_id": floor.staff["manager"].id,
        "phone": NEW_PHONE,
        "consent": {"contact": True, "marketing": True},
    }
    response = floor.lobby.patch(url, change)
    assert response.status_code == 200
    body = response.get_json()["customer"]
    assert body["full_name"] == "赵晓珊" and body["greeting_name"] == "赵女士" and body["tier"] == "vip"
    assert body["phone_masked"] == "139****4321" and body["consent"]["marketing"] is True
    assert NEW_PHONE not in response.get_data(as_text=True)
    assert floor.lobby.post(f"{URL}/search", {"q": NEW_PHONE}).get_json()["customers"][0]["id"] == customer["id"]
    assert floor.lobby.post(f"{URL}/search", {"q": PHONE}).get_json()["customers"] == []
    assert floor.lobby.post(f"{URL}/search", {"q": "zhaoxiaoshan"}).get_json()["customers"][0]["id"] == customer["id"]
    again = floor.lobby.patch(url, change)  # the outbox retrying: nothing more changes, nothing more audited
    assert again.status_code == 200
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.updated")).all()
        assert len(events) == 1
        changes = events[0].details["changes"]
        assert changes["phone"] == ["138****5678", "139****4321"] and changes["given_name"] == ["小山", "晓珊"]
        assert PHONE not in str(changes) and NEW_PHONE not in str(changes)


def test_a_new_number_needs_consent_and_may_not_be_another_customers(floor):
    first = new_customer(floor.lobby, phone=PHONE)
    second = new_customer(floor.lobby, family_name="王")
    url = f"{URL}/{second['id']}"
    assert "consent" in assert_error(floor.lobby.patch(url, {"phone": NEW_PHONE}), 422, "validation_failed")["fields"]
    taken = floor.lobby.patch(url, {"phone": PHONE, "consent": {"contact": True, "marketing": False}})
    error = assert_error(taken, 409, "duplicate_customer")
    assert error["details"]["customer_id"] == first["id"]
    assert (
        "family_name" in assert_error(floor.lobby.patch(url, {"family_name": None}), 422, "validation_failed")["fields"]
    )
    assert "nope" in assert_error(floor.lobby.patch(url, {"nope": 1}), 422, "validation_failed")["fields"]


def test_a_correction_goes_offline_through_the_outbox_batch(floor):
    customer = new_customer(floor.lobby)
    batch = {"records": [{"id": "c1", "method": "PATCH", "url": f"{URL}/{customer['id']}", "body": {"needs": "理财"}}]}
    result = floor.lobby.post("/api/v1/sync", batch).get_json()["results"][0]
    assert result["status"] == 200 and result["body"]["customer"]["needs"] == "理财"


def test_the_supervisor_exports_everything_held_and_it_is_audited(app, floor):
    customer = new_customer(floor.lobby, phone=PHONE, id_number=ID_NUMBER)
    floor.customer_id = customer["id"]
    arrive(floor.lobby, customer_id=customer["id"])
    refer(floor, account_manager_id=floor.staff["manager"].id, marketing_consent=True)
    assert_error(floor.lobby.get(f"{URL}/{customer['id']}/export"), 403, "forbidden")
    held = floor.supervisor.get(f"{URL}/{customer['id']}/export").get_json()
    assert held["numbers"] == {"phone": PHONE, "id_number": ID_NUMBER}
    assert held["customer"]["full_name"] == "李小山" and len(held["visits"]) == 1
    assert held["referrals"][0]["reason"] == "存款 50 万到期，问理财"
    assert [e["action"] for e in held["audit"]][:1] == ["customer.created"]
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "customer.exported"))


def test_erasure_removes_personal_data_and_keeps_the_counts(app, floor):
    customer = new_customer(
        floor.lobby,
        family_name="欧阳",
        given_name="娜娜",
        phone=PHONE,
        id_number=ID_NUMBER,
        needs="想买理财",
        notes="常来",
    )
    floor.customer_id = customer["id"]
    arrive(floor.lobby, customer_id=customer["id"])
    referral = refer(floor, account_manager_id=floor.staff["manager"].id, marketing_consent=True)
    url = f"{URL}/{customer['id']}/erase"
    assert_error(floor.lobby.post(url, {"reason": "客户要求删除"}), 403, "forbidden")
    assert (
        "reason"
        in assert_error(floor.supervisor.post(url, {"reason": "\u200b\u200b"}), 422, "validation_failed")["fields"]
    )
    response = floor.supervisor.post(url, {"reason": "客户书面要求删除"})
    assert response.status_code == 200 and response.get_json()["customer"]["erased"] is True
    assert_error(floor.supervisor.post(url, {"reason": "again"}), 409, "customer_erased")
    for query in (PHONE, "5678", "欧阳娜娜", "oyny", ID_NUMBER):
        assert floor.lobby.post(f"{URL}/search", {"q": query}).get_json()["customers"] == [], query
    with app.app_context():
        row = db.session.get(Customer, customer["id"])
        values = " ".join(str(v) for v in row.__dict__.values())
        for gone in ("欧阳", "娜娜", "5678", "002X", "想买理财", "常来"):
            assert gone not in values, gone
        assert row.phone_index is None and row.id_number_index is None and row.payload_hash == "erased"
        assert db.session.scalar(select(Visit.customer_id).where(Visit.customer_id == customer["id"]))
        kept = db.session.get(Referral, referral["id"])
        assert kept is not None and kept.reason == ""
        said = [
            n.payload for n in db.session.scalars(select(Notification).where(Notification.ref_id == referral["id"]))
        ]
        assert said and all("欧阳" not in str(p) and "存款" not in str(p) for p in said)
        erased = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "customer.erased"))
        assert erased.reason == "客户书面要求删除"


def test_retention_anonymises_customers_without_visits_or_marketing_consent(app, floor):
    old = new_customer(floor.lobby, family_name="钱")
    kept = new_customer(floor.lobby, family_name="孙", consent={"contact": True, "marketing": True})
    recent = new_customer(floor.lobby, family_name="周")
    with app.app_context():
        for customer_id in (old["id"], kept["id"]):
            db.session.get(Customer, customer_id).received_at = utcnow() - timedelta(days=365 * 5 + 2)
        db.session.commit()
    with app.app_context():
        assert anonymise_expired(utcnow()) == 1
        db.session.commit()
    assert isinstance(SWEEPS["retention"], Hourly)  # the worker runs it, hourly
    with app.app_context():
        assert db.session.get(Customer, old["id"]).erased_at is not None
        assert db.session.get(Customer, kept["id"]).erased_at is None
        assert db.session.get(Customer, recent["id"]).erased_at is None


def test_the_audit_trail_filters_and_pages_for_supervisors_and_admins(app, floor, api_factory, make_user):
    customer = new_customer(floor.lobby)
    for n in range(3):
        floor.lobby.patch(f"{URL}/{customer['id']}", {"needs": f"需要 {n}"})
    assert_error(floor.lobby.get("/api/v1/audit"), 403, "forbidden")
    page = floor.supervisor.get(f"/api/v1/audit?customer_id={customer['id']}").get_json()
    assert [e["action"] for e in page["events"]] == ["customer.updated"] * 3 + ["customer.created"]
    assert page["events"][0]["actor"]["id"] == floor.staff["lobby"].id and page["next"] is None
    mine = floor.supervisor.get(f"/api/v1/audit?user_id={floor.staff['lobby'].id}").get_json()["events"]
    assert {e["actor"]["id"] for e in mine} == {floor.staff["lobby"].id}
    other_branch = api_factory()
    other_branch.login(make_user("supervisor", branch_code="B777"))
    assert other_branch.get(f"/api/v1/audit?customer_id={customer['id']}").get_json()["events"] == []
    admin = api_factory()
    admin.login(make_user("admin"))
    assert len(admin.get(f"/api/v1/audit?customer_id={customer['id']}").get_json()["events"]) == 4
    assert (
        "since"
        in assert_error(floor.supervisor.get("/api/v1/audit?since=yesterday"), 422, "validation_failed")["fields"]
    )
