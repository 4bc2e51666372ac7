"""Complaints through the API: capture (online or replayed by the outbox), the owner's clocks reaching the
fake push service (decrypted), escalation to the supervisor, the ladder, and the regulatory export."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from server.common.clock import utcnow
from server.complaints import service
from server.complaints.models import Complaint
from server.extensions import db
from server.worker import run_sweeps_once
from tests.helpers import arrive, assert_error, deliver

URL = "/api/v1/complaints"


def capture(client, **fields) -> dict:
    body = {
        "received_via": "on_site",
        "summary": "等了 40 分钟没人管",
        "arose_at": "branch_floor",
        "business": "savings",
        "cause": "service_attitude",
        **fields,
    }
    response = client.post(URL, body)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()["complaint"]


def act(client, complaint_id: str, status: int = 200, **fields):
    response = client.post(f"{URL}/{complaint_id}/actions", fields)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_capture_makes_the_receiver_the_owner_and_starts_the_clocks(app, floor):
    visit = arrive(floor.lobby, minutes_ago=40)["visit"]
    complaint_id = str(uuid.uuid4())
    received = utcnow() - timedelta(minutes=2)
    body = {
        "id": complaint_id,
        "received_at": received.isoformat(),
        "visit_id": visit["id"],
        "customer_id": floor.customer_id,
    }
    complaint = capture(floor.lobby, **body)
    assert complaint["owner"]["id"] == floor.staff["lobby"].id and complaint["level"] == "lobby_manager"
    assert complaint["status"] == "open" and complaint["visit"]["ticket"] == "A001"
    assert complaint["visit"]["waited_minutes"] in (37, 38)  # its waiting time is on record
    assert complaint["customer"]["full_name"] == "李小山"
    assert complaint["standard_numbers"] == {"arose_at": "A1", "business": "B1", "cause": "C1"}
    clocks = {d["kind"]: d for d in complaint["deadlines"]}
    assert set(clocks) == {"on_site", "decision"}
    assert clocks["on_site"]["due_at"] == (received + timedelta(minutes=10)).isoformat()
    assert clocks["decision"]["due_at"] == (received + timedelta(days=15)).isoformat()
    # The outbox sends it again: the same complaint, nothing new.
    again = floor.lobby.post(
        URL,
        {
            "received_via": "on_site",
            "summary": "等了 40 分钟没人管",
            "arose_at": "branch_floor",
            "business": "savings",
            "cause": "service_attitude",
            **body,
        },
    )
    assert again.status_code == 200 and again.get_json()["complaint"]["id"] == complaint_id
    with app.app_context():
        assert db.session.scalar(select(func.count(Complaint.id))) == 1
    mine = floor.lobby.get(f"{URL}?mine=1").get_json()["complaints"]
    assert [c["id"] for c in mine] == [complaint_id]
    shown = floor.lobby.get(f"{URL}/{complaint_id}").get_json()
    assert [step["type"] for step in shown["timeline"]] == ["received"]


def opening_away_from(*instants) -> str:
    """An opening time (branch time) whose clock — a quarter of an hour before to an hour after — is two
    hours from every instant."""
    minutes = [t.astimezone(ZoneInfo("Asia/Shanghai")) for t in instants]
    minutes = [t.hour * 60 + t.minute for t in minutes]
    for candidate in range(0, 24 * 60, 30):
        if all(min(abs(candidate - m), 24 * 60 - abs(candidate - m)) > 120 for m in minutes):
            return f"{candidate // 60:02d}:{candidate % 60:02d}"
    raise AssertionError("no quiet opening time")


def test_the_owner_hears_nothing_until_a_deadline_nears_then_it_escalates(app, floor, push):
    complaint = capture(floor.lobby, received_via="phone", received_at=utcnow().isoformat())
    start = utcnow()
    decision_due = start + timedelta(days=15)
    with app.app_context():
        phone_due = next(
            d.due_at for d in db.session.get(Complaint, complaint["id"]).deadlines if d.kind == "phone_reply"
        )
    half = start + (phone_due - start) / 2 + timedelta(seconds=1)
    # The worker runs every sweep: the branch's opening clock must not speak at these instants.
    opening = opening_away_from(start, half, phone_due)
    assert floor.supervisor.patch("/api/v1/settings", {"opening_time": opening}).status_code == 200
    run_sweeps_once(app, now=start + timedelta(minutes=1))
    assert deliver(app) == 0 and push.received == []  # nothing to say yet
    # Half of the phone clock (one business day) has passed: the owner is reminded, once.
    run_sweeps_once(app, now=half)
    run_sweeps_once(app, now=half + timedelta(seconds=5))
    deliver(app)
    (due,) = push.wait_for(1)
    assert due.device == "lobby" and due.payload["kind"] == "complaint.due"
    assert due.payload["ref"] == {"type": "complaint", "id": complaint["id"]}
    assert due.payload["url"] == f"/#complaints/{complaint['id']}" and due.payload["body"] == "等了 40 分钟没人管"
    # The deadline passes without a reply: the owner and the service quality lead (the supervisor) hear of it.
    run_sweeps_once(app, now=phone_due + timedelta(seconds=1))
    deliver(app)
    received = push.wait_for(3)
    escalated = {r.device: r.payload for r in received[1:]}
    assert set(escalated) == {"lobby", "supervisor"}
    assert {p["kind"] for p in escalated.values()} == {"complaint.escalated"}
    run_sweeps_once(app, now=phone_due + timedelta(minutes=5))
    assert deliver(app) == 0  # each fires once
    shown = floor.supervisor.get(f"{URL}/{complaint['id']}").get_json()
    assert "deadline_passed" in [step["type"] for step in shown["timeline"]]
    states = {d["kind"]: d["state"] for d in shown["complaint"]["deadlines"]}
    assert states["decision"] == "running" and decision_due > phone_due


def test_the_person_complained_about_cannot_handle_it(app, floor, make_user, push):
    complaint = capture(floor.supervisor, about_staff_id=floor.staff["lobby"].id)
    assert complaint["owner"]["id"] == floor.staff["supervisor"].id
    hand_on = {"type": "hand_on", "to_user_id": floor.staff["lobby"].id, "note": "她在值班"}
    assert act(floor.supervisor, complaint["id"], 422, **hand_on)["error"]["fields"]["to_user_id"]
    assert_error(
        floor.lobby.post(f"{URL}/{complaint['id']}/actions", {"type": "note", "note": "我来解释"}),
        403,
        "complained_about",
    )
    shown = floor.lobby.get(f"{URL}/{complaint['id']}").get_json()["complaint"]
    assert shown["allowed_actions"] == []
    # Captured by the person it is about: it goes to the service quality lead at once, and they are told.
    own = capture(floor.lobby, about_staff_id=floor.staff["lobby"].id)
    assert own["owner"]["id"] == floor.staff["supervisor"].id and own["level"] == "service_quality_lead"
    deliver(app)
    assert [p["kind"] for p in push.wait_for(1) and push.of("supervisor")] == ["complaint.assigned"]


def test_the_ladder_skipping_needs_a_reason(app, floor):
    complaint = capture(floor.lobby)
    skip = act(floor.lobby, complaint["id"], 422, type="escalate", level="head")
    assert skip["error"]["fields"] == {"note": skip["error"]["fields"]["note"]}
    up = act(floor.lobby, complaint["id"], type="escalate")["complaint"]
    assert up["level"] == "service_quality_lead" and up["owner"]["id"] == floor.staff["supervisor"].id
    assert {d["kind"]: d["state"] for d in up["deadlines"]}["on_site"] == "met"  # handed to the lead in time
    skipped = act(floor.supervisor, complaint["id"], type="escalate", level="branch_office", note="涉及媒体")
    timeline = skipped["timeline"]
    assert skipped["complaint"]["level"] == "branch_office"
    assert [(s["type"], s["level"]) for s in timeline] == [
        ("received", "lobby_manager"),
        ("escalate", "service_quality_lead"),
        ("escalate", "branch_office"),
    ]
    assert timeline[-1]["note"] == "涉及媒体" and timeline[-1]["details"] == {"skipped": 2}
    top = act(floor.supervisor, complaint["id"], 422, type="escalate")  # nothing above the branch office
    assert "level" in top["error"]["fields"]


def test_extensions_pause_resume_and_the_regulators_clock(app, floor):
    start = utcnow() - timedelta(minutes=1)
    complaint = capture(floor.lobby, received_via="letter", received_at=start.isoformat())
    cid = complaint["id"]
    assert act(floor.lobby, cid, 422, type="extend", note="需调取录像", customer_told=False)["error"]["fields"]
    first = act(floor.lobby, cid, type="extend", note="需调取录像", customer_told=True)["complaint"]
    assert {d["kind"]: d["due_at"] for d in first["deadlines"]}["decision"] == (start + timedelta(days=30)).isoformat()
    assert "extend" not in first["allowed_actions"]  # the second needs a higher level: the supervisor
    second = act(floor.supervisor, cid, 422, type="extend", note="特别复杂", customer_told=True)
    assert "approved_by" in second["error"]["fields"]
    done = act(floor.supervisor, cid, type="extend", note="特别复杂", customer_told=True, approved_by="支行行长 王")
    assert {d["kind"]: d["due_at"] for d in done["complaint"]["deadlines"]}["decision"] == (
        start + timedelta(days=60)
    ).isoformat()
    assert_error(
        floor.supervisor.post(
            f"{URL}/{cid}/actions", {"type": "extend", "note": "再延", "customer_told": True, "approved_by": "x"}
        ),
        403,
        "step_not_allowed",
    )
    paused_at = utcnow() - timedelta(seconds=30)
    paused = act(floor.lobby, cid, type="pause", note="外部鉴定", customer_told=True, occurred_at=paused_at.isoformat())
    assert {d["kind"]: d["state"] for d in paused["complaint"]["deadlines"]}["decision"] == "paused"
    resumed = act(floor.lobby, cid, type="resume")["complaint"]
    due = next(d["due_at"] for d in resumed["deadlines"] if d["kind"] == "decision")
    moved = utcnow() - paused_at
    shift = datetime.fromisoformat(due) - (start + timedelta(days=60))
    assert timedelta(seconds=29) <= shift <= moved + timedelta(seconds=1)  # the pause does not count


def test_reply_resolve_close_and_the_step_is_idempotent(app, floor):
    complaint = capture(floor.lobby, received_via="phone")
    step = {"id": str(uuid.uuid4()), "type": "reply", "how": "phone", "note": "已告知处理意见"}
    replied = act(floor.lobby, complaint["id"], **step)
    again = act(floor.lobby, complaint["id"], **step)
    assert [s["type"] for s in again["timeline"]] == ["received", "reply"] == [s["type"] for s in replied["timeline"]]
    states = {d["kind"]: d["state"] for d in replied["complaint"]["deadlines"]}
    assert states == {"phone_reply": "met", "decision": "met"}
    refused = act(floor.lobby, complaint["id"], 422, type="close")
    assert set(refused["error"]["fields"]) == {"resolution", "how", "customer_response"}
    closed = act(
        floor.lobby,
        complaint["id"],
        type="close",
        resolution="道歉并加开窗口",
        how="in_person",
        customer_response="satisfied",
        root_cause="午间窗口少",
        fix="午间排班加一人",
        valid=True,
    )["complaint"]
    assert closed["status"] == "closed" and closed["outcome"]["fix"] == "午间排班加一人"
    assert closed["allowed_actions"] == []
    assert floor.lobby.get(f"{URL}?mine=1").get_json()["complaints"] == []  # off the owner's phone


def test_withdrawal_and_merge_end_the_clocks(app, floor):
    first = capture(floor.lobby)
    second = capture(floor.lobby, summary="同一件事又来投诉")
    merged = act(floor.lobby, second["id"], type="merge", merge_into_id=first["id"])["complaint"]
    assert merged["status"] == "merged" and merged["merged_into_id"] == first["id"]
    assert {d["state"] for d in merged["deadlines"]} == {"ended"}
    into = floor.lobby.get(f"{URL}/{first['id']}").get_json()
    assert [s["type"] for s in into["timeline"]] == ["received", "merged_in"]
    assert act(floor.lobby, first["id"], 422, type="merge", merge_into_id=second["id"])["error"]["fields"]
    gone = act(floor.lobby, first["id"], type="withdraw", note="客户撤回")["complaint"]
    assert gone["status"] == "withdrawn" and {d["state"] for d in gone["deadlines"]} == {"ended"}
    with app.app_context():
        assert run_sweeps_once(app, now=utcnow() + timedelta(days=20))["complaint_deadlines"] == 0


def test_a_media_complaint_tells_the_supervisors_at_once(app, floor, push):
    capture(floor.lobby, received_via="media", summary="记者来电询问")
    deliver(app)
    push.wait_for(1)
    assert [p["kind"] for p in push.of("supervisor")] == ["complaint.media"]


def test_branch_isolation(app, floor, api_factory, make_user):
    complaint = capture(floor.lobby)
    stranger = api_factory()
    stranger.login(make_user("supervisor", branch_code="B002"))
    assert_error(stranger.get(f"{URL}/{complaint['id']}"), 404, "not_found")
    assert_error(stranger.post(f"{URL}/{complaint['id']}/actions", {"type": "note", "note": "看看"}), 404, "not_found")
    assert stranger.get(URL).get_json()["complaints"] == []
    assert (
        stranger.post(
            URL,
            {
                "received_via": "on_site",
                "summary": "x",
                "arose_at": "other",
                "business": "other",
                "cause": "other",
                "visit_id": str(uuid.uuid4()),
            },
        ).status_code
        == 404
    )


def test_bad_input_names_the_field_and_stores_nothing(app, floor):
    future = (utcnow() + timedelta(hours=1)).isoformat()
    response = floor.lobby.post(
        URL,
        {
            "received_via": "pigeon",
            "summary": "x",
            "details": "长" * 50_000,
            "received_at": future,
            "arose_at": "moon",
            "business": "savings",
            "cause": "nope",
        },
    )
    fields = assert_error(response, 422, "validation_failed")["fields"]
    assert {"received_via", "details", "received_at", "arose_at", "cause"} <= set(fields)
    contact = {"family_name": "王", "phone": "13800001111", "consent": {"contact": False, "marketing": False}}
    refused = floor.lobby.post(
        URL,
        {
            "received_via": "comment_book",
            "summary": "留言",
            "arose_at": "other",
            "business": "other",
            "cause": "other",
            "contact": contact,
        },
    )
    assert_error(refused, 422, "validation_failed")
    with app.app_context():
        assert db.session.scalar(select(func.count(Complaint.id))) == 0
    assert_error(
        floor.lobby.post(f"{URL}/{uuid.uuid4()}/actions", {"type": "note", "note": "x" * 10}), 404, "not_found"
    )


def test_a_comment_book_entry_with_a_contact_is_called_back_the_same_day(app, floor):
    contact = {
        "family_name": "王",
        "salutation": "ms",
        "phone": "13800001111",
        "consent": {"contact": True, "marketing": False},
    }
    complaint = capture(floor.lobby, received_via="comment_book", contact=contact)
    kinds = {d["kind"] for d in complaint["deadlines"]}
    assert kinds == {"call_back", "decision"}
    assert "13800001111" not in str(complaint) and complaint["customer"]["phone_masked"].endswith("1111")
    without = capture(floor.lobby, received_via="comment_book")
    assert {d["kind"] for d in without["deadlines"]} == {"decision"}


def test_the_days_counts_and_the_regulatory_export(app, floor):
    capture(floor.lobby, received_via="phone", cause="rules_process", summary='=HYPERLINK("x")')
    capture(floor.lobby, received_via="on_site")
    closed = capture(floor.lobby, received_via="on_site", business="bank_cards")
    act(floor.lobby, closed["id"], type="close", resolution="当场解决", how="in_person", customer_response="satisfied")
    counts = floor.lobby.get(f"{URL}/day").get_json()
    assert counts["total"] == 3
    assert counts["received_via"] == {"phone": 1, "on_site": 2}
    assert counts["cause"] == {"rules_process": 1, "service_attitude": 2}
    assert counts["status"] == {"open": 2, "closed": 1}
    assert_error(floor.lobby.get(f"{URL}/export.csv"), 403, "forbidden")
    assert_error(floor.supervisor.get(f"{URL}/export.csv?from=2026-13-01"), 422, "validation_failed")
    response = floor.supervisor.get(f"{URL}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.data
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert {
        "received_at",
        "arose_at",
        "arose_at_no",
        "business_no",
        "cause_no",
        "decision_due",
        "decision_result",
        "customer_response",
    } <= set(rows[0])
    by_cause = [r["cause"] for r in rows]
    assert by_cause.count("service_attitude") == 2
    done = next(r for r in rows if r["business"] == "bank_cards")
    assert done["status"] == "closed" and done["decision_result"] == "met" and done["customer_response"] == "satisfied"
    assert next(r for r in rows if r["cause"] == "rules_process")["summary"].startswith("'=")  # not a formula


def test_the_list_shows_the_most_urgent_first_and_says_when_there_are_more(app, floor, monkeypatch):
    monkeypatch.setattr(service, "LIST_LIMIT", 2)
    capture(floor.lobby, received_via="letter", summary="来信")  # 15 days
    phone = capture(floor.lobby, received_via="phone", summary="来电")  # one business day
    on_site = capture(floor.lobby, summary="现场")  # 10 minutes
    body = floor.supervisor.get(f"{URL}?status=open").get_json()
    assert [c["id"] for c in body["complaints"]] == [on_site["id"], phone["id"]] and body["more"] is True
    assert body["complaints"][0]["owner"]["id"] == floor.staff["lobby"].id
    assert [d["kind"] for d in body["complaints"][0]["deadlines"]] == ["on_site", "decision"]
