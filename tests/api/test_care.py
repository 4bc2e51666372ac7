"""Care tasks through the API and the worker: real pushes to a loopback push service that decrypts them."""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.care.models import CareStatus, CareTask
from server.common.clock import utcnow
from server.extensions import db
from server.notifications.models import Channel, Delivery, Notification
from server.worker import run_sweeps_once
from tests.helpers import arrive, assert_error, deliver, make_team


@dataclass
class Staff:
    lobby: object
    lobby_en: object
    supervisor: object
    people: dict


@pytest.fixture
def staff(app, api_factory, make_user, push):
    """Two lobby managers on duty (one reads English), one off duty, a supervisor and an account manager on
    duty: each with a phone subscribed to push."""
    clients, people = make_team(
        api_factory,
        make_user,
        push,
        [
            ("lobby", "lobby_manager", True, None),
            ("lobby-en", "lobby_manager", True, "en"),
            ("lobby-off", "lobby_manager", False, None),
            ("supervisor", "supervisor", False, None),
            ("manager", "account_manager", True, None),
        ],
    )
    return Staff(clients["lobby"], clients["lobby-en"], clients["supervisor"], people)


def waiting(client, minutes_ago: float, ticket: str = "A023") -> dict:
    """A depositor (no amount) who arrived `minutes_ago`: the visit."""
    fields = {"id": str(uuid.uuid4()), "ticket": ticket, "business_type": "deposit"}
    return arrive(client, minutes_ago, statuses=(201,), **fields)["visit"]


def shell_json(client, element_id: str) -> dict:
    """A JSON block the app shell embeds for its scripts (the message catalog, the care sheet's choices)."""
    html = client.get("/").get_data(as_text=True)
    found = re.search(f'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.DOTALL)
    assert found, element_id
    return json.loads(found.group(1))


def open_tasks(client) -> list[dict]:
    response = client.get("/api/v1/care-tasks")
    assert response.status_code == 200
    return response.get_json()["tasks"]


def test_a_customer_past_the_tolerance_reaches_each_on_duty_lobby_manager_once(app, staff, push):
    visit = waiting(staff.lobby, 16)
    run_sweeps_once(app)
    deliver(app)
    received = push.wait_for(2)
    assert sorted(r.device for r in received) == ["lobby", "lobby-en"]  # not off duty, not the supervisor or AM
    by_device = {r.device: r.payload for r in received}
    assert by_device["lobby"]["title"] == "A023 存款 已等 16 分钟，前面 0 位"
    assert by_device["lobby-en"]["title"] == "A023 Deposit has waited 16 min, 0 ahead"
    for payload in by_device.values():
        assert payload["kind"] == "wait.care" and payload["renotify"] is True
        assert payload["tag"] == f"care-wait_care-{visit['id']}" and payload["url"] == "/#tasks"
    run_sweeps_once(app)
    assert deliver(app) == 0 and len(push.received) == 2


def test_two_workers_sweeping_at_once_open_one_task_and_push_once_per_phone(app, staff, push):
    visit = waiting(staff.lobby, 14)
    later = utcnow() + timedelta(minutes=2)
    start = threading.Barrier(2)
    results = []

    def worker():
        start.wait()
        results.append(run_sweeps_once(app, later)["care"])

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(CareTask)
                .where(CareTask.visit_id == visit["id"], CareTask.status == CareStatus.OPEN)
            )
            == 1
        )
        assert (
            db.session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "wait.care"))
            == 2
        )
        assert (
            db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.channel == Channel.WEBPUSH))
            == 2
        )
    deliver(app)
    assert sorted(r.device for r in push.wait_for(2)) == ["lobby", "lobby-en"]


