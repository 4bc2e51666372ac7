"""Benchmark: referral → Web Push request at a loopback push service, and the sender's throughput.

    .venv/bin/python bench/push_delivery.py [--referrals 200] [--pushes 3000]

Latency: the app (SQLite file) with the real worker loop running in a thread (default OUTBOX_POLL_SECONDS),
200 referrals created through the API one after another; for each, the time from the API call to the
push request arriving at the loopback push service (which verifies VAPID and decrypts, as in the tests),
and from the worker's claim to the request. Targets: p95 < 1 s and < 200 ms.
Throughput: one user with `--pushes` subscriptions and one notification (a delivery per subscription);
one worker sends them all (encryption and VAPID included) to a push service that answers 201 without
checking. Target: >= 300 pushes/s. Also the cost of encryption + VAPID signing alone per message.
"""

from __future__ import annotations

import argparse
import logging
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from webpush.types import WebPushSubscription

from server import create_app
from server.auth import service as accounts
from server.branches import service as branches
from server.config import TestConfig
from server.extensions import db
from server.notifications import sender
from server.notifications.service import notify
from server.push.models import PushSubscription
from server.worker import run_forever
from tests.fake_push import FakePushService
from tests.helpers import JsonClient

PASSWORD = "bench-password-1"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def make_app(tmp: Path, name: str):
    app = create_app(TestConfig(f"sqlite:///{tmp / f'{name}.sqlite'}", instance_path=tmp / "instance"))
    with app.app_context():
        db.create_all()
        branch = branches.create_branch("PUSH", "Push bench")
        for username, role in (("lobby", "lobby_manager"), ("manager", "account_manager")):
            user = accounts.create_user(
                username=f"bench-{username}", display_name=username, role=role, branch=branch, password=PASSWORD
            )
            user.on_duty = True
        db.session.commit()
    return app


def client(app, username: str) -> JsonClient:
    api = JsonClient(app.test_client())
    assert api.login(username=f"bench-{username}", password=PASSWORD).status_code == 200
    return api


def latency(tmp: Path, referrals: int) -> list[str]:
    app = make_app(tmp, "latency")
    with app.app_context():
        push = FakePushService(app.extensions["lobbypad.vapid"].application_server_key)
    app.config["PUSH_ALLOWED_ORIGINS"] = (push.origin,)
    lobby, manager = client(app, "lobby"), client(app, "manager")
    assert manager.post("/api/v1/push/subscriptions", push.new_device("manager").subscription()).status_code == 201
    customer = lobby.post("/api/v1/customers", {"family_name": "李", "consent": {"contact": True, "marketing": False}})
    customer_id = customer.get_json()["customer"]["id"]
    claimed_at: dict[str, float] = {}
    real_claim = sender._claim

    def timed_claim(now, batch):
        ids = real_claim(now, batch)
        stamp = time.perf_counter()
        claimed_at.update({i: stamp for i in ids})
        return ids

    sender._claim = timed_claim
    stop = threading.Event()
    worker = threading.Thread(target=run_forever, args=(app, stop), daemon=True)
    worker.start()
    total, from_claim, rng = [], [], random.Random(3)
    try:
        for n in range(referrals):
            start = time.perf_counter()
            response = lobby.post("/api/v1/referrals", {"customer_id": customer_id, "reason": "理财", "urgency": "now"})
            assert response.status_code == 201, response.get_json()
            push.wait_for(n + 1, timeout=10)
            arrived = push.arrivals[n]
            total.append((arrived - start) * 1000)
            with app.app_context():
                delivery_id = db.session.scalar(
                    db.select(sender.Delivery.id)
                    .where(sender.Delivery.channel == "webpush")
                    .order_by(sender.Delivery.created_at.desc())
                )
            from_claim.append((arrived - claimed_at[delivery_id]) * 1000)
            time.sleep(rng.uniform(0, 1.0))  # referrals arrive at random moments of the poll cycle
    finally:
        stop.set()
        worker.join()
        sender._claim = real_claim
        push.close()
    poll = app.config["OUTBOX_POLL_SECONDS"]
    return [
        (
            f"| referral created → push request (worker polling every {poll} s) | {percentile(total, 50):.0f} | "
            f"{percentile(total, 95):.0f} | {max(total):.0f} |"
        ),
        (
            f"| worker's claim → push request | {percentile(from_claim, 50):.1f} | {percentile(from_claim, 95):.1f} | "
            f"{max(from_claim):.1f} |"
        ),
    ]


# A push service in its own process (as a real one is): answers 201 to every POST and counts them.
COUNTING_PUSH_SERVICE = """
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
count = 0
lock = threading.Lock()
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("content-length", 0)))
        with lock:
            count += 1
        self.send_response(201); self.send_header("content-length", "0"); self.end_headers()
    def do_GET(self):
        body = str(count).encode()
        self.send_response(200); self.send_header("content-length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_port, flush=True)
server.serve_forever()
"""


def throughput(tmp: Path, pushes: int) -> list[str]:
    service = subprocess.Popen([sys.executable, "-c", COUNTING_PUSH_SERVICE], stdout=subprocess.PIPE, text=True)
    origin = f"http://127.0.0.1:{service.stdout.readline().strip()}"
    app = make_app(tmp, "throughput")
    try:
        with app.app_context():
            app.config["PUSH_ALLOWED_ORIGINS"] = (origin,)
            keys = FakePushService.__new__(FakePushService)  # only its device-key helper is needed
            keys.origin, keys.devices = origin, {}
            manager = db.session.scalar(db.select(accounts.User).where(accounts.User.username == "bench-manager"))
            for n in range(pushes):
                sub = keys.new_device(f"d{n}").subscription()
                db.session.add(
                    PushSubscription(
                        user_id=manager.id,
                        endpoint=sub["endpoint"],
                        p256dh=sub["keys"]["p256dh"],
                        auth=sub["keys"]["auth"],
                    )
                )
            db.session.flush()
            with app.test_request_context():
                notify(
                    manager,
                    "push.test",
                    title="测试",
                    body="吞吐量",
                    url="/",
                    ref=("user", manager.id),
                    dedupe_key="bench",
                )
            db.session.commit()
            encoder, one = sender.pusher(), db.session.scalar(db.select(PushSubscription))
            target = WebPushSubscription.model_validate(
                {"endpoint": one.endpoint, "keys": {"p256dh": one.p256dh, "auth": one.auth}}
            )
            start = time.perf_counter()
            for _ in range(1000):
                encoder.get({"kind": "push.test", "title": "测试", "body": "吞吐量"}, target)
            encrypt_ms = time.perf_counter() - start  # seconds for 1,000 = ms per message
        start = time.perf_counter()
        with app.app_context():
            while sender.deliver_due():
                pass
        elapsed = time.perf_counter() - start
        received = int(httpx.get(origin).text)
    finally:
        service.terminate()
    assert received == pushes, (received, pushes)
    return [
        (
            f"| one worker, {pushes} pushes to a loopback push service (another process) | "
            f"{pushes / elapsed:.0f} pushes/s ({elapsed:.1f} s) |"
        ),
        f"| encryption (RFC 8291) + VAPID signing per message | {encrypt_ms:.2f} ms |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=200)
    parser.add_argument("--pushes", type=int, default=3000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="lobbypad-bench-"))
    rows = latency(tmp, args.referrals)
    print("| step | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
    print("\n".join(rows))
    print("\n| measure | result |\n|---|---|")
    print("\n".join(throughput(tmp, args.pushes)))


if __name__ == "__main__":
    main()
