"""Customers: registration with consent, search of every kind, branch scoping, masked output, audited reveal."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.common.idempotency import fingerprint
from server.customers.models import Customer
from server.extensions import db
from tests.helpers import assert_error

URL = "/api/v1/customers"
PHONE, ID_NUMBER, CARD = "13812345678", "11010519491231002X", "6222020200112345679"


def new_customer(api, **fields):
    body = {
        "family_name": "李",
        "given_name": "小山",
        "salutation": "mr",
        "consent": {"contact": True, "marketing": False},
        **fields,
    }
    response = api.post(URL, body)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()["customer"]


def test_created_customer_is_masked_everywhere_and_encrypted_at_rest(app, lobby):
    customer = new_customer(lobby, phone=PHONE, id_number=ID_NUMBER, card_number=CARD)
    assert customer["phone_masked"] == "138****5678"
    assert customer["id_number_masked"] == "1101**********002X"
    assert customer["card_masked"] == "6222 **** **** 5679"
    assert customer["greeting_name"] == "李先生"
    assert customer["consent"]["contact"] is True and customer["consent"]["marketing"] is False
    assert customer["consent"]["recorded_by"]
    for response in (lobby.get(f"{URL}/{customer['id']}"), lobby.get(f"{URL}?q=5678")):
        text = response.get_data(as_text=True)
        assert PHONE not in text and ID_NUMBER not in text and CARD not in text
    with app.app_context():
        row = db.session.get(Customer, customer["id"])
        stored = " ".join(str(v) for v in row.__dict__.values())
        assert PHONE not in stored and ID_NUMBER not in stored and CARD not in stored


def test_consent_must_be_explicit(lobby):
    response = lobby.post(URL, {"family_name": "李"})
    assert "consent" in assert_error(response, 422, "validation_failed")["fields"]
    response = lobby.post(URL, {"family_name": "李", "consent": {"contact": "yes", "marketing": False}})
    assert "consent.contact" in assert_error(response, 422, "validation_failed")["fields"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("phone", "12345678901"),
        ("id_number", "110105194912310021"),
        ("card_number", "6222020200112345678"),
        ("tier", "gold"),
        ("family_name", ""),
    ],
)
def test_bad_fields_are_named(lobby, field, value):
    error = assert_error(
        lobby.post(URL, {"family_name": "李", field: value, "consent": {"contact": False, "marketing": False}}),
        422,
        "validation_failed",
    )
    assert list(error["fields"]) == [field]


def test_bad_phone_message_says_what_is_wrong(lobby):
    error = assert_error(
        lobby.post(
            URL, {"family_name": "李", "phone": "12345678901", "consent": {"contact": False, "marketing": False}}
        ),
        422,
        "validation_failed",
    )
    assert "手机号" in error["fields"]["phone"]  # the default language is Chinese


def test_same_phone_twice_points_to_the_existing_customer(lobby):
    first = new_customer(lobby, phone=PHONE)
    error = assert_error(
        lobby.post(
            URL, {"family_name": "王", "phone": "+86 138 1234 5678", "consent": {"contact": True, "marketing": False}}
        ),
        409,
        "duplicate_customer",
    )
    assert error["details"]["customer_id"] == first["id"] and "phone" in error["fields"]


def test_the_same_request_arriving_twice_at_once_is_one_customer_not_a_duplicate(app, lobby, monkeypatch):
    """The page's outbox and the service worker's sync send the same record at the same moment: both look
    the id up, find nothing, and the second then meets the first one's phone (seen in CI as a 409)."""
    from server.customers import service

    real_build = service._build

    def build_after_the_other_request_committed(actor, data):
        with app.app_context():  # the other request, in its own session
            other = real_build(db.session.merge(actor), data)
            other.id = data.id
            other.payload_hash = fingerprint(actor=actor.id, **data.model_dump(mode="json"))
            db.session.add(other)
            db.session.commit()
        return real_build(actor, data)

    monkeypatch.setattr(service, "_build", build_after_the_other_request_committed)
    customer_id = str(uuid.uuid4())
    response = lobby.post(
        URL, {"id": customer_id, "family_name": "孙", "phone": PHONE, "consent": {"contact": True, "marketing": False}}
    )
    assert response.status_code == 200 and response.get_json()["customer"]["id"] == customer_id
    with app.app_context():
        assert db.session.scalars(select(Customer.id).where(Customer.phone_last4 == "5678")).all() == [customer_id]


def test_create_is_idempotent_on_the_client_id(app, lobby):
    customer_id = str(uuid.uuid4())
    body = {
        "id": customer_id,
        "family_name": "王",
        "salutation": "ms",
        "phone": PHONE,
        "consent": {"contact": True, "marketing": True},
    }
    assert lobby.post(URL, body).status_code == 201
    replay = lobby.post(URL, body)
    assert replay.status_code == 200 and replay.get_json()["customer"]["greeting_name"] == "王女士"
    assert_error(lobby.post(URL, {**body, "salutation": "mr"}), 409, "id_conflict")
    with app.app_context():
        assert len(db.session.scalars(select(Customer)).all()) == 1


