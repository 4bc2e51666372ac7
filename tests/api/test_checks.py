"""Opening and closing checklists: versioned templates, one run per day and phase that two phones tick
together, a ticked fault opens the machine's fault, and the clocks of opening (reminder at 08:45, the
supervisors at 09:00, each once)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from server.checks.reminders import sweep
from tests.helpers import assert_error, raised_by

SHANGHAI = ZoneInfo("Asia/Shanghai")


def start(client, phase: str = "before_opening", **extra) -> dict:
    answer = client.post("/api/v1/checks/runs", {"phase": phase, **extra})
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()["run"]


def tick(client, run: dict, item: dict, result: str, at: datetime | None = None, **extra):
    body = {"id": str(uuid.uuid4()), "result": result, **extra}
    if at is not None:
        body["occurred_at"] = at.isoformat()
    return client.put(f"/api/v1/checks/runs/{run['id']}/items/{item['id']}", body)


def test_a_run_is_shared_by_two_phones_and_merges_item_by_item(app, floor):
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "en"})
    run = start(floor.lobby)
    assert floor.supervisor.post("/api/v1/checks/runs", {"phase": "before_opening"}).status_code == 200
    assert start(floor.supervisor)["id"] == run["id"]
    texts = [i["text"] for i in run["items"]]
    assert "Queue-ticket machine works and has paper" in texts and "Fire equipment in place and unblocked" in texts
    lights = next(i for i in run["items"] if i["text"] == "Lights on and working")
    now = datetime.now(SHANGHAI)
    # Two phones tick the same item; the later tick (by the device's time) wins, both are on its history.
    assert tick(floor.supervisor, run, lights, "ok", now - timedelta(minutes=1)).status_code == 200
    late = tick(floor.lobby, run, lights, "not_applicable", now - timedelta(minutes=2), note="灯在修")
    item = next(i for i in late.get_json()["run"]["items"] if i["id"] == lights["id"])
    assert item["result"] == "ok" and [h["result"] for h in item["history"]] == ["not_applicable", "ok"]
    body = {"id": str(uuid.uuid4()), "result": "ok"}
    url = f"/api/v1/checks/runs/{run['id']}/items/{lights['id']}"
    floor.lobby.put(url, body)
    again = floor.lobby.put(url, body).get_json()["run"]  # the outbox's retry is one tick
    assert len(next(i for i in again["items"] if i["id"] == lights["id"])["history"]) == 3
    assert again["completed_at"] is None
    for other in run["items"]:
        if other["id"] != lights["id"]:
            done = tick(floor.lobby, run, other, "ok").get_json()["run"]
    assert done["completed_at"] is not None
    listed = floor.supervisor.get("/api/v1/checks/runs").get_json()["runs"]
    assert [r["id"] for r in listed] == [run["id"]]


def test_a_fault_ticked_opens_the_machines_fault_once(app, floor):
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "en"})
    run = start(floor.lobby)
    atm2 = next(i for i in run["items"] if i["asset"] and i["asset"]["name"] == "ATM 2")
    assert atm2["category"] == "equipment"
    first = tick(floor.lobby, run, atm2, "fault", note="Out of cash").get_json()["run"]
    second = tick(floor.supervisor, run, atm2, "fault", note="out of cash").get_json()["run"]
    fault_ids = {next(i for i in r["items"] if i["id"] == atm2["id"])["fault_id"] for r in (first, second)}
    assert len(fault_ids) == 1
    faults = floor.lobby.get("/api/v1/faults").get_json()["faults"]
    assert [(f["asset"]["name"], f["symptom"]) for f in faults] == [("ATM 2", "Out of cash")]
    assert floor.lobby.get("/api/v1/floor").get_json()["faults"][0]["id"] in fault_ids


def test_editing_a_template_does_not_change_past_runs(app, floor):
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "en"})
    yesterday = (datetime.now(SHANGHAI) - timedelta(days=1)).date().isoformat()
    past = start(floor.lobby, date=yesterday)
    template = next(
        t
        for t in floor.supervisor.get("/api/v1/checks/templates").get_json()["templates"]
        if t["phase"] == "before_opening"
    )
    lines = [{"id": i["id"], "category": i["category"]} for i in template["items"]]
    lines[0]["text"] = "Queue machine on, two rolls of paper"
    lines = [lines[0], {"text": "Umbrella stand out when it rains", "category": "environment"}, *lines[2:]]
    assert_error(floor.lobby.put("/api/v1/checks/templates/before_opening", {"items": lines}), 403, "forbidden")
    saved = floor.supervisor.put("/api/v1/checks/templates/before_opening", {"items": lines}).get_json()["template"]
    assert saved["version"] == 2 and saved["items"][0]["text"] == "Queue machine on, two rolls of paper"
    assert saved["items"][1]["text"] == "Umbrella stand out when it rains"
    assert saved["items"][2]["asset"]["name"] == "ATM 2"  # kept lines keep their machine
    today = start(floor.lobby)
    assert today["template_version"] == 2 and len(today["items"]) == len(template["items"])
    again = floor.lobby.get(f"/api/v1/checks/runs?date={yesterday}&phase=before_opening").get_json()["runs"][0]
    assert again["template_version"] == 1 and again["items"] == past["items"]
    # A branch's own phase.
    midday = floor.supervisor.put(
        "/api/v1/checks/templates/midday",
        {"name": "Midday", "items": [{"text": "Forms refilled", "category": "materials"}]},
    ).get_json()["template"]
    assert (midday["name"], midday["version"]) == ("Midday", 1)
    assert start(floor.lobby, "midday")["items"][0]["text"] == "Forms refilled"


def test_bad_input(app, floor, api_factory, make_user):
    run = start(floor.lobby)
    item = run["items"][0]
    assert_error(tick(floor.lobby, run, item, "broken"), 422, "validation_failed")
    assert_error(
        floor.lobby.put(f"/api/v1/checks/runs/{run['id']}/items/{uuid.uuid4()}", {"result": "ok"}), 404, "no_such_item"
    )
    assert_error(floor.lobby.post("/api/v1/checks/runs", {"phase": "tea_time"}), 404, "no_checklist")
    assert_error(floor.lobby.post("/api/v1/checks/runs", {"phase": "../x"}), 422, "validation_failed")
    assert_error(
        floor.lobby.post("/api/v1/checks/runs", {"phase": "before_opening", "date": "1900-01-01"}),
        422,
        "validation_failed",
    )
    assert_error(floor.lobby.get("/api/v1/checks/runs?date=99999-1-1"), 422, "validation_failed")
    assert_error(
        floor.supervisor.put("/api/v1/checks/templates/before_opening", {"items": []}), 422, "validation_failed"
    )
    stranger = api_factory()
    stranger.login(make_user("lobby_manager", branch_code="B002"))
    assert_error(tick(stranger, run, item, "ok"), 404, "not_found")


def told(app, at: datetime) -> list[tuple[str, str]]:
    """Run the checks' sweep at `at`: (kind, recipient) of the checks notifications it raised."""
    return raised_by(app, sweep, at, "checks.")


