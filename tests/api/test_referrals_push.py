"""Referrals end to end through the API, with real Web Push to a loopback push service that decrypts."""

from __future__ import annotations

import base64
import os
import stat
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server import create_app
from server.common.clock import utcnow
from server.config import TestConfig
from server.customers.models import Customer, Tier
from server.extensions import db
from server.notifications import sender
from server.notifications.models import Delivery, DeliveryStatus
from server.push.models import PushSubscription
from server.worker import run_sweeps_once
from tests.fake_push import Answer
from tests.helpers import assert_error

CONTRACT_FIELDS = {"kind", "title", "body", "url", "tag", "ref"}


@dataclass
class Floor:
    lobby: object
    manager: object
    manager2: object
    supervisor: object
    staff: dict
    customer_id: str


@pytest.fixture
def floor(app, api_factory, make_user, push):
    """A branch with a lobby manager, two account managers on duty and a supervisor, each with one phone."""
    staff, clients = {}, {}
    for name, role in (
        ("lobby", "lobby_manager"),
        ("manager", "account_manager"),
        ("manager2", "account_manager"),
        ("supervisor", "supervisor"),
    ):
        staff[name] = make_user(role, username=f"{name}-{uuid.uuid4().hex[:6]}")
        client = api_factory()
        client.login(staff[name])
        response = client.post("/api/v1/push/subscriptions", push.new_device(name).subscription())
        assert response.status_code == 201, response.get_json()
        if role == "account_manager":
            assert client.put("/api/v1/me/duty", {"on_duty": True}).get_json()["user"]["on_duty"] is True
        clients[name] = client
    customer = clients["lobby"].post(
        "/api/v1/customers",
        {
            "family_name": "李",
            "given_name": "小山",
            "salutation": "mr",
            "consent": {"contact": True, "marketing": False},
        },
    )
    return Floor(
        clients["lobby"],
        clients["manager"],
        clients["manager2"],
        clients["supervisor"],
        staff,
        customer.get_json()["customer"]["id"],
    )


def refer(floor, **fields):
    body = {
        "customer_id": floor.customer_id,
        "reason": "存款 50 万到期，问理财",
        "location": "贵宾室 2",
        "urgency": "now",
        "signals": ["wealth_management", "large_amount"],
        **fields,
    }
    response = floor.lobby.post("/api/v1/referrals", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["referral"]


def deliver(app, now: datetime | None = None) -> int:
    with app.app_context():
        return sender.deliver_due(now)


def test_vapid_key_is_a_p256_point_generated_once_into_a_private_file(app, api, make_user):
    api.login(make_user())
    key = api.get("/api/v1/push/vapid-public-key").get_json()["public_key"]
    assert base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))[:1] == b"\x04" and len(key) == 87
    path = Path(app.instance_path) / "vapid_private.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = create_app(TestConfig(app.config["SQLALCHEMY_DATABASE_URI"], instance_path=Path(app.instance_path)))
    assert again.extensions["lobbypad.vapid"].application_server_key == key


def test_subscriptions_only_towards_allowed_push_services(app, api, make_user, push):
    api.login(make_user())
    device = push.new_device("phone").subscription()
    assert api.post("/api/v1/push/subscriptions", device).status_code == 201
    again = api.post("/api/v1/push/subscriptions", device)
    assert again.status_code == 200 and again.get_json()["devices"] == 1
    elsewhere = {**device, "endpoint": "http://10.0.0.7/push/x"}
    error = assert_error(api.post("/api/v1/push/subscriptions", elsewhere), 422, "validation_failed")
    assert "endpoint" in error["fields"]
    bad_keys = {**device, "keys": {"p256dh": "AAAA", "auth": device["keys"]["auth"]}}
    assert (
        "keys.p256dh"
        in assert_error(api.post("/api/v1/push/subscriptions", bad_keys), 422, "validation_failed")["fields"]
    )
    assert api.delete("/api/v1/push/subscriptions", {"endpoint": device["endpoint"]}).status_code == 204
    with app.app_context():
        assert db.session.scalar(select(func.count(PushSubscription.id))) == 0


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