def test_care_given_closes_the_task_on_the_board_and_in_the_list(app, staff):
    visit = waiting(staff.lobby, 16)
    [task] = open_tasks(staff.lobby)
    assert task["kind"] == "wait_care" and task["visit"]["id"] == visit["id"]
    assert task["title"] == "A023 存款 已等 16 分钟，前面 0 位"
    assert shell_json(staff.lobby, "care-catalog")["choices"]["wait_care"][:2] == ["water", "newspaper"]
    row = next(v for v in staff.lobby.get("/api/v1/floor").get_json()["visits"] if v["id"] == visit["id"])
    assert [t["id"] for t in row["care_tasks"]] == [task["id"]]

    body = {"actions": ["water", "told_ahead"], "note": "客户说不急"}
    done = staff.lobby.post(f"/api/v1/care-tasks/{task['id']}/done", body)
    assert done.status_code == 200
    closed = done.get_json()["task"]
    words = shell_json(staff.lobby, "js-messages")  # the app words the codes from its catalog
    assert closed["status"] == "done" and closed["actions"] == ["water", "told_ahead"]
    assert [words[f"care_action.{code}"] for code in closed["actions"]] == ["送水", "告知前面等候人数"]
    assert closed["done_by"]["id"] == staff.people["lobby"].id
    again = staff.lobby.post(f"/api/v1/care-tasks/{task['id']}/done", body)  # the outbox sent it twice
    assert again.status_code == 200 and again.get_json()["task"]["done_at"] == closed["done_at"]
    error = assert_error(
        staff.lobby_en.post(f"/api/v1/care-tasks/{task['id']}/done", {"actions": ["water"]}), 409, "task_closed"
    )
    assert staff.people["lobby"].username in error["message"]

    assert open_tasks(staff.lobby) == []
    row = next(v for v in staff.lobby.get("/api/v1/floor").get_json()["visits"] if v["id"] == visit["id"])
    assert row["care_tasks"] == [] and row["care_given_at"] == closed["done_at"]


def test_the_lobby_manager_who_takes_a_task_alone_gets_its_reminders(app, staff, push):
    visit = waiting(staff.lobby, 16)
    [task] = open_tasks(staff.lobby)
    deliver(app)
    push.wait_for(2)  # the first push went to both lobby managers on duty

    taken = staff.lobby.post(f"/api/v1/care-tasks/{task['id']}/take", {})
    assert taken.status_code == 200
    assert taken.get_json()["task"]["assignee"]["id"] == staff.people["lobby"].id
    assert staff.lobby.post(f"/api/v1/care-tasks/{task['id']}/take", {}).status_code == 200  # sent twice: same
    error = assert_error(staff.lobby_en.post(f"/api/v1/care-tasks/{task['id']}/take", {}), 409, "task_taken")
    assert error["details"] == {"assignee_id": staff.people["lobby"].id}
    assert [t["assignee"]["id"] for t in open_tasks(staff.lobby_en)] == [staff.people["lobby"].id]

    # Ten minutes on, still waiting: the reminder goes to whoever took it, not to the colleague.
    assert run_sweeps_once(app, utcnow() + timedelta(minutes=11))["care"] == 1
    deliver(app)
    reminders = push.wait_for(3)[2:]
    assert [(r.device, r.payload["tag"]) for r in reminders] == [("lobby", f"care-wait_care-{visit['id']}")]

    # Off duty, they no longer hold it alone: the next reminder goes to whoever is on the floor.
    assert staff.lobby.put("/api/v1/me/duty", {"on_duty": False}).status_code == 200
    run_sweeps_once(app, utcnow() + timedelta(minutes=21))
    deliver(app)
    later = push.wait_for(5)[3:]  # by now the wait is past twice the tolerance: the supervisor is told too
    assert sorted((r.device, r.payload["kind"]) for r in later) == [
        ("lobby-en", "wait.care"),
        ("supervisor", "wait.long"),
    ]


def test_only_lobby_managers_take_tasks_and_not_closed_ones(app, staff):
    waiting(staff.lobby, 16)
    [task] = open_tasks(staff.lobby)
    assert_error(staff.supervisor.post(f"/api/v1/care-tasks/{task['id']}/take", {}), 403, "forbidden")
    staff.lobby.post(f"/api/v1/care-tasks/{task['id']}/done", {"actions": ["water"]})
    assert_error(staff.lobby.post(f"/api/v1/care-tasks/{task['id']}/take", {}), 409, "task_closed")


def test_second_triage_from_the_task_moves_the_customer(app, staff):
    visit = waiting(staff.lobby, 16)
    [task] = open_tasks(staff.lobby)
    assert visit["channel"] == "self_service"  # a deposit without an amount: the machine
    response = staff.lobby.post(
        f"/api/v1/care-tasks/{task['id']}/done", {"actions": ["moved_channel"], "channel": "counter"}
    )
    assert response.status_code == 200
    moved = staff.lobby.get(f"/api/v1/visits/{visit['id']}").get_json()["visit"]
    assert moved["channel"] == "counter" and moved["status"] == "waiting"
    row = next(v for v in staff.lobby.get("/api/v1/floor").get_json()["visits"] if v["id"] == visit["id"])
    assert row["channel"] == "counter"


