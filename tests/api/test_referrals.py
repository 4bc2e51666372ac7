"""Referrals end to end through the API: to the account manager's phone (real Web Push, decrypted), accepted,
declined, escalated, followed up, and cards handed out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from server.common.clock import utcnow
from server.customers.models import Customer, Tier
from server.extensions import db
from server.worker import run_sweeps_once
from tests.helpers import assert_error, deliver, refer

CONTRACT_FIELDS = {"kind", "title", "body", "url", "tag", "ref"}


def test_a_referral_reaches_the_account_managers_phone_once_encrypted(app, floor, push):
    referral = refer(floor)
    assert referral["to"]["id"] in (floor.staff["manager"].id, floor.staff["manager2"].id)
    assert deliver(app) >= 1
    received = push.wait_for(1)
    assert len(received) == 1
    got = received[0]
    assignee = "manager" if referral["to"]["id"] == floor.staff["manager"].id else "manager2"
    assert got.device == assignee
    assert CONTRACT_FIELDS <= set(got.payload)
    assert got.payload["kind"] == "referral.new" and got.payload["ref"] == {"type": "referral", "id": referral["id"]}
    assert got.payload["url"] == f"/#referrals/{referral['id']}"
    assert [a["action"] for a in got.payload["actions"]] == ["accept", "open"]  # worded for the assignee
    assert [a["title"] for a in got.payload["actions"]] == ["接单", "打开"]
    assert got.payload["title"] == "有客户等您：李小山"
    assert got.payload["body"] == f"存款 50 万到期，问理财 · 贵宾室 2 · 推荐人 {floor.staff['lobby'].username}"
    assert got.headers["urgency"] == "high" and int(got.headers["ttl"]) == 300 and len(got.headers["topic"]) == 32
    assert deliver(app) == 0 and len(push.received) == 1  # nothing is sent twice


def test_accept_tells_the_lobby_manager_who_and_when(app, floor, push):
    referral = refer(floor)
    deliver(app)
    push.wait_for(1)
    assignee = floor.manager if referral["to"]["id"] == floor.staff["manager"].id else floor.manager2
    other = floor.manager2 if assignee is floor.manager else floor.manager
    assert_error(other.post(f"/api/v1/referrals/{referral['id']}/accept", {"eta_minutes": 3}), 403, "not_assignee")
    accepted = assignee.post(f"/api/v1/referrals/{referral['id']}/accept", {"eta_minutes": 3}).get_json()["referral"]
    assert accepted["status"] == "accepted" and accepted["eta_minutes"] == 3
    again = assignee.post(f"/api/v1/referrals/{referral['id']}/accept", {"eta_minutes": 3})
    steps = [step["type"] for step in again.get_json()["referral"]["timeline"]]
    assert again.status_code == 200 and steps == ["sent", "accepted"]  # the outbox's retry is harmless
    deliver(app)
    push.wait_for(2)
    (told,) = push.of("lobby")
    assert told["kind"] == "referral.accepted"  # worded in the lobby manager's language (Chinese by default)
    assert told["body"] == "李小山 — 3 分钟后到" and accepted["to"]["display_name"] in told["title"]
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    assert [step["type"] for step in shown["timeline"]] == ["sent", "accepted"]
    reached = {(r["kind"], d["channel"], d["status"]) for r in shown["reach"] for d in r["deliveries"]}
    assert ("referral.new", "webpush", "sent") in reached and ("referral.accepted", "webpush", "sent") in reached


def test_nobody_answers_then_it_escalates_to_the_next_manager_and_the_supervisor(app, floor, push):
    referral = refer(floor)
    deliver(app)
    push.wait_for(1)
    first = "manager" if referral["to"]["id"] == floor.staff["manager"].id else "manager2"
    second = "manager2" if first == "manager" else "manager"
    assert run_sweeps_once(app, utcnow() + timedelta(minutes=2))["referral_escalation"] == 0  # not yet
    assert run_sweeps_once(app, utcnow() + timedelta(minutes=4))["referral_escalation"] == 1
    deliver(app)
    push.wait_for(3)
    assert [p["kind"] for p in push.of(second)] == ["referral.escalated"]
    assert [p["kind"] for p in push.of("supervisor")] == ["referral.escalated"]
    assert push.of(second)[0]["renotify"] is True
    assert [p["kind"] for p in push.of(first)] == ["referral.new"]
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    assert shown["status"] == "escalated" and shown["to"]["id"] == floor.staff[second].id
    assert [step["type"] for step in shown["timeline"]] == ["sent", "escalated"]


def test_decline_goes_back_to_the_lobby_manager_who_sends_it_on(app, floor, push):
    referral = refer(floor)
    assignee = floor.manager if referral["to"]["id"] == floor.staff["manager"].id else floor.manager2
    other_name = "manager2" if assignee is floor.manager else "manager"
    declined = assignee.post(f"/api/v1/referrals/{referral['id']}/decline", {"reason": "在开会"}).get_json()["referral"]
    assert declined["status"] == "declined" and declined["decline_reason"] == "在开会"
    moved = floor.lobby.post(f"/api/v1/referrals/{referral['id']}/reassign", {}).get_json()["referral"]
    assert moved["status"] == "sent" and moved["to"]["id"] == floor.staff[other_name].id
    deliver(app)
    push.wait_for(3)
    assert [p["kind"] for p in push.of("lobby")] == ["referral.declined"]
    assert [p["kind"] for p in push.of(other_name)] == ["referral.new"]


def test_the_customers_own_manager_on_duty_gets_it_else_the_least_busy(app, floor, push):
    with app.app_context():
        db.session.get(Customer, floor.customer_id).assigned_account_manager_id = floor.staff["manager2"].id
        db.session.commit()
    assert refer(floor)["to"]["id"] == floor.staff["manager2"].id
    assert refer(floor)["to"]["id"] == floor.staff["manager2"].id
    floor.manager2.put("/api/v1/me/duty", {"on_duty": False})
    assert refer(floor)["to"]["id"] == floor.staff["manager"].id
    floor.manager.put("/api/v1/me/duty", {"on_duty": False})
    body = {"customer_id": floor.customer_id, "reason": "x", "urgency": "now"}
    assert_error(floor.lobby.post("/api/v1/referrals", body), 409, "no_account_manager_on_duty")
    follow_up = floor.lobby.post("/api/v1/referrals", {**body, "urgency": "follow_up"})
    assert follow_up.status_code == 201 and follow_up.get_json()["referral"]["to"]["id"] == floor.staff["manager2"].id


def test_a_lead_with_consent_becomes_a_potential_vip_with_a_follow_up_due_next_business_day(app, floor, push):
    response = floor.lobby.post(
        "/api/v1/referrals",
        {
            "lead": {
                "family_name": "周",
                "salutation": "ms",
                "phone": "13900001111",
                "consent": {"contact": True, "marketing": True},
            },
            "reason": "没时间，留了电话",
            "urgency": "follow_up",
            "signals": ["funds"],
        },
    )
    referral = response.get_json()["referral"]
    assert response.status_code == 201 and referral["customer"]["tier"] == "potential"
    assert referral["customer"]["phone_masked"] == "139****1111"
    due = datetime.fromisoformat(referral["due_at"])
    created = datetime.fromisoformat(referral["created_at"])
    assert (
        timedelta(days=1) <= due - created <= timedelta(days=3)
        and due.astimezone(timezone(timedelta(hours=8))).weekday() < 5
    )
    assert_error(floor.lobby.post("/api/v1/referrals", {"reason": "x", "urgency": "now"}), 422, "validation_failed")


def test_outcome_became_vip_upgrades_the_customer(app, floor, push):
    referral = refer(floor)
    assignee = floor.manager if referral["to"]["id"] == floor.staff["manager"].id else floor.manager2
    url = f"/api/v1/referrals/{referral['id']}"
    assert_error(assignee.post(f"{url}/met", {}), 409, "invalid_transition")
    assignee.post(f"{url}/accept", {})
    assert assignee.post(f"{url}/met", {}).get_json()["referral"]["status"] == "met"
    error = assert_error(assignee.post(f"{url}/outcome", {"result": "product_sold"}), 422, "validation_failed")
    assert error["fields"]["body"] == "请填写售出的产品名称。"
    done = assignee.post(f"{url}/outcome", {"result": "became_vip", "note": "开了理财账户"}).get_json()["referral"]
    assert done["status"] == "outcome_recorded" and done["outcome"] == "became_vip"
    with app.app_context():
        assert db.session.get(Customer, floor.customer_id).tier == Tier.VIP


def test_referrals_are_invisible_to_another_branch(app, floor, push, api_factory, make_user):
    referral = refer(floor)
    stranger = api_factory()
    stranger.login(make_user("account_manager", branch_code="B002"))
    assert_error(stranger.get(f"/api/v1/referrals/{referral['id']}"), 404, "not_found")
    assert_error(stranger.post(f"/api/v1/referrals/{referral['id']}/accept", {}), 404, "not_found")
    assert stranger.get("/api/v1/referrals").get_json()["referrals"] == []


def test_the_same_accept_arriving_twice_at_once_is_one_step(app, floor, push, monkeypatch):
    """The page's outbox and the service worker's sync (or the notification's Accept) send it together:
    both read "sent"; the second must wait for the first and see "accepted" (seen in a browser test)."""
    from server.auth.models import User
    from server.referrals import service

    referral = refer(floor)
    assignee = floor.manager if referral["to"]["id"] == floor.staff["manager"].id else floor.manager2
    real_get, raced = service.get_referral, []

    def read_then_let_the_other_request_commit(actor, referral_id):
        found = real_get(actor, referral_id)
        assert found.status == "sent"  # read before the other request commits
        if not raced:
            raced.append(True)
            with app.app_context():  # the other request, in its own session
                service.accept(db.session.get(User, actor.id), referral_id, 3)
                db.session.commit()
        return found

    monkeypatch.setattr(service, "get_referral", read_then_let_the_other_request_commit)
    response = assignee.post(f"/api/v1/referrals/{referral['id']}/accept", {"eta_minutes": 3})
    assert response.status_code == 200, response.get_json()
    steps = [step["type"] for step in response.get_json()["referral"]["timeline"]]
    assert steps == ["sent", "accepted"]
    deliver(app)
    push.wait_for(2)
    assert [p["kind"] for p in push.of("lobby")] == ["referral.accepted"]


def test_a_card_from_the_branch_stock_is_handed_out_once_with_the_follow_up(app, floor, push):
    batch = floor.lobby.post("/api/v1/cards/batches", {"prefix": "vip", "first": 1, "last": 50, "width": 4})
    assert batch.status_code == 201 and batch.get_json()["batch"]["first_serial"] == "VIP0001"
    assert_error(
        floor.lobby.post("/api/v1/cards/batches", {"prefix": "VIP", "first": 50, "last": 60, "width": 4}),
        409,
        "batch_overlaps",
    )
    body = {
        "customer_id": floor.customer_id,
        "reason": "没时间，拿了体验卡",
        "urgency": "follow_up",
        "best_time": "工作日晚上",
        "card": {"card_type": "vip_experience", "serial": "vip0007"},
    }
    created = floor.lobby.post("/api/v1/referrals", body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["referral"]["best_time"] == "工作日晚上"
    error = assert_error(floor.lobby.post("/api/v1/referrals", body), 409, "serial_already_handed_out")
    assert "card.serial" in error["fields"]
    outside = {**body, "card": {"card_type": "vip_experience", "serial": "VIP0099"}}
    assert (
        "card.serial"
        in assert_error(floor.lobby.post("/api/v1/referrals", outside), 422, "validation_failed")["fields"]
    )
    no_serial = {**body, "card": {"card_type": "vip_experience"}}
    assert_error(floor.lobby.post("/api/v1/referrals", no_serial), 422, "validation_failed")
    in_the_lobby = {**body, "urgency": "now", "card": {"card_type": "product_brochure"}}
    assert_error(floor.lobby.post("/api/v1/referrals", in_the_lobby), 422, "validation_failed")
    brochure = floor.lobby.post(
        "/api/v1/referrals", {**body, "card": {"card_type": "product_brochure", "serial": "X1"}}
    )
    assert brochure.status_code == 201
    stock = floor.supervisor.get("/api/v1/cards/stock").get_json()
    assert [(b["first_serial"], b["handed_out"], b["remaining"]) for b in stock["batches"]] == [("VIP0001", 1, 49)]
    assert [(h["card_type"], h["serial"]) for h in stock["handouts"]] == [
        ("product_brochure", None),
        ("vip_experience", "VIP0007"),
    ]
    assert stock["handouts"][1]["customer"]["full_name"] == "李小山"


def test_a_follow_up_past_its_due_time_alerts_the_supervisor_once(app, floor, push):
    referral = refer(floor, urgency="follow_up", location=None)
    due = datetime.fromisoformat(referral["due_at"])
    assert run_sweeps_once(app, due - timedelta(minutes=1))["referral_escalation"] == 0
    assert run_sweeps_once(app, due + timedelta(minutes=1))["referral_escalation"] == 1
    assert run_sweeps_once(app, due + timedelta(hours=1))["referral_escalation"] == 0  # alerted once
    deliver(app)
    push.wait_for(2)
    assert [p["kind"] for p in push.of("supervisor")] == ["referral.overdue"]
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    assert [step["type"] for step in shown["timeline"]] == ["sent", "overdue"]
    assert shown["status"] == "sent"  # still the account manager's to call back


STEP_BODIES = {
    "accept": {"eta_minutes": 3},
    "decline": {"reason": "与客户约在明天"},
    "met": {},
    "outcome": {"result": "not_interested"},
    "reassign": {},
    "cancel": {},
}


def test_each_reader_is_told_the_steps_they_may_take_and_no_other_step_is_taken(app, floor, push):
    """`allowed_actions` is what the app draws buttons from: it must be exactly what the server lets through."""
    referral = refer(floor)
    assignee = floor.manager if referral["to"]["id"] == floor.staff["manager"].id else floor.manager2
    other = floor.manager2 if assignee is floor.manager else floor.manager

    def actions(client):
        return client.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]["allowed_actions"]

    assert actions(assignee) == ["accept", "decline"]
    assert actions(floor.lobby) == actions(floor.supervisor) == ["reassign", "cancel"]
    assert actions(other) == []
    for client in (other, floor.lobby):  # every step not offered is refused, and changes nothing
        for step in set(STEP_BODIES) - set(actions(client)):
            answer = client.post(f"/api/v1/referrals/{referral['id']}/{step}", STEP_BODIES[step])
            assert answer.status_code in (403, 409), (step, answer.get_json())
    assert assignee.post(f"/api/v1/referrals/{referral['id']}/accept", STEP_BODIES["accept"]).status_code == 200
    assert actions(assignee) == ["decline", "met", "outcome"]
    assert actions(floor.lobby) == ["cancel"]
    for step in set(STEP_BODIES) - {"decline", "met", "outcome", "accept"}:  # accept again: the outbox's replay
        answer = assignee.post(f"/api/v1/referrals/{referral['id']}/{step}", STEP_BODIES[step])
        assert answer.status_code in (403, 409), (step, answer.get_json())
    assert assignee.post(f"/api/v1/referrals/{referral['id']}/met", {}).status_code == 200
    assert actions(assignee) == ["outcome"] and actions(floor.lobby) == ["cancel"]


def test_the_board_row_of_a_referred_customer_shows_the_referral_and_who_is_coming(floor):
    from tests.helpers import arrive

    visit = arrive(floor.lobby, ticket="V001", customer_id=floor.customer_id)["visit"]
    board = floor.lobby.get("/api/v1/floor")
    assert "referral" not in board.get_json()["visits"][0]
    referral = refer(floor)
    row = floor.lobby.get("/api/v1/floor", headers={"If-None-Match": board.headers["ETag"]}).get_json()["visits"][0]
    assert row["id"] == visit["id"] and row["referral"]["status"] == "sent" and row["referral"]["accepted_at"] is None
    assert floor.manager.post(f"/api/v1/referrals/{referral['id']}/accept", {"eta_minutes": 3}).status_code == 200
    row = floor.lobby.get("/api/v1/floor").get_json()["visits"][0]
    assert row["referral"]["status"] == "accepted" and row["referral"]["eta_minutes"] == 3
    assert row["referral"]["to"]["id"] == floor.staff["manager"].id and row["referral"]["accepted_at"]
