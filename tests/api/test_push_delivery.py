"""Delivering notifications: real Web Push to a loopback push service that decrypts, its failures and
retries, the worker, the live channel and the branch's choice of channels."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.common.clock import utcnow
from server.extensions import db
from server.notifications import sender
from server.notifications.models import Delivery, DeliveryStatus
from server.push.models import PushSubscription
from tests.fake_push import Answer
from tests.helpers import assert_error, deliver, refer


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


def test_a_branch_that_turns_web_push_off_notifies_only_the_open_app(app, floor, push):
    changed = floor.supervisor.patch("/api/v1/settings", {"notification_channels": ["live"]})
    assert changed.status_code == 200, changed.get_json()
    referral = refer(floor)
    assert deliver(app) == 0 and push.requests == 0
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    assert [d["channel"] for r in shown["reach"] for d in r["deliveries"]] == ["live"]
    bad = floor.supervisor.patch("/api/v1/settings", {"notification_channels": ["pager"]})
    assert "notification_channels.0" in assert_error(bad, 422, "validation_failed")["fields"]
