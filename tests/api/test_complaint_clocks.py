"""Each clock of a complaint fires once, at the right moment in the branch's time zone, from the worker's
sweep with an injected clock: on site at 16:58 on a Friday, a phone complaint before a holiday, and the
regulator's 15 / 30 / +30 days with a pause and a restart."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from server.common.clock import utcnow
from server.complaints.clocks import sweep
from tests.helpers import raised_by

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/complaints"


def last_weekday(weekday: int, hour: int, minute: int) -> datetime:
    """The most recent such local day and time at least two days ago (a time the API takes as plausible)."""
    day = datetime.now(SHANGHAI).date() - timedelta(days=2)
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def capture(client, received: datetime, via: str) -> str:
    response = client.post(
        URL,
        {
            "received_via": via,
            "received_at": received.isoformat(),
            "summary": "柜员态度差",
            "arose_at": "branch_floor",
            "business": "savings",
            "cause": "service_attitude",
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["complaint"]["id"]


def told(app, at: datetime) -> list[tuple[str, str]]:
    """Run the complaint sweep at `at`; (kind, recipient's username) of what it raised."""
    return raised_by(app, sweep, at)


def test_on_site_at_16_58_on_a_friday(app, floor):
    received = last_weekday(4, 16, 58)
    capture(floor.lobby, received, "on_site")
    lobby, supervisor = floor.staff["lobby"].username, floor.staff["supervisor"].username
    local = lambda h, m, s=0: received.replace(hour=h, minute=m, second=s)
    assert told(app, local(17, 2, 59)) == []
    assert told(app, local(17, 3)) == [("complaint.due", lobby)]
    assert told(app, local(17, 3, 30)) == []
    assert told(app, local(17, 5, 30)) == [("complaint.due", lobby)]
    # 17:08 the same Friday (minutes are not business days): hand it to the service quality lead, who is told.
    assert told(app, local(17, 8)) == [("complaint.escalated", lobby), ("complaint.escalated", supervisor)]
    assert told(app, local(17, 9)) == [] and told(app, local(18, 0)) == []


def test_a_phone_complaint_before_a_holiday(app, floor):
    wednesday = last_weekday(2, 15, 0)
    thursday = wednesday.date() + timedelta(days=1)
    assert floor.supervisor.patch("/api/v1/settings", {"holidays": [thursday.isoformat()]}).status_code == 200
    complaint_id = capture(floor.lobby, wednesday, "phone")
    due = next(
        d
        for d in floor.lobby.get(f"{URL}/{complaint_id}").get_json()["complaint"]["deadlines"]
        if d["kind"] == "phone_reply"
    )
    friday = datetime.fromisoformat(due["due_at"]).astimezone(SHANGHAI)
    assert friday == wednesday + timedelta(days=2)  # Thursday is a holiday: Friday 15:00
    lobby = floor.staff["lobby"].username
    assert told(app, wednesday + timedelta(hours=23, minutes=59)) == []
    assert told(app, wednesday + timedelta(days=1)) == [("complaint.due", lobby)]  # half of two days
    assert told(app, friday - timedelta(hours=1)) == [("complaint.due", lobby)]  # the 3/4 is passed over: latest only
    assert sorted(k for k, _u in told(app, friday)) == ["complaint.escalated", "complaint.escalated"]


def test_the_regulators_clock_with_an_extension_a_pause_and_a_restart(app, floor):
    start = utcnow() - timedelta(minutes=1)
    cid = capture(floor.lobby, start, "letter")
    lobby = floor.staff["lobby"].username
    assert told(app, start + timedelta(days=7, hours=12)) == [("complaint.due", lobby)]
    floor.lobby.post(f"{URL}/{cid}/actions", {"type": "extend", "note": "案情复杂", "customer_told": True})
    # Now due at 30 days: its own half-way (day 15) speaks; the old 15-day deadline does not pass.
    assert told(app, start + timedelta(days=15)) == [("complaint.due", lobby)]
    floor.lobby.post(f"{URL}/{cid}/actions", {"type": "pause", "note": "等待司法鉴定", "customer_told": True})
    assert told(app, start + timedelta(days=29, hours=23)) == []  # paused: silent
    assert told(app, start + timedelta(days=31)) == []
    resumed = floor.lobby.post(f"{URL}/{cid}/actions", {"type": "resume"}).get_json()["complaint"]
    decision = next(d for d in resumed["deadlines"] if d["kind"] == "decision")
    paused_for = datetime.fromisoformat(decision["due_at"]) - (start + timedelta(days=30))
    assert timedelta(0) <= paused_for < timedelta(minutes=1)  # the pause (real seconds here) is added
    restarted = floor.lobby.post(f"{URL}/{cid}/actions", {"type": "new_facts", "note": "客户补充了新的事实"})
    decision = next(d for d in restarted.get_json()["complaint"]["deadlines"] if d["kind"] == "decision")
    again = datetime.fromisoformat(decision["starts_at"])
    assert datetime.fromisoformat(decision["due_at"]) - again == timedelta(days=15)
    assert told(app, again + timedelta(days=15)) == [
        ("complaint.escalated", lobby),
        ("complaint.escalated", floor.staff["supervisor"].username),
    ]
