"""Mistakes on the floor stay mistakes, not data: a ticket logged twice is answered with the visit already on
the board, a visit logged in error is withdrawn (kept in its history, counted as nothing), and a work-log
note is corrected or withdrawn by its author the same day."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from server.care.models import CareStatus, CareTask
from server.common.clock import utcnow
from server.extensions import db
from server.floor.models import Visit, VisitEvent
from server.worker import run_sweeps_once
from server.worklog.models import WorkLogEntry
from tests.helpers import arrive, assert_error

NOTES = "/api/v1/worklog/entries"


def step(client, visit_id: str, kind: str, **fields):
    return client.post(f"/api/v1/visits/{visit_id}/events", {"id": str(uuid.uuid4()), "type": kind, **fields})


def test_a_ticket_on_the_board_is_not_logged_twice_whatever_the_business(app, lobby):
    first = {"id": str(uuid.uuid4()), "ticket": "A050", "business_type": "withdrawal"}
    visit = arrive(lobby, statuses=(201,), **first)["visit"]
    assert lobby.post("/api/v1/visits", first).status_code == 200  # the same tap again: the same record
    again = lobby.post("/api/v1/visits", {"ticket": "a050", "business_type": "deposit"})
    error = assert_error(again, 409, "ticket_on_board")
    assert "A050" in error["message"] and error["details"] == {
        "visit_id": visit["id"],
        "ticket": "A050",
        "status": "waiting",
    }
    board = lobby.get("/api/v1/floor").get_json()["visits"]
    assert [(v["ticket"], v["business_type"]) for v in board] == [("A050", "withdrawal")]
    assert board[0]["ahead"] == 0


def test_a_ticket_may_come_back_once_its_visit_is_over(lobby):
    visit = arrive(lobby, ticket="A051")["visit"]
    assert step(lobby, visit["id"], "served").status_code == 201
    assert arrive(lobby, ticket="A051", statuses=(201,))["visit"]["status"] == "waiting"


def test_a_visit_logged_in_error_is_withdrawn_not_counted_as_a_walk_out(app, lobby):
    mistake = arrive(lobby, 20, ticket="A052", business_type="deposit")["visit"]
    behind = arrive(lobby, 5, ticket="A053", business_type="deposit")["visit"]
    run_sweeps_once(app)  # the first has waited past the tolerance: its care task is open
    with app.app_context():
        assert db.session.scalar(select(CareTask.status).where(CareTask.visit_id == mistake["id"])) == CareStatus.OPEN

    withdrawn = step(lobby, mistake["id"], "logged_in_error", note="double entry")
    assert withdrawn.status_code == 201
    assert withdrawn.get_json()["visit"]["status"] == "cancelled"
    board = lobby.get("/api/v1/floor").get_json()
    assert [v["id"] for v in board["visits"]] == [behind["id"]]
    assert board["visits"][0]["ahead"] == 0 and board["counts"]["waiting"] == 1
    with app.app_context():
        visit = db.session.get(Visit, mistake["id"])
        assert visit.status.value == "cancelled"
        history = db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit.id)).all()
        assert [(e.type.value, e.note) for e in history] == [("logged_in_error", "double entry")]
        assert db.session.scalar(select(func.count()).where(Visit.status == "left")) == 0
        task = db.session.scalars(select(CareTask).where(CareTask.visit_id == mistake["id"])).one()
        assert task.status == CareStatus.SKIPPED  # nobody is asked to care for a customer who never was
    error = assert_error(step(lobby, mistake["id"], "served"), 409, "invalid_transition")
    assert "A052" in error["message"]
    assert arrive(lobby, ticket="A052", statuses=(201,))  # the right ticket can now be logged


def test_the_author_corrects_and_withdraws_a_note_the_same_day(app, api_factory, make_user):
    author, colleague = api_factory(), api_factory()
    lobby = make_user("lobby_manager")
    author.login(lobby)
    colleague.login(make_user("lobby_manager"))
    note = author.post(NOTES, {"body": "ATM 2 out of paper"}).get_json()["entry"]

    assert_error(colleague.patch(f"{NOTES}/{note['id']}", {"body": "mine now"}), 403, "not_author")
    assert_error(colleague.delete(f"{NOTES}/{note['id']}"), 403, "not_author")
    corrected = author.patch(f"{NOTES}/{note['id']}", {"body": "ATM 2 out of receipt paper"})
    assert corrected.status_code == 200 and corrected.get_json()["entry"]["edited_at"] is not None
    assert [e["body"] for e in colleague.get(NOTES).get_json()["entries"]] == ["ATM 2 out of receipt paper"]

    assert author.delete(f"{NOTES}/{note['id']}").status_code == 200
    assert author.delete(f"{NOTES}/{note['id']}").status_code == 200  # replayed by the outbox: the same
    assert author.get(NOTES).get_json()["entries"] == []
    assert_error(author.patch(f"{NOTES}/{note['id']}", {"body": "again"}), 409, "withdrawn")
    with app.app_context():  # withdrawn, not gone
        assert db.session.get(WorkLogEntry, note["id"]).body == "ATM 2 out of receipt paper"


def test_yesterdays_note_belongs_to_a_closed_day(lobby):
    yesterday = (utcnow() - timedelta(days=1, hours=1)).isoformat()
    note = lobby.post(NOTES, {"body": "late entry", "occurred_at": yesterday}).get_json()["entry"]
    assert_error(lobby.patch(f"{NOTES}/{note['id']}", {"body": "changed"}), 409, "day_closed")
    assert_error(lobby.delete(f"{NOTES}/{note['id']}"), 409, "day_closed")


def test_a_walk_in_found_later_becomes_the_customers_visit(app, lobby):
    visit = arrive(lobby, ticket="A060", business_type="deposit")["visit"]
    customer = lobby.post(
        "/api/v1/customers",
        {"family_name": "方", "salutation": "ms", "tier": "vip", "consent": {"contact": True, "marketing": True}},
    ).get_json()["customer"]
    url = f"/api/v1/visits/{visit['id']}/customer"
    linked = lobby.put(url, {"customer_id": customer["id"]})
    assert linked.status_code == 200 and linked.get_json()["visit"]["customer_id"] == customer["id"]
    assert lobby.put(url, {"customer_id": customer["id"]}).status_code == 200  # replayed: the same
    row = lobby.get("/api/v1/floor").get_json()["visits"][0]
    assert row["customer"]["greeting_name"] == "方女士" and row["tier"] == "vip"
    card = lobby.get(f"/api/v1/customers/{customer['id']}").get_json()
    assert [v["ticket"] for v in card["visits"]] == ["A060"]
    other = lobby.post("/api/v1/customers", {"family_name": "王", "consent": {"contact": False, "marketing": False}})
    assert_error(lobby.put(url, {"customer_id": other.get_json()["customer"]["id"]}), 409, "visit_has_customer")
    with app.app_context():
        from server.audit.models import AuditEvent

        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.visit_linked")).one()


def test_the_same_arrival_arriving_twice_at_once_is_one_visit_not_a_ticket_conflict(app, lobby, monkeypatch):
    """A retry that overtakes its own first try (the first was slow, the phone gave up on it and sent again):
    the second finds the first's visit with the same ticket, and it is the same record (seen in a chaos run)."""
    from server.auth.models import User
    from server.floor import service
    from server.floor.schemas import VisitIn

    real_check = service._refuse_a_ticket_still_open
    body = {"id": str(uuid.uuid4()), "ticket": "A070", "business_type": "deposit"}

    def check_after_the_first_try_committed(branch, ticket, record_id, payload):
        monkeypatch.setattr(service, "_refuse_a_ticket_still_open", real_check)
        with app.app_context():  # the first try, in its own session, commits meanwhile
            actor = db.session.scalars(select(User).where(User.role == "lobby_manager")).first()
            service.log_arrival(actor, VisitIn(**body))
            db.session.commit()
        real_check(branch, ticket, record_id, payload)

    monkeypatch.setattr(service, "_refuse_a_ticket_still_open", check_after_the_first_try_committed)
    response = lobby.post("/api/v1/visits", body)
    assert response.status_code == 200 and response.get_json()["visit"]["id"] == body["id"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.ticket == "A070")) == 1
