"""Equipment faults: one per machine and symptom, tracked to the fix; on the floor board until fixed; the
triage sends customers to the counter while every machine that can do their business is down; a fault
open too long is brought to the supervisors once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from server.auth.models import User
from server.checks.reminders import sweep
from server.common.clock import utcnow
from server.extensions import db
from server.notifications.models import Notification
from tests.helpers import assert_error


def assets(client) -> dict[str, str]:
    client.patch("/api/v1/me", {"preferred_locale": "en"})
    return {a["name"]: a["id"] for a in client.get("/api/v1/assets").get_json()["assets"]}


def arrive(client, ticket: str, business: str, amount: str | None = None) -> dict:
    body = {"ticket": ticket, "business_type": business, **({"amount": amount} if amount else {})}
    answer = client.post("/api/v1/visits", body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_the_branch_has_its_equipment(app, floor):
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "en"})
    listed = floor.lobby.get("/api/v1/assets").get_json()["assets"]
    assert {a["name"] for a in listed} >= {"ATM 1", "ATM 2", "Smart teller", "Queue machine"}
    atm = next(a for a in listed if a["name"] == "ATM 1")
    assert atm["kind"] == "atm" and atm["self_service"] is True
    assert next(a for a in listed if a["kind"] == "queue_machine")["self_service"] is False


def test_a_fault_is_on_the_board_until_fixed_and_the_same_fault_twice_is_one(app, floor):
    atm2 = assets(floor.lobby)["ATM 2"]
    body = {"id": str(uuid.uuid4()), "asset": atm2, "symptom": "Out of cash", "note": "客户反映"}
    first = floor.lobby.post("/api/v1/faults", body)
    assert first.status_code == 201
    assert floor.lobby.post("/api/v1/faults", body).status_code == 200  # the outbox's retry
    again = floor.supervisor.post("/api/v1/faults", {"asset": atm2, "symptom": "  out of   CASH "})
    assert again.status_code == 200 and again.get_json()["fault"]["id"] == body["id"]
    fault = again.get_json()["fault"]
    assert [e["type"] for e in fault["events"]] == ["opened", "reported_again"]
    board = floor.lobby.get("/api/v1/floor").get_json()
    assert [(f["asset"]["name"], f["symptom"], f["status"]) for f in board["faults"]] == [
        ("ATM 2", "Out of cash", "open")
    ]
    listed = floor.lobby.get("/api/v1/faults?status=open").get_json()["faults"]
    assert [f["id"] for f in listed] == [body["id"]]

    url = f"/api/v1/faults/{body['id']}/actions"
    reported = floor.lobby.post(url, {"type": "reported", "reported_to": "运维 王工", "vendor_ticket": "T-4411"})
    assert reported.get_json()["fault"]["status"] == "reported"
    assert_error(floor.lobby.post(url, {"type": "verified"}), 409, "fault_not_fixed")
    step = {"id": str(uuid.uuid4()), "type": "fixed", "note": "已加钞"}
    fixed = floor.lobby.post(url, step).get_json()["fault"]
    assert floor.lobby.post(url, step).status_code == 200  # a retried step is one
    assert fixed["status"] == "fixed" and fixed["fixed_by"]["display_name"]
    assert floor.lobby.get("/api/v1/floor").get_json()["faults"] == []
    assert_error(floor.lobby.post(url, {"type": "fixing"}), 409, "fault_step_done")
    assert floor.supervisor.post(url, {"type": "verified"}).get_json()["fault"]["status"] == "verified"
    # Fixed, the same symptom is a new fault.
    assert floor.lobby.post("/api/v1/faults", {"asset": atm2, "symptom": "Out of cash"}).status_code == 201


def test_triage_sends_customers_to_the_counter_while_every_atm_is_down(app, floor):
    names = assets(floor.lobby)
    waiting = arrive(floor.lobby, "A000", "withdrawal", "3000")["visit"]  # sent to the ATMs before they broke
    assert waiting["channel"] == "self_service"
    one = floor.lobby.post("/api/v1/faults", {"asset": names["ATM 1"], "symptom": "卡钞"}).get_json()["fault"]
    # One ATM of two down: no change.
    assert arrive(floor.lobby, "A001", "withdrawal", "8000")["visit"]["channel"] == "self_service"
    two = floor.lobby.post("/api/v1/faults", {"asset": names["ATM 2"], "symptom": "黑屏"}).get_json()["fault"]
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "en"})
    answer = arrive(floor.lobby, "A002", "withdrawal", "8000")
    assert answer["visit"]["channel"] == "counter"
    assert answer["triage"]["rule"] == "self_service_down"
    assert answer["triage"]["reason"] == "Self-service machines out of order (Withdrawal) → Counter"
    # The customer the triage had sent to the ATMs gets a care task: take them to the counter.
    tasks = floor.lobby.get("/api/v1/care-tasks").get_json()["tasks"]
    reroute = [t for t in tasks if t["kind"] == "reroute"]
    assert sorted(t["visit"]["ticket"] for t in reroute) == ["A000", "A001"]  # both had been sent to the ATMs
    reroute = [t for t in reroute if t["visit"]["ticket"] == "A000"]
    assert reroute[0]["title"] == "A000: the self-service machines for this are out of order"
    done = floor.lobby.post(
        f"/api/v1/care-tasks/{reroute[0]['id']}/done", {"actions": ["moved_channel"], "channel": "counter"}
    )
    assert done.status_code == 200, done.get_json()
    assert floor.lobby.get(f"/api/v1/visits/{waiting['id']}").get_json()["visit"]["channel"] == "counter"
    # The smart teller still does balance enquiries.
    assert arrive(floor.lobby, "A003", "balance_enquiry")["visit"]["channel"] == "self_service"
    assert floor.lobby.get("/api/v1/floor").get_json()["self_service_down"] == ["deposit", "withdrawal"]
    # A machine that works badly is not down.
    floor.lobby.post(f"/api/v1/faults/{one['id']}/actions", {"type": "fixed"})
    floor.lobby.post("/api/v1/faults", {"asset": names["ATM 1"], "symptom": "No receipts", "severity": "impaired"})
    assert arrive(floor.lobby, "A004", "withdrawal", "8000")["visit"]["channel"] == "self_service"
    floor.lobby.post(f"/api/v1/faults/{two['id']}/actions", {"type": "fixed"})
    assert floor.lobby.get("/api/v1/floor").get_json()["self_service_down"] == []


def test_the_reason_in_chinese(app, floor):
    names = assets(floor.lobby)
    for name in ("ATM 1", "ATM 2"):
        floor.lobby.post("/api/v1/faults", {"asset": names[name], "symptom": "故障"})
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "zh"})
    answer = arrive(floor.lobby, "A010", "withdrawal", "8000")
    assert answer["triage"]["reason"] == "自助设备故障（取款） → 柜台"


def test_a_fault_open_four_hours_is_brought_to_the_supervisors_once(app, floor):
    atm1 = assets(floor.lobby)["ATM 1"]
    fault = floor.lobby.post("/api/v1/faults", {"asset": atm1, "symptom": "吞卡"}).get_json()["fault"]
    start = utcnow()

    def told(at) -> list[tuple[str, str]]:
        with app.app_context():
            before = set(db.session.scalars(select(Notification.id)))
            sweep(at)
            db.session.commit()
            rows = db.session.execute(
                select(Notification.kind, User.username, Notification.payload)
                .join(User, User.id == Notification.recipient_id)
                .where(Notification.id.not_in(before))
            ).all()
            return [(kind, username, payload["body"]) for kind, username, payload in rows]

    assert [t for t in told(start + timedelta(hours=3, minutes=59)) if t[0] == "fault.open_long"] == []
    raised = [t for t in told(start + timedelta(hours=4, minutes=1)) if t[0] == "fault.open_long"]
    assert raised == [("fault.open_long", floor.staff["supervisor"].username, "ATM 1: 吞卡")]
    assert [t for t in told(start + timedelta(hours=9)) if t[0] == "fault.open_long"] == []
    assert fault["status"] == "open"


def test_bad_input_and_other_branches(app, floor, api_factory, make_user):
    atm1 = assets(floor.lobby)["ATM 1"]
    assert_error(floor.lobby.post("/api/v1/faults", {"asset": atm1, "symptom": ""}), 422, "validation_failed")
    assert_error(floor.lobby.post("/api/v1/faults", {"asset": atm1, "symptom": "x" * 201}), 422, "validation_failed")
    assert_error(floor.lobby.post("/api/v1/faults", {"asset": str(uuid.uuid4()), "symptom": "坏了"}), 404, "not_found")
    fault = floor.lobby.post("/api/v1/faults", {"asset": atm1, "symptom": "坏了"}).get_json()["fault"]
    url = f"/api/v1/faults/{fault['id']}/actions"
    assert_error(floor.lobby.post(url, {"type": "opened"}), 422, "validation_failed")
    assert_error(floor.lobby.post(url, {"type": "note"}), 422, "validation_failed")
    stranger = api_factory()
    stranger.login(make_user("lobby_manager", branch_code="B002"))
    assert_error(stranger.get(f"/api/v1/faults/{fault['id']}"), 404, "not_found")
    assert_error(stranger.post("/api/v1/faults", {"asset": atm1, "symptom": "坏了"}), 404, "not_found")
    assert stranger.get("/api/v1/faults").get_json()["faults"] == []