@pytest.mark.parametrize(
    "query, matched",
    [
        ("lxs", "initials"),
        ("LXS", "initials"),
        ("lixiaoshan", "pinyin"),
        ("li xiao", "pinyin"),
        ("lx", "initials"),
        ("李小山", "name"),
        ("李", "name"),
        (PHONE, "phone"),
        ("138 1234 5678", "phone"),
        ("5678", "phone_last4"),
        ("5679", "card_last4"),
        ("002X", "id_number_last4"),
        ("002x", "id_number_last4"),
        (ID_NUMBER, "id_number"),
        (CARD, "card"),
    ],
)
def test_search_finds_by_every_kind(lobby, query, matched):
    target = new_customer(lobby, phone=PHONE, id_number=ID_NUMBER, card_number=CARD)
    new_customer(lobby, family_name="王", given_name="大明", phone="13900001111")
    found = lobby.get(URL, query_string={"q": query}).get_json()["customers"]
    assert [c["id"] for c in found] == [target["id"]]
    assert found[0]["matched"] == matched and found[0]["phone_masked"] == "138****5678"


def test_search_by_todays_ticket(lobby):
    customer = new_customer(lobby)
    response = lobby.post(
        "/api/v1/visits", {"ticket": "a023", "business_type": "deposit", "customer_id": customer["id"]}
    )
    assert response.status_code == 201
    found = lobby.get(URL, query_string={"q": "A023"}).get_json()["customers"]
    assert [(c["id"], c["matched"]) for c in found] == [(customer["id"], "ticket")]


def test_search_never_crosses_branches(api_factory, make_user):
    a, b = api_factory(), api_factory()
    a.login(make_user("lobby_manager", branch_code="A001"))
    b.login(make_user("lobby_manager", branch_code="B002"))
    mine = new_customer(a, phone=PHONE)
    for query in ("lxs", "5678", PHONE, "李"):
        assert b.get(URL, query_string={"q": query}).get_json()["customers"] == []
    assert_error(b.get(f"{URL}/{mine['id']}"), 404, "not_found")
    assert_error(b.post(f"{URL}/{mine['id']}/reveal", {"field": "phone", "reason": "call back"}), 404, "not_found")


def test_empty_and_unmatched_queries(lobby):
    new_customer(lobby)
    assert lobby.get(URL, query_string={"q": "  "}).get_json()["customers"] == []
    assert lobby.get(URL, query_string={"q": "zzz"}).get_json()["customers"] == []
    assert lobby.get(URL, query_string={"q": "%"}).get_json()["customers"] == []


def test_reveal_needs_a_reason_an_allowed_role_and_is_audited(app, api_factory, make_user):
    lobby, manager = api_factory(), api_factory()
    lobby.login(make_user("lobby_manager"))
    manager.login(make_user("account_manager"))
    customer = new_customer(lobby, phone=PHONE)
    url = f"{URL}/{customer['id']}/reveal"
    assert_error(lobby.post(url, {"field": "phone", "reason": "call back about the card"}), 403, "reveal_not_allowed")
    assert "reason" in assert_error(manager.post(url, {"field": "phone"}), 422, "validation_failed")["fields"]
    response = manager.post(url, {"field": "phone", "reason": "call back about the card"})
    assert response.status_code == 200 and response.get_json() == {"field": "phone", "value": PHONE}
    assert "no-store" in response.headers["Cache-Control"]
    assert_error(manager.post(url, {"field": "id_number", "reason": "check identity"}), 422, "validation_failed")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.revealed")).all()
        assert [(e.subject_id, e.reason, e.details["field"]) for e in events] == [
            (customer["id"], "call back about the card", "phone")
        ]


def test_reveal_roles_follow_the_branch_setting(api_factory, make_user):
    lobby, supervisor = api_factory(), api_factory()
    lobby.login(make_user("lobby_manager"))
    supervisor.login(make_user("supervisor"))
    customer = new_customer(lobby, id_number=ID_NUMBER)
    url = f"{URL}/{customer['id']}/reveal"
    assert supervisor.patch("/api/v1/settings", {"reveal_roles": ["lobby_manager"]}).status_code == 200
    assert lobby.post(url, {"field": "id_number", "reason": "customer asked"}).get_json()["value"] == ID_NUMBER
    assert_error(supervisor.post(url, {"field": "id_number", "reason": "curious"}), 403, "reveal_not_allowed")


def test_assigned_account_manager_must_be_of_the_branch(lobby, make_user):
    other = make_user("account_manager", branch_code="B002")
    error = assert_error(
        lobby.post(
            URL,
            {
                "family_name": "李",
                "assigned_account_manager_id": other.id,
                "consent": {"contact": True, "marketing": False},
            },
        ),
        422,
        "validation_failed",
    )
    assert "assigned_account_manager_id" in error["fields"]


def test_admins_and_anonymous_users_have_no_customer_access(api, make_user):
    assert_error(api.get(URL, query_string={"q": "li"}), 401, "unauthenticated")
    api.login(make_user("admin", branch_code=None))
    assert_error(api.get(URL, query_string={"q": "li"}), 403, "forbidden")
