"""Arrivals, their steps on the floor, and the board: idempotency, validation, transitions, ETag, scoping."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.floor.models import Visit, VisitEvent
from tests.helpers import arrive, assert_error

VISITS = "/api/v1/visits"


def ago(minutes: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()


def test_arrival_answers_with_the_triage_and_its_reason(lobby):
    body = arrive(lobby, ticket="a023", amount=8000)
    assert body["triage"]["channel"] == "self_service"
    assert body["triage"]["reason"] == "取款 8,000 元，低于自助限额 20,000 元 → 自助设备"
    visit = body["visit"]
    assert (visit["ticket"], visit["status"], visit["channel"], visit["amount"]) == (
        "A023",
        "waiting",
        "self_service",
        8000,
    )


def test_arrival_uses_the_customers_tier(lobby):
    customer = lobby.post(
        "/api/v1/customers",
        {"family_name": "张", "honorific": "张总", "tier": "vip", "consent": {"contact": True, "marketing": True}},
    ).get_json()
    body = arrive(lobby, customer_id=customer["customer"]["id"], amount=100)
    assert body["triage"]["channel"] == "vip_area" and body["visit"]["tier"] == "vip"
    card = lobby.get(f"/api/v1/customers/{customer['customer']['id']}").get_json()
    assert card["customer"]["last_visit_at"] is not None
    assert [v["id"] for v in card["visits"]] == [body["visit"]["id"]]


def test_field_errors_are_in_the_users_language_not_the_validators(lobby):
    error = assert_error(
        lobby.post(VISITS, {"ticket": "A0!", "business_type": "lottery", "amount": -5, "customer_id": "nope"}),
        422,
        "validation_failed",
    )
    assert error["fields"] == {
        "ticket": "只能包含字母、数字和“-”。",
        "amount": "须大于 0。",
        "business_type": "不是可选项之一。",
        "customer_id": "格式不正确。",
    }


def test_override_keeps_the_suggestion_and_needs_a_reason(lobby):
    assert (
        "override_reason"
        in assert_error(
            lobby.post(VISITS, {"ticket": "A1", "business_type": "withdrawal", "amount": 100, "channel": "counter"}),
            422,
            "validation_failed",
        )["fields"]
    )
    body = arrive(lobby, amount=100, channel="counter", override_reason="card swallowed by the ATM")
    assert body["visit"]["channel"] == "counter" and body["visit"]["suggested_channel"] == "self_service"
    assert body["triage"]["channel"] == "self_service"
    assert "card swallowed by the ATM" in body["visit"]["triage_reason"]


@pytest.mark.parametrize(
    "fields, bad",
    [
        ({"amount": -5}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": 10**12}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"business_type": "lottery"}, "business_type"),
        ({"ticket": ""}, "ticket"),
        ({"ticket": "A 1; drop"}, "ticket"),
        ({"flags": ["vip"]}, "flags.0"),
        ({"arrived_at": "2020-01-01T00:00:00+00:00"}, "arrived_at"),
        ({"arrived_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, "arrived_at"),
        ({"arrived_at": "2026-11-22T10:00:00"}, "arrived_at"),
        ({"customer_id": "nope"}, "customer_id"),
    ],
)
def test_bad_arrivals_name_the_field(app, lobby, fields, bad):
    error = assert_error(
        lobby.post(VISITS, {"ticket": "A1", "business_type": "withdrawal", **fields}), 422, "validation_failed"
    )
    assert list(error["fields"]) == [bad]
    with app.app_context():
        assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_arrival_is_idempotent_on_the_client_id(app, lobby):
    visit_id = str(uuid.uuid4())
    payload = {"id": visit_id, "ticket": "A001", "business_type": "deposit", "amount": 5000, "arrived_at": ago(3)}
    first = lobby.post(VISITS, payload)
    again = lobby.post(VISITS, payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["visit"] == first.get_json()["visit"]
    assert again.get_json()["triage"] == first.get_json()["triage"]
    assert_error(lobby.post(VISITS, {**payload, "amount": 6000}), 409, "id_conflict")
    with app.app_context():
        assert db.session.scalar(select(func.count(Visit.id))) == 1


def test_unknown_or_foreign_customer_is_not_found(api_factory, make_user):
    a, b = api_factory(), api_factory()
    a.login(make_user("lobby_manager", branch_code="A001"))
    b.login(make_user("lobby_manager", branch_code="B002"))
    theirs = a.post("/api/v1/customers", {"family_name": "李", "consent": {"contact": False, "marketing": False}})
    response = b.post(
        VISITS, {"ticket": "A1", "business_type": "deposit", "customer_id": theirs.get_json()["customer"]["id"]}
    )
    assert_error(response, 404, "not_found")


def test_steps_follow_the_visit_and_impossible_ones_are_refused(lobby):
    visit = arrive(lobby)["visit"]
    url = f"{VISITS}/{visit['id']}/events"
    care_id = str(uuid.uuid4())
    care = lobby.post(url, {"id": care_id, "type": "care", "note": "water"})
    assert care.status_code == 201 and care.get_json()["notice"] is None  # in time: nothing to tell
    assert lobby.post(url, {"id": care_id, "type": "care", "note": "water"}).status_code == 200  # replay
    called = lobby.post(url, {"type": "called"})
    assert called.status_code == 201 and called.get_json()["visit"]["status"] == "called"
    served = lobby.post(url, {"type": "served"})
    assert served.get_json()["visit"]["status"] == "done" and served.get_json()["visit"]["finished_at"]
    error = assert_error(lobby.post(url, {"type": "called"}), 409, "invalid_transition")
    assert "A001" in error["message"] and error["details"] == {"status": "done"}
    assert lobby.post(url, {"type": "escorted", "note": "to the car"}).status_code == 201


def test_a_step_synced_late_takes_its_place_by_when_it_happened(app, lobby):
    """The queue machine (or another phone) marked the visit served; this phone's "called", made offline
    three minutes before, arrives afterwards: it belongs before the serving, and the history says so."""
    visit = arrive(lobby, arrived_at=ago(10))["visit"]
    url = f"{VISITS}/{visit['id']}/events"
    served_at, called_at = ago(2), ago(5)
    assert lobby.post(url, {"type": "served", "occurred_at": served_at}).status_code == 201
    late = lobby.post(url, {"type": "called", "occurred_at": called_at})
    assert late.status_code == 201, late.get_json()
    assert late.get_json()["visit"]["status"] == "done"
    # The phone is told what became of it, in the user's language, with who moved the visit on and when.
    notice = late.get_json()["notice"]
    tz = ZoneInfo("Asia/Shanghai")
    called_at, served_at = (datetime.fromisoformat(t).astimezone(tz).strftime("%H:%M") for t in (called_at, served_at))
    me = lobby.get("/api/v1/me").get_json()["user"]
    assert notice == (
        f"票号 A001 于 {called_at} 的“已叫号”已记入其记录；其间{me['display_name'] or me['username']}"
        f"于 {served_at} 将其标记为“已办结”，现为“已办结”。"
    )
    with app.app_context():
        stored = db.session.get(Visit, visit["id"])
        events = db.session.scalars(
            select(VisitEvent).where(VisitEvent.visit_id == visit["id"]).order_by(VisitEvent.occurred_at)
        ).all()
        assert [(e.type.value, e.from_status.value, e.to_status.value) for e in events] == [
            ("called", "waiting", "called"),
            ("served", "called", "done"),
        ]
        assert stored.called_at == events[0].occurred_at and stored.finished_at == events[1].occurred_at


def test_a_late_step_that_does_not_fit_the_history_is_refused_with_why(app, lobby):
    visit = arrive(lobby, arrived_at=ago(10))["visit"]
    url = f"{VISITS}/{visit['id']}/events"
    lobby.post(url, {"type": "called", "occurred_at": ago(6)})
    lobby.post(url, {"type": "served", "occurred_at": ago(2)})
    # Left at 4 minutes ago cannot be: the customer was served after that.
    error = assert_error(lobby.post(url, {"type": "left", "occurred_at": ago(4)}), 409, "invalid_transition")
    assert error["message"].startswith("票号 A001 于 ") and "标记为“已办结”" in error["message"]
    # Called again at 4 minutes ago: it was already called then.
    error = assert_error(lobby.post(url, {"type": "called", "occurred_at": ago(4)}), 409, "invalid_transition")
    assert "A001" in error["message"] and "已叫号" in error["message"]
    with app.app_context():
        stored = db.session.get(Visit, visit["id"])
        assert stored.status.value == "done" and stored.finished_at is not None
        assert db.session.scalar(select(func.count(VisitEvent.id))) == 2  # nothing half-applied


def test_a_replayed_step_is_stored_once(app, lobby):
    visit = arrive(lobby)["visit"]
    step = {"id": str(uuid.uuid4()), "type": "care", "note": "water"}
    for _ in range(3):
        lobby.post(f"{VISITS}/{visit['id']}/events", step)
    with app.app_context():
        assert db.session.scalar(select(func.count(VisitEvent.id))) == 1


def test_reroute_needs_a_channel_and_a_reason(lobby):
    visit = arrive(lobby, amount=100)["visit"]
    url = f"{VISITS}/{visit['id']}/events"
    assert_error(lobby.post(url, {"type": "rerouted", "channel": "counter"}), 422, "validation_failed")
    moved = lobby.post(url, {"type": "rerouted", "channel": "counter", "note": "ATM out of cash"})
    assert moved.get_json()["visit"]["channel"] == "counter"


def test_board_orders_by_wait_counts_ahead_and_colours_by_tolerance(lobby):
    arrive(lobby, ticket="A003", amount=100, arrived_at=ago(3))
    arrive(lobby, ticket="A001", amount=100, arrived_at=ago(16))
    arrive(lobby, ticket="A002", amount=100, arrived_at=ago(11))
    arrive(lobby, ticket="C001", business_type="account_opening", arrived_at=ago(1))
    done = arrive(lobby, ticket="A000", amount=100, arrived_at=ago(20))["visit"]
    lobby.post(f"{VISITS}/{done['id']}/events", {"type": "served"})
    board = lobby.get("/api/v1/floor").get_json()
    rows = [(v["ticket"], v["ahead"], v["tolerance_state"], v["waited_minutes"]) for v in board["visits"]]
    assert rows == [("A001", 0, "over", 16), ("A002", 1, "near", 11), ("A003", 2, "ok", 3), ("C001", 0, "ok", 1)]
    assert board["counts"]["waiting"] == 4 and board["counts"]["over_tolerance"] == 1
    assert board["counts"]["by_channel"] == {"self_service": 3, "counter": 1, "vip_area": 0, "green_channel": 0}
    first = board["visits"][0]
    assert first["customer"] is None and first["triage_reason"].endswith("自助设备")
    due = datetime.fromisoformat(first["care_due_at"]) - datetime.fromisoformat(first["arrived_at"])
    assert due == timedelta(minutes=15)


def test_the_green_channel_and_waiting_vips_come_first_then_the_longest_wait(app, lobby):
    from server.worker import run_sweeps_once

    arrive(lobby, ticket="A001", amount=100, arrived_at=ago(16))
    arrive(lobby, ticket="A002", amount=100, arrived_at=ago(2), flags=["elderly"])  # sent to accompany now
    arrive(lobby, ticket="A003", amount=100, arrived_at=ago(9))
    board = lobby.get("/api/v1/floor").get_json()["visits"]
    assert [(v["ticket"], v["channel"], v["priority"]) for v in board] == [
        ("A002", "green_channel", True),
        ("A001", "self_service", False),
        ("A003", "self_service", False),
    ]
    run_sweeps_once(app)  # A001's waiting care fell due a minute ago, before A002 arrived
    tasks = lobby.get("/api/v1/care-tasks").get_json()["tasks"]
    assert [(t["kind"], t["visit"]["ticket"]) for t in tasks] == [("green_channel", "A002"), ("wait_care", "A001")]


def test_board_answers_304_until_something_changes(lobby):
    arrive(lobby, ticket="A001")
    first = lobby.get("/api/v1/floor")
    etag = first.headers["ETag"]
    assert lobby.get("/api/v1/floor", headers={"If-None-Match": etag}).status_code == 304
    arrive(lobby, ticket="A002")
    changed = lobby.get("/api/v1/floor", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and len(changed.get_json()["visits"]) == 2


def test_a_changed_row_is_described_anew_and_the_others_are_not(app, lobby):
    """Rows are worded once and reused while the visit and its customer are unchanged (server/floor/board.py)."""
    from server.branches.models import touch_floor
    from server.customers.models import Customer

    customer = lobby.post(
        "/api/v1/customers", {"family_name": "李", "salutation": "mr", "consent": {"contact": True, "marketing": False}}
    ).get_json()
    first = arrive(lobby, ticket="A001", customer_id=customer["customer"]["id"])["visit"]
    arrive(lobby, ticket="A002")
    before = {v["ticket"]: v for v in lobby.get("/api/v1/floor").get_json()["visits"]}
    assert before["A001"]["customer"]["greeting_name"] == "李先生" and before["A001"]["status"] == "waiting"
    with app.app_context():  # the customer's honorific changes (no step on the visit itself)
        row = db.session.get(Customer, customer["customer"]["id"])
        row.honorific = "李总"
        touch_floor(row.branch_id)
        db.session.commit()
    lobby.post(f"{VISITS}/{first['id']}/events", {"type": "called"})
    after = {v["ticket"]: v for v in lobby.get("/api/v1/floor").get_json()["visits"]}
    assert after["A001"]["customer"]["greeting_name"] == "李总" and after["A001"]["status"] == "called"
    assert before["A002"]["ahead"] == 1 and after["A002"]["ahead"] == 0  # A001 was called: one fewer ahead
    assert {**after["A002"], "ahead": None} == {**before["A002"], "ahead": None}


def test_board_is_per_branch(api_factory, make_user):
    a, b = api_factory(), api_factory()
    a.login(make_user("lobby_manager", branch_code="A001"))
    b.login(make_user("lobby_manager", branch_code="B002"))
    visit = arrive(a)["visit"]
    assert b.get("/api/v1/floor").get_json()["visits"] == []
    assert_error(b.post(f"{VISITS}/{visit['id']}/events", {"type": "called"}), 404, "not_found")


def test_board_query_count_does_not_grow_with_visits(app, lobby):
    """No N+1: the board costs the same queries (its own, one per feature adding to the rows) whatever the
    number of waiting visits and customers."""
    from sqlalchemy import event

    def board_queries() -> int:
        statements = []
        with app.app_context():
            listener = lambda *args: statements.append(args[2])
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                lobby.get("/api/v1/floor").get_json()
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len([s for s in statements if "FROM visits" in s or "FROM customers" in s])

    counts = []
    for n in range(8):
        customer = lobby.post(
            "/api/v1/customers",
            {"family_name": "李", "given_name": f"{n}", "consent": {"contact": False, "marketing": False}},
        ).get_json()
        arrive(lobby, ticket=f"A{n:03}", customer_id=customer["customer"]["id"])
        if n in (0, 7):
            counts.append(board_queries())
    assert counts[0] == counts[1] <= 4, counts  # the board, the referrals' column, the wait estimate's two


def test_account_managers_cannot_log_arrivals(api, make_user):
    api.login(make_user("account_manager"))
    assert_error(api.post(VISITS, {"ticket": "A1", "business_type": "deposit"}), 403, "forbidden")
    assert_error(api.get("/api/v1/floor"), 403, "forbidden")


def test_the_arrival_and_the_board_say_how_long_the_wait_is(lobby):
    """From the branch's own calls: seven counter customers called over the last 30 minutes is a rate of 7/30
    a minute; with two ahead, a newcomer waits about (2 + ½) ÷ 7/30 ≈ 11 minutes."""
    lobby.patch("/api/v1/me", {"preferred_locale": "en"})
    first = arrive(lobby, ticket="B001", business_type="account_opening")
    assert first["wait"] == {"ahead": 0, "minutes": None, "text": "0 ahead; too little history yet to say how long"}
    now = datetime.now(UTC)
    for n in range(7):
        visit = arrive(
            lobby,
            ticket=f"C{n:03}",
            business_type="account_opening",
            arrived_at=(now - timedelta(minutes=40)).isoformat(),
        )["visit"]
        called = {"type": "called", "occurred_at": (now - timedelta(minutes=30 - 5 * n)).isoformat()}
        assert lobby.post(f"{VISITS}/{visit['id']}/events", called).status_code == 201
    arrive(lobby, ticket="B002", business_type="account_opening")
    answer = arrive(lobby, ticket="B003", business_type="account_opening")
    assert answer["wait"] == {"ahead": 2, "minutes": 11, "text": "2 ahead, about 11 min"}
    board = lobby.get("/api/v1/floor").get_json()
    assert board["estimates"]["counter"] == 15  # three waiting now: (3 + ½) ÷ 7/30
    assert board["estimates"]["vip_area"] is None  # no history there: no number
    lobby.patch("/api/v1/me", {"preferred_locale": "zh"})
    assert arrive(lobby, ticket="B004", business_type="account_opening")["wait"]["text"] == "前面 3 位，约 15 分钟"
