"""Incidents reach the supervisors and the lobby managers on duty at once; their actions make a timeline;
the lost-property register records, hands on, returns and finds."""

from __future__ import annotations

import uuid

from tests.helpers import assert_error, deliver


def test_an_incident_pushes_to_the_supervisors_and_the_lobby_managers_on_duty(app, floor, push, api_factory, make_user):
    colleague = api_factory()
    colleague.login(make_user("lobby_manager"))
    colleague.post("/api/v1/push/subscriptions", push.new_device("colleague").subscription())
    colleague.put("/api/v1/me/duty", {"on_duty": True})
    incident_id = str(uuid.uuid4())
    body = {"id": incident_id, "kind": "illness", "note": "老人在等候区晕倒"}
    first = floor.lobby.post("/api/v1/incidents", body)
    assert first.status_code == 201 and floor.lobby.post("/api/v1/incidents", body).status_code == 200
    deliver(app)
    received = push.wait_for(2)
    assert {r.device for r in received} == {"supervisor", "colleague"}  # not the reporter, not account managers
    for r in received:
        assert r.payload["kind"] == "incident.reported" and r.headers["urgency"] == "high"
        assert r.payload["ref"] == {"type": "incident", "id": incident_id}
        assert "老人在等候区晕倒" in r.payload["body"]


def test_the_timeline_and_closing(app, floor):
    incident = floor.lobby.post("/api/v1/incidents", {"kind": "illness"}).get_json()["incident"]
    url = f"/api/v1/incidents/{incident['id']}/actions"
    step = {"id": str(uuid.uuid4()), "type": "called_120"}
    assert floor.lobby.post(url, step).status_code == 200
    assert floor.lobby.post(url, step).status_code == 200  # the outbox's retry is one action
    floor.lobby.post(url, {"type": "informed_family", "note": "已联系女儿"})
    assert_error(floor.lobby.post(url, {"type": "close"}), 422, "validation_failed")
    closed = floor.lobby.post(url, {"type": "close", "note": "120 送医，家属已到"}).get_json()["incident"]
    assert [a["type"] for a in closed["actions"]] == ["called_120", "informed_family", "close"]
    assert closed["status"] == "closed" and closed["outcome"] == "120 送医，家属已到"
    assert_error(floor.lobby.post(url, {"type": "note", "note": "补充"}), 409, "incident_closed")
    listed = floor.supervisor.get("/api/v1/incidents").get_json()
    assert [i["id"] for i in listed["incidents"]] == [incident["id"]]
    assert listed["catalog"]["illness"]["steps"] == ["first_aider", "called_120", "informed_family"]
    assert len(listed["catalog"]["illness"]["checklist"]) >= 3


def test_bad_kinds_and_other_branches(app, floor, api_factory, make_user):
    assert_error(floor.lobby.post("/api/v1/incidents", {"kind": "fire drill"}), 422, "validation_failed")
    incident = floor.lobby.post("/api/v1/incidents", {"kind": "loitering"}).get_json()["incident"]
    stranger = api_factory()
    stranger.login(make_user("lobby_manager", branch_code="B002"))
    assert_error(stranger.get(f"/api/v1/incidents/{incident['id']}"), 404, "not_found")
    assert stranger.get("/api/v1/incidents").get_json()["incidents"] == []


def test_lost_property_is_kept_found_and_returned(app, floor):
    item = floor.lobby.post(
        "/api/v1/lost-items", {"what": "黑色雨伞", "where_found": "填单台", "kept_where": "大堂经理柜"}
    ).get_json()["item"]
    floor.lobby.post("/api/v1/lost-items", {"what": "老花镜", "where_found": "等候区 3 排"})
    assert [i["what"] for i in floor.lobby.get("/api/v1/lost-items?q=雨伞").get_json()["items"]] == ["黑色雨伞"]
    url = f"/api/v1/lost-items/{item['id']}/steps"
    handed = floor.lobby.post(url, {"handed_to": "营业主管 赵"}).get_json()["item"]
    assert handed["handed_to"] == "营业主管 赵" and handed["status"] == "kept"
    returned = floor.lobby.post(url, {"returned_to": "张伟"}).get_json()["item"]
    assert returned["status"] == "returned" and returned["returned_to"] == "张伟"
    assert floor.lobby.post(url, {"returned_to": "张伟"}).status_code == 200
    assert_error(floor.lobby.post(url, {"returned_to": "李四"}), 409, "already_returned")
    kept = floor.lobby.get("/api/v1/lost-items").get_json()["items"]
    assert [i["what"] for i in kept] == ["老花镜"]
    everything = floor.lobby.get("/api/v1/lost-items?status=all&q=张伟").get_json()["items"]
    assert [i["what"] for i in everything] == ["黑色雨伞"]
