"""PII key rotation with two keys: search and reveal keep working before, during and after the worker moves
every row to the new key."""

from __future__ import annotations

from pathlib import Path

import pytest

from server import create_app
from server.common.clock import utcnow
from server.config import TestConfig
from server.customers.models import Customer
from server.customers.rekey import rekey_batch
from server.extensions import db
from tests.api.test_customers import URL, new_customer
from tests.helpers import JsonClient

PHONE, ID_NUMBER, CARD = "13812340001", "11010519491231002X", "6222020200112345679"


@pytest.fixture
def rotated(app):
    """The same database served with other PII keys; each app's connections are closed at the end (a
    PostgreSQL connection left to the garbage collector warns in whichever test runs then)."""
    apps = []

    def make(current: str, previous: tuple[str, ...] = ()):
        config = TestConfig(
            app.config["SQLALCHEMY_DATABASE_URI"], instance_path=Path(app.instance_path), PII_KEY=current
        )
        config.PII_KEYS_PREVIOUS = previous
        apps.append(create_app(config))
        return apps[-1]

    yield make
    for made in apps:
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


def signed_in(app, staff) -> JsonClient:
    client = JsonClient(app.test_client())
    assert client.login(staff).status_code == 200
    return client


def found(client, query: str) -> list[str]:
    return [c["id"] for c in client.post(f"{URL}/search", {"q": query}).get_json()["customers"]]


def test_search_and_reveal_work_throughout_a_key_rotation(app, make_user, rotated):
    old_key, new_key = app.config["PII_KEY"], "n" * 40
    lobby, manager = make_user("lobby_manager"), make_user("account_manager")
    before = signed_in(app, lobby)
    customer = new_customer(before, phone=PHONE, id_number=ID_NUMBER, card_number=CARD)

    during = rotated(new_key, (old_key,))
    client, revealer = signed_in(during, lobby), signed_in(during, manager)
    for query in (PHONE, ID_NUMBER, CARD, "0001"):
        assert found(client, query) == [customer["id"]], query
    reveal = revealer.post(f"{URL}/{customer['id']}/reveal", {"field": "phone", "reason": "回电确认"})
    assert reveal.get_json()["value"] == PHONE
    second = new_customer(client, family_name="王", phone="13812340002")  # made under the new key meanwhile
    assert found(client, "13812340002") == [second["id"]]
    dup = client.post(URL, {"family_name": "赵", "phone": PHONE, "consent": {"contact": True, "marketing": False}})
    assert dup.status_code == 409  # duplicates are found across keys

    with during.app_context():
        assert rekey_batch(utcnow()) >= 1
        db.session.commit()
        row = db.session.get(Customer, customer["id"])
        assert row.pii_key_id == during.extensions["lobbypad.vault"].key_id
        assert rekey_batch(utcnow()) == 0

    after = rotated(new_key)  # the old key dropped
    client, revealer = signed_in(after, lobby), signed_in(after, manager)
    for query in (PHONE, ID_NUMBER, "0001"):
        assert found(client, query) == [customer["id"]], query
    reveal = revealer.post(f"{URL}/{customer['id']}/reveal", {"field": "id_number", "reason": "核对身份"})
    assert reveal.get_json()["value"] == ID_NUMBER
