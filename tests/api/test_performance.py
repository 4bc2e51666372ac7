"""The performance board per role against the supervisor's targets, and the account manager's call list."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from server.common.clock import utcnow
from server.extensions import db
from server.referrals.models import Outcome, Referral, Urgency
from tests import records_seed as seed
from tests.helpers import assert_error

BEIJING = ZoneInfo("Asia/Shanghai")


def test_the_board_per_person_against_the_targets_each_sees_what_is_theirs(app, floor):
    staff = floor.staff
    branch, lobby, manager = staff["lobby"].branch_id, staff["lobby"].id, staff["manager"].id
    today = datetime.now(BEIJING).replace(hour=10, minute=0, second=0, microsecond=0)
    if today > datetime.now(BEIJING):
        today -= timedelta(days=1)
    with app.app_context():
        customer = seed.customer(branch, today)
        db.session.add(customer)
        db.session.flush()
        db.session.add_all(
            [
                seed.referral(
                    branch, customer.id, lobby, manager, today, accepted=True, met=True, outcome=Outcome.BECAME_VIP
                ),
                seed.referral(branch, customer.id, lobby, manager, today, accepted=True),
                seed.referral(branch, customer.id, lobby, staff["manager2"].id, today),
                seed.card(branch, customer.id, lobby, today, serial="VIP0009"),
            ]
        )
        db.session.commit()
    date = today.date().isoformat()
    set_lm = floor.supervisor.put(
        "/api/v1/targets/day/lobby_manager", {"targets": {"referrals_made": 4, "cards_handed_out": 2}}
    )
    assert set_lm.status_code == 200 and set_lm.get_json()["targets"] == {"referrals_made": 4, "cards_handed_out": 2}
    floor.supervisor.put("/api/v1/targets/day/account_manager", {"targets": {"referrals_converted": 2}})
    assert_error(
        floor.lobby.put("/api/v1/targets/day/lobby_manager", {"targets": {"referrals_made": 1}}), 403, "forbidden"
    )
    assert_error(
        floor.supervisor.put("/api/v1/targets/day/lobby_manager", {"targets": {"sales": 1}}), 422, "validation_failed"
    )

    mine = floor.lobby.get(f"/api/v1/performance?period=day&date={date}").get_json()
    assert [p["user"]["id"] for p in mine["people"]] == [lobby]  # a lobby manager sees themself and the branch
    me = mine["people"][0]
    assert me["figures"]["referrals_made"] == 3 and me["figures"]["referrals_converted"] == 1
    assert me["progress"] == {"referrals_made": 0.75, "cards_handed_out": 0.5}
    assert mine["branch"]["figures"]["referrals_made"] == 3
    # The funnel: identified 1 → referred 3 → accepted 2 → met 1 → converted 1.
    assert [s["count"] for s in mine["charts"]["funnel"]] == [1, 3, 2, 1, 1]

    am = floor.manager.get(f"/api/v1/performance?period=day&date={date}").get_json()
    assert [p["user"]["id"] for p in am["people"]] == [manager]
    assert am["people"][0]["figures"]["referrals_made"] == 2  # sent to them
    assert am["people"][0]["progress"] == {"referrals_converted": 0.5}

    everyone = floor.supervisor.get(f"/api/v1/performance?period=month&date={date}").get_json()
    assert {p["user"]["id"] for p in everyone["people"]} == {s.id for s in staff.values()}
    assert everyone["can_set_targets"] is True and mine["can_set_targets"] is False
    # Month targets are their own: none set.
    assert all(p["targets"] == {} for p in everyone["people"])


def follow_up(app, floor, due) -> str:
    staff = floor.staff
    with app.app_context():
        referral = seed.referral(
            staff["lobby"].branch_id,
            floor.customer_id,
            staff["lobby"].id,
            staff["manager"].id,
            utcnow() - timedelta(days=3),
            urgency=Urgency.FOLLOW_UP,
            due=due,
        )
        referral.best_time = "下午 3 点后"
        db.session.add(referral)
        db.session.commit()
        return referral.id


def test_the_call_list_and_its_one_tap_outcomes(app, floor):
    now = utcnow()
    overdue = follow_up(app, floor, now - timedelta(days=2))
    due = follow_up(app, floor, now + timedelta(minutes=1))
    later = follow_up(app, floor, now + timedelta(days=3))
    calls = floor.manager.get("/api/v1/referrals/calls").get_json()
    assert [r["id"] for r in calls["overdue"]] == [overdue]
    assert [r["id"] for r in calls["due_today"]] in ([due], [])  # [] only if "now + 1 min" is tomorrow already
    listed = calls["overdue"][0]
    assert listed["best_time"] == "下午 3 点后" and listed["customer"]["consent"]["contact"] is True
    assert later not in {r["id"] for rows in calls.values() for r in rows}
    assert_error(floor.lobby.get("/api/v1/referrals/calls"), 403, "forbidden")

    # Not reached: due again the next business day, once however often the tap is sent.
    tap = {"id": "7c0e1a52-6b9e-4c1d-9f3a-0d2e5b8a1c44", "result": "not_reached"}
    first = floor.manager.post(f"/api/v1/referrals/{overdue}/calls", tap).get_json()["referral"]
    again = floor.manager.post(f"/api/v1/referrals/{overdue}/calls", tap).get_json()["referral"]
    assert first["due_at"] == again["due_at"] and first["due_at"] > now.isoformat()
    assert first["status"] == "sent" and [e["type"] for e in first["timeline"]][-1] == "call.not_reached"
    assert overdue not in {r["id"] for r in floor.manager.get("/api/v1/referrals/calls").get_json()["overdue"]}

    booked = floor.manager.post(f"/api/v1/referrals/{due}/calls", {"result": "reached_booked", "note": "周五来"})
    assert booked.get_json()["referral"]["outcome"] == "follow_up_booked"
    declined = floor.manager.post(f"/api/v1/referrals/{later}/calls", {"result": "reached_not_interested"})
    assert declined.get_json()["referral"]["status"] == "outcome_recorded"
    assert_error(
        floor.manager2.post(f"/api/v1/referrals/{overdue}/calls", {"result": "not_reached"}), 403, "not_assignee"
    )


def test_a_meeting_without_an_outcome_is_on_the_call_list(app, floor):
    from tests.helpers import refer

    referral = refer(floor, account_manager_id=floor.staff["manager"].id)
    floor.manager.post(f"/api/v1/referrals/{referral['id']}/accept", {})
    floor.manager.post(f"/api/v1/referrals/{referral['id']}/met", {})
    pending = floor.manager.get("/api/v1/referrals/calls").get_json()["outcome_pending"]
    assert [r["id"] for r in pending] == [referral["id"]]
    with app.app_context():
        assert db.session.get(Referral, referral["id"]).status == "met"


def test_targets_refuse_what_is_not_a_number_of_the_metric(floor):
    url = "/api/v1/targets/month/lobby_manager"
    for bad in ({"referrals_made": -1}, {"referrals_made": 1e12}, {"referrals_made": "many"}, {"sales": 3}):
        assert_error(floor.supervisor.put(url, {"targets": bad}), 422, "validation_failed")
    raw = floor.supervisor.client.put(
        url,
        data='{"targets": {"referrals_made": NaN}}',
        content_type="application/json",
        headers=floor.supervisor._headers(),
    )
    assert raw.status_code in (400, 422)
    assert floor.supervisor.put(url, {"targets": {"complaints_on_time": 0.9}}).get_json()["targets"] == {
        "complaints_on_time": 0.9
    }
