"""The shift handover: what is open is listed as it stood; the next one on duty acknowledges it and the
complaints and taken care tasks become theirs (but a complaint about them); the day's log shows it. The
products of the month: set by the supervisor, named when introduced in care, counted on the board."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from server.care.models import CareTask
from server.complaints.models import Complaint
from server.customers.models import Customer
from server.extensions import db
from tests.helpers import arrive, assert_error, make_team

COMPLAINT = {
    "received_via": "on_site",
    "summary": "排队太久",
    "arose_at": "branch_floor",
    "business": "savings",
    "cause": "service_attitude",
}


def test_a_handover_lists_what_is_open_and_the_next_one_takes_it_over(app, floor, api_factory, make_user, push):
    clients, people = make_team(api_factory, make_user, push, [("evening", "lobby_manager", False, None)])
    evening = clients["evening"]
    lobby = floor.lobby
    mine = lobby.post("/api/v1/complaints", COMPLAINT).get_json()["complaint"]["id"]
    about_evening = lobby.post(
        "/api/v1/complaints", {**COMPLAINT, "summary": "态度差", "about_staff_id": people["evening"].id}
    ).get_json()["complaint"]["id"]
    with app.app_context():  # a VIP is waiting
        db.session.get(Customer, floor.customer_id).tier = "vip"
        db.session.commit()
    arrive(lobby, 20, ticket="V001", business_type="wealth_management", customer_id=floor.customer_id)
    draft = lobby.get("/api/v1/handovers").get_json()
    assert [v["ticket"] for v in draft["open"]["waiting_vips"]] == ["V001"]
    assert {c["id"] for c in draft["open"]["complaints"]} == {mine, about_evening}
    evening_id = people["evening"].id
    assert evening_id in {t["id"] for t in draft["takers"]}

    # Not on duty: the floor would be left unstaffed.
    assert_error(lobby.post("/api/v1/handovers", {"to_user_id": evening_id}), 422, "validation_failed")
    evening.put("/api/v1/me/duty", {"on_duty": True})
    body = {"id": "3e1b0c7a-2f4d-4e8a-9b6c-1d0f2a3b4c5d", "to_user_id": evening_id, "note": "A050 在等理财经理"}
    made = lobby.post("/api/v1/handovers", body)
    assert made.status_code == 201 and lobby.post("/api/v1/handovers", body).status_code == 200
    waiting = evening.get("/api/v1/handovers").get_json()["to_acknowledge"]
    assert [h["id"] for h in waiting] == [body["id"]] and waiting[0]["note"] == "A050 在等理财经理"
    assert_error(floor.supervisor.post(f"/api/v1/handovers/{body['id']}/acknowledge", {}), 403, "not_receiver")

    done = evening.post(f"/api/v1/handovers/{body['id']}/acknowledge", {"note": "收到"}).get_json()["handover"]
    assert done["acknowledged_at"] and done["taken_over"]["complaints"] == [mine]
    assert done["taken_over"]["kept"] == [about_evening]  # the person complained about does not handle it
    with app.app_context():
        assert db.session.get(Complaint, mine).owner_id == evening_id
        assert db.session.get(Complaint, about_evening).owner_id == floor.staff["lobby"].id
    assert evening.get("/api/v1/handovers").get_json()["to_acknowledge"] == []
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    log = floor.supervisor.get(f"/api/v1/reports/day?date={today}").get_json()
    assert [h["id"] for h in log["handovers"]] == [body["id"]]


def test_a_taken_care_task_passes_with_the_shift(app, floor, api_factory, make_user, push):
    clients, people = make_team(api_factory, make_user, push, [("evening", "lobby_manager", True, None)])
    visit = arrive(floor.lobby, 1, ticket="G001", flags=["elderly"])["visit"]
    with app.app_context():
        task_id = db.session.query(CareTask).filter_by(visit_id=visit["id"], kind="green_channel").one().id
    assert floor.lobby.post(f"/api/v1/care-tasks/{task_id}/take", {}).status_code == 200
    handover = floor.lobby.post("/api/v1/handovers", {"to_user_id": people["evening"].id}).get_json()["handover"]
    assert [t["id"] for t in handover["items"]["tasks"]] == [task_id]
    clients["evening"].post(f"/api/v1/handovers/{handover['id']}/acknowledge", {})
    with app.app_context():
        assert db.session.get(CareTask, task_id).assignee_id == people["evening"].id


def test_the_products_of_the_month_named_in_care_and_counted_on_the_board(app, floor):
    products = {
        "products": [{"name": "薪享理财", "key_points": "起购 1 万，T+1"}, {"name": "信用卡分期", "key_points": ""}]
    }
    assert_error(floor.lobby.put("/api/v1/campaigns/2026-12", products), 403, "forbidden")
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    assert floor.supervisor.put(f"/api/v1/campaigns/{month}", products).status_code == 200
    listed = floor.lobby.get("/api/v1/campaigns").get_json()
    assert [p["name"] for p in listed["products"]] == ["薪享理财", "信用卡分期"] and listed["can_edit"] is False
    twice = {"products": [{"name": "A"}, {"name": "A"}]}
    assert_error(floor.supervisor.put(f"/api/v1/campaigns/{month}", twice), 422, "validation_failed")

    visit = arrive(floor.lobby, 1, ticket="W002")["visit"]
    with app.app_context():  # the sweep opens waiting care when it falls due
        task = db.session.query(CareTask).filter_by(visit_id=visit["id"], kind="wait_care").one()
        task.status, task_id = "open", task.id
        db.session.commit()
    url = f"/api/v1/care-tasks/{task_id}/done"
    unnamed = floor.lobby.post(url, {"actions": ["water", "product_introduced"]})
    assert_error(unnamed, 422, "validation_failed")
    assert "product" in unnamed.get_json()["error"]["fields"]
    other = floor.lobby.post(url, {"actions": ["product_introduced"], "product": "基金定投"})
    assert_error(other, 422, "validation_failed")
    done = floor.lobby.post(url, {"actions": ["water", "product_introduced"], "product": "薪享理财"})
    assert done.status_code == 200 and done.get_json()["task"]["product"] == "薪享理财"
    board = floor.lobby.get("/api/v1/performance?period=day").get_json()
    assert board["people"][0]["figures"]["products_introduced"] == 1
    assert board["products"] == {"薪享理财": 1}
