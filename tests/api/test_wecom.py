"""The branch's Enterprise WeChat group robot: a Chinese message with a link, retried when it says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.common.clock import utcnow
from server.extensions import db
from tests.helpers import deliver, refer


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
    # A third party: the honorific only, never the full name or the reason (finding 8 of the security review).
    assert text.startswith("【大堂助手】") and "推荐：李先生" in text
    assert "李小山" not in text and "存款" not in text
    assert text.endswith(f"https://lobbypad.bank.example/#referrals/{referral['id']}")
    assert push.wait_for(1)[0].payload["title"] == "Customer for you now: 李小山"  # the phone: their language
    shown = floor.lobby.get(f"/api/v1/referrals/{referral['id']}").get_json()["referral"]
    channels = {d["channel"]: d["status"] for r in shown["reach"] for d in r["deliveries"]}
    assert channels["wecom"] == "sent" and channels["webpush"] == "sent"


def test_a_branch_may_opt_in_to_names_in_the_group(app, floor, push):
    robot = FakeWecomRobot(errcodes=[0])
    try:
        from server.branches import service as branches

        app.config.update(WECOM_ALLOWED_ORIGINS=(robot.origin,))
        with app.app_context(), app.test_request_context():
            branches.set_wecom_webhook(
                branches.get_branch_by_code("A001"), f"{robot.origin}/cgi-bin/webhook/send?key=robot-key"
            )
            db.session.commit()
        assert floor.supervisor.patch("/api/v1/settings", {"wecom_share_names": True}).status_code == 200
        refer(floor, account_manager_id=floor.staff["manager"].id)
        deliver(app)
        assert "有客户等您：李小山" in robot.messages[-1] and "贵宾室 2" in robot.messages[-1]
    finally:
        robot.server.shutdown()
        robot.server.server_close()