def test_bad_answers_are_refused_with_the_field(app, staff):
    waiting(staff.lobby, 16)
    [task] = open_tasks(staff.lobby)
    url = f"/api/v1/care-tasks/{task['id']}"
    assert (
        "actions"
        in assert_error(staff.lobby.post(f"{url}/done", {"actions": ["escorted_to_car"]}), 422, "validation_failed")[
            "fields"
        ]
    )
    assert_error(staff.lobby.post(f"{url}/done", {"actions": ["moved_channel"]}), 422, "validation_failed")
    assert_error(staff.lobby.post(f"{url}/done", {"actions": []}), 422, "validation_failed")
    assert (
        "reason"
        in assert_error(staff.lobby.post(f"{url}/skip", {"reason": "visit_moved_on"}), 422, "validation_failed")[
            "fields"
        ]
    )
    assert_error(staff.lobby.get("/api/v1/care-tasks?state=everything"), 422, "validation_failed")
    assert open_tasks(staff.lobby)[0]["status"] == "open"  # nothing changed


def test_skipped_with_a_reason(app, staff):
    waiting(staff.lobby, 16)
    [task] = open_tasks(staff.lobby)
    response = staff.lobby.post(f"/api/v1/care-tasks/{task['id']}/skip", {"reason": "declined", "note": "在打电话"})
    skipped = response.get_json()["task"]
    assert response.status_code == 200 and skipped["status"] == "skipped"
    assert skipped["skip_reason"] == "declined" and skipped["note"] == "在打电话"
    assert shell_json(staff.lobby, "js-messages")["care_skip.declined"] == "客户不需要"
    closed = staff.lobby.get("/api/v1/care-tasks?state=closed").get_json()["tasks"]
    assert [t["id"] for t in closed] == [task["id"]]


def test_care_given_offline_after_the_customer_was_called_still_counts(app, staff):
    visit = waiting(staff.lobby, 16)
    [task] = open_tasks(staff.lobby)
    staff.lobby.post(f"/api/v1/visits/{visit['id']}/events", {"id": str(uuid.uuid4()), "type": "called"})
    withdrawn = staff.lobby.get(f"/api/v1/care-tasks/{task['id']}").get_json()["task"]
    assert withdrawn["status"] == "skipped" and withdrawn["skip_reason"] == "visit_moved_on"
    cared_at = (utcnow() - timedelta(minutes=1)).isoformat()
    response = staff.lobby.post(
        f"/api/v1/care-tasks/{task['id']}/done", {"actions": ["water"], "occurred_at": cared_at}
    )
    assert response.status_code == 200 and response.get_json()["task"]["status"] == "done"


def test_tasks_stay_in_their_branch_and_with_floor_staff(app, staff, api_factory, make_user):
    waiting(staff.lobby, 16)
    [task] = open_tasks(staff.lobby)
    other = api_factory()
    other.login(make_user("lobby_manager", branch_code="B002"))
    assert other.get("/api/v1/care-tasks").get_json()["tasks"] == []
    assert_error(other.post(f"/api/v1/care-tasks/{task['id']}/done", {"actions": ["water"]}), 404, "not_found")
    manager = api_factory()
    manager.login(staff.people["manager"])
    assert_error(manager.get("/api/v1/care-tasks"), 403, "forbidden")


def test_the_supervisor_sees_todays_timing_and_who_waited_uncared(app, staff):
    cared = waiting(staff.lobby, 16, ticket="A001")
    [task] = open_tasks(staff.lobby)
    staff.lobby.post(f"/api/v1/care-tasks/{task['id']}/done", {"actions": ["newspaper"]})
    uncared = waiting(staff.lobby, 20, ticket="A002")
    staff.lobby.post(f"/api/v1/visits/{uncared['id']}/events", {"id": str(uuid.uuid4()), "type": "served"})
    waiting(staff.lobby, 5, ticket="A003")  # not past the tolerance yet
    stats = staff.supervisor.get("/api/v1/care-tasks/today").get_json()
    assert stats["done"] == 1 and stats["wait_tolerance_minutes"] == 15
    assert 55 <= stats["median_seconds"] == stats["worst_seconds"] < 120  # due 15 min after arrival, done at 16
    assert stats["by_kind"]["wait_care"]["done"] == 1
    assert [(v["ticket"], v["status"]) for v in stats["waited_without_care"]] == [("A002", "done")]
    assert cared["id"] not in [v["visit_id"] for v in stats["waited_without_care"]]