def test_a_dead_subscription_is_deleted_on_410(app, floor, push):
    push.answer_next(Answer(410))
    refer(floor)
    deliver(app)
    with app.app_context():
        assert db.session.scalar(select(func.count(PushSubscription.id))) == 3
        assert db.session.scalar(select(Delivery.status).where(Delivery.channel == "webpush")) == DeliveryStatus.GONE


def test_a_server_error_is_retried_later_and_delivered_once(app, floor, push):
    push.answer_next(Answer(500))
    refer(floor)
    deliver(app)
    assert push.requests == 1 and push.received == []
    assert deliver(app) == 0  # backing off
    deliver(app, utcnow() + timedelta(minutes=10))
    assert len(push.wait_for(1)) == 1 and push.requests == 2
    deliver(app, utcnow() + timedelta(hours=1))
    assert push.requests == 2


def test_retry_after_is_honoured(app, floor, push):
    push.answer_next(Answer(429, {"Retry-After": "120"}))
    before = utcnow()
    refer(floor)
    deliver(app)
    with app.app_context():
        delivery = db.session.scalar(select(Delivery).where(Delivery.channel == "webpush"))
        assert delivery.status == DeliveryStatus.PENDING and delivery.response_status == 429
        assert delivery.next_attempt_at >= before + timedelta(seconds=120)
    deliver(app, utcnow() + timedelta(seconds=60))
    assert push.requests == 1


def test_a_hanging_push_service_times_out_and_is_retried(app, floor, push):
    push.answer_next(Answer(201, hang_seconds=3))
    refer(floor)
    deliver(app)
    with app.app_context():
        delivery = db.session.scalar(select(Delivery).where(Delivery.channel == "webpush"))
        assert delivery.status == DeliveryStatus.PENDING and "Timeout" in delivery.error


def test_giving_up_after_the_last_attempt_shows_on_the_referral(app, floor, push):
    push.answer_next(*[Answer(503)] * sender.MAX_ATTEMPTS)
    referral = refer(floor)
    for attempt in range(sender.MAX_ATTEMPTS):
        deliver(app, utcnow() + timedelta(hours=attempt + 1))
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    webpush = [d for r in shown["reach"] for d in r["deliveries"] if d["channel"] == "webpush"]
    assert webpush == [{"channel": "webpush", "status": "failed", "sent_at": None, "attempts": sender.MAX_ATTEMPTS}]


def test_a_worker_killed_between_claim_and_send_delivers_once_after_restart(app, floor, push):
    refer(floor)
    with app.app_context():
        assert len(sender._claim(utcnow(), 100)) == 1  # claimed and committed, then the worker died
        assert sender._claim(utcnow(), 100) == []  # another worker does not take a live claim
    assert deliver(app) == 0
    deliver(app, utcnow() + sender.LEASE + timedelta(seconds=1))  # the lease ran out: claimed again
    assert len(push.wait_for(1)) == 1 and push.requests == 1


def test_the_live_channel_hands_an_open_app_its_notifications(app, floor, push):
    referral = refer(floor)
    assignee = floor.manager if referral["to"]["id"] == floor.staff["manager"].id else floor.manager2
    live = assignee.get("/api/v1/notifications").get_json()
    assert [n["kind"] for n in live["notifications"]] == ["referral.new"]
    assert live["notifications"][0]["ref"]["id"] == referral["id"]
    later = assignee.get("/api/v1/notifications", query_string={"after": live["notifications"][0]["created_at"]})
    assert later.get_json()["notifications"] == []
    assert floor.lobby.get("/api/v1/notifications").get_json()["notifications"] == []
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    assert {"channel": "live", "status": "sent"}.items() <= next(
        d for r in shown["reach"] for d in r["deliveries"] if d["channel"] == "live"
    ).items()
    assert_error(assignee.get("/api/v1/notifications?after=yesterday"), 422, "validation_failed")


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
                "consent": {"contact": True, "marketing": False},
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