def test_the_opening_clock(app, floor):
    floor.lobby.put("/api/v1/me/duty", {"on_duty": True})
    day = datetime.now(SHANGHAI).date() + timedelta(days=1)
    at = lambda h, m: datetime(day.year, day.month, day.day, h, m, tzinfo=SHANGHAI)
    lobby, supervisor = floor.staff["lobby"].username, floor.staff["supervisor"].username
    assert told(app, at(8, 45)) == []  # a branch that does not keep its checks in the app has none to finish
    floor.lobby.get("/api/v1/checks/templates")  # first use: the branch's checklists are made
    assert told(app, at(8, 44)) == []
    assert told(app, at(8, 45)) == [("checks.due", lobby)]
    assert told(app, at(8, 50)) == []
    assert told(app, at(9, 0)) == [("checks.overdue", supervisor)]
    assert told(app, at(9, 1)) == [] and told(app, at(11, 0)) == []


def test_no_reminder_when_the_checks_are_done_and_a_later_opening_time(app, floor):
    floor.lobby.put("/api/v1/me/duty", {"on_duty": True})
    floor.supervisor.patch("/api/v1/settings", {"opening_time": "09:30"})
    today = datetime.now(SHANGHAI).date()
    at = lambda h, m: datetime(today.year, today.month, today.day, h, m, tzinfo=SHANGHAI)
    assert told(app, at(8, 45)) == []
    run = start(floor.lobby)
    for item in run["items"]:
        tick(floor.lobby, run, item, "ok")
    assert told(app, at(9, 15)) == [] and told(app, at(9, 30)) == []
    assert_error(floor.supervisor.patch("/api/v1/settings", {"opening_time": "9am"}), 422, "validation_failed")