def test_the_running_worker_delivers_a_new_referral_within_seconds_exactly_once(app, floor, push):
    import threading
    import time

    from server.worker import run_forever

    app.config.update(OUTBOX_POLL_SECONDS=0.05, SWEEP_SECONDS=0.5)
    stop = threading.Event()
    worker = threading.Thread(target=run_forever, args=(app, stop), daemon=True)
    worker.start()
    try:
        started = time.monotonic()
        referral = refer(floor)
        (got,) = push.wait_for(1, timeout=5)
        assert time.monotonic() - started < 5
        assert got.payload["ref"]["id"] == referral["id"]
    finally:
        stop.set()
        worker.join(timeout=5)
    assert not worker.is_alive() and len(push.received) == 1 and push.requests == 1


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


class FakeWecomRobot:
    """Enterprise WeChat's group-robot webhook on 127.0.0.1: checks the message shape, records it."""

    def __init__(self, errcodes=()):
        import json as _json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        robot = self
        self.messages, self.errcodes = [], list(errcodes)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = _json.loads(self.rfile.read(int(self.headers["content-length"])))
                assert self.path == "/cgi-bin/webhook/send?key=robot-key", self.path
                assert body["msgtype"] == "text" and isinstance(body["text"]["content"], str), body
                robot.messages.append(body["text"]["content"])
                answer = _json.dumps({"errcode": robot.errcodes.pop(0) if robot.errcodes else 0, "errmsg": "ok"})
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.parametrize("first_errcode", [0, 45009])
def test_the_enterprise_wechat_group_gets_a_chinese_message_with_a_link(app, floor, push, first_errcode):
    robot = FakeWecomRobot(errcodes=[first_errcode])
    try:
        _group_message_round_trip(app, floor, push, robot, first_errcode)
    finally:
        robot.server.shutdown()
        robot.server.server_close()


def _group_message_round_trip(app, floor, push, robot, first_errcode):
    from server.branches import service as branches

    app.config.update(WECOM_ALLOWED_ORIGINS=(robot.origin,), PUBLIC_URL="https://lobbypad.bank.example")
    with app.app_context(), app.test_request_context():
        branch = branches.get_branch_by_code("A001")
        with pytest.raises(Exception) as refused:
            branches.set_wecom_webhook(branch, "http://10.1.2.3/cgi-bin/webhook/send?key=x")
        assert "url" in refused.value.fields
        branches.set_wecom_webhook(branch, f"{robot.origin}/cgi-bin/webhook/send?key=robot-key")
        db.session.commit()
    floor.manager.patch("/api/v1/me", {"preferred_locale": "en"})  # the group still reads Chinese
    referral = refer(floor, account_manager_id=floor.staff["manager"].id)
    deliver(app)
    if first_errcode:  # the robot's per-minute limit: tried again a minute later
        assert robot.messages and len(push.received) == 1
        deliver(app, utcnow() + timedelta(seconds=61))
    assert len(robot.messages) == (2 if first_errcode else 1)
    text = robot.messages[-1]
    assert text.startswith("【大堂助手】") and "有客户等您：李小山" in text and "贵宾室 2" in text
    assert text.endswith(f"https://lobbypad.bank.example/#referrals/{referral['id']}")
    assert push.wait_for(1)[0].payload["title"] == "Customer for you now: 李小山"  # the phone: their language
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    channels = {d["channel"]: d["status"] for r in shown["reach"] for d in r["deliveries"]}
    assert channels["wecom"] == "sent" and channels["webpush"] == "sent"


def test_a_branch_that_turns_web_push_off_notifies_only_the_open_app(app, floor, push):
    changed = floor.supervisor.patch("/api/v1/settings", {"notification_channels": ["live"]})
    assert changed.status_code == 200, changed.get_json()
    referral = refer(floor)
    assert deliver(app) == 0 and push.requests == 0
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    assert [d["channel"] for r in shown["reach"] for d in r["deliveries"]] == ["live"]
    bad = floor.supervisor.patch("/api/v1/settings", {"notification_channels": ["pager"]})
    assert "notification_channels.0" in assert_error(bad, 422, "validation_failed")["fields"]


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
