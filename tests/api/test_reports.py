"""The day's work log and the monthly report: figures counted by hand here, from records seeded at known
Beijing times, equal the report's (on SQLite and PostgreSQL), the day ending at midnight in Beijing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.cards.models import CardType
from server.care.models import CareKind
from server.complaints.codes import Cause, ReceivedVia, Status
from server.extensions import db
from server.floor.codes import VisitStatus
from server.referrals.models import Outcome
from tests import records_seed as seed
from tests.helpers import assert_error

BEIJING = ZoneInfo("Asia/Shanghai")
DAY = datetime.now(BEIJING).date() - timedelta(days=14)


def at(hour: int, minute: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


NEXT, BEFORE = DAY + timedelta(days=1), DAY - timedelta(days=1)


def seed_day(app, floor) -> None:
    branch, lobby = floor.staff["lobby"].branch_id, floor.staff["lobby"].id
    manager = floor.staff["manager"].id
    with app.app_context():
        v = [
            seed.visit(branch, at(9, 0), waited=5),
            seed.visit(branch, at(9, 10), waited=12),
            seed.visit(branch, at(9, 20), waited=20, cared=True),
            seed.visit(branch, at(10, 0), waited=30),
            seed.visit(branch, at(10, 30), status=VisitStatus.LEFT, left_after=18),
            seed.visit(branch, at(11, 0), status=VisitStatus.LEFT, left_after=5),
            seed.visit(branch, at(14, 0), waited=8, status=VisitStatus.SERVING),
            seed.visit(branch, at(23, 50), waited=3),  # 15:50 UTC: this day's
            seed.visit(branch, at(0, 10, NEXT), waited=1),  # 16:10 UTC the same UTC date: the next day's
            seed.visit(branch, at(23, 55, BEFORE), waited=2),
            seed.visit(branch, at(12, 0), status=VisitStatus.CANCELLED),
        ]
        db.session.add_all(v)
        db.session.flush()
        db.session.add_all(
            [
                seed.care(branch, v[2].id, at(9, 35), done_after=2, done_by=lobby),
                seed.care(branch, v[3].id, at(10, 15), done_after=9, done_by=lobby),
                seed.care(branch, v[4].id, at(10, 45), done_after=None),
                seed.care(branch, v[6].id, at(14, 0), done_after=1, kind=CareKind.GREEN_CHANNEL, done_by=lobby),
                seed.care(branch, v[8].id, at(0, 20, NEXT), done_after=1, done_by=lobby),
            ]
        )
        found = [
            seed.customer(branch, at(9, 5)),
            seed.customer(branch, at(23, 55)),
            seed.customer(branch, at(0, 5, NEXT)),
        ]
        db.session.add_all(found)
        db.session.flush()
        c = found[0].id
        db.session.add_all(
            [
                seed.card(branch, c, lobby, at(9, 6), serial="VIP0002"),
                seed.card(branch, c, lobby, at(9, 7), serial="VIP0001"),
                seed.card(branch, c, lobby, at(9, 8), card_type=CardType.PRODUCT_BROCHURE),
                seed.card(branch, c, lobby, at(0, 1, NEXT), serial="VIP0003"),
                seed.referral(
                    branch, c, lobby, manager, at(9, 10), accepted=True, met=True, outcome=Outcome.PRODUCT_SOLD
                ),
                seed.referral(branch, c, lobby, manager, at(9, 30), accepted=True),
                seed.referral(branch, c, lobby, manager, at(15, 0)),
                seed.referral(branch, c, lobby, manager, at(0, 30, NEXT), accepted=True),
                seed.complaint(branch, lobby, at(10, 5)),
                seed.complaint(
                    branch,
                    lobby,
                    at(16, 0),
                    via=ReceivedVia.COMMENT_BOOK,
                    cause=Cause.FACILITIES_SYSTEMS,
                    status=Status.CLOSED,
                ),
                seed.complaint(branch, lobby, at(0, 1, NEXT)),
                seed.incident(branch, lobby, at(11, 30)),
                seed.fault(branch, lobby, at(10, 0), fixed_after=2),
                seed.fault(branch, lobby, at(15, 0, DAY - timedelta(days=2)), fixed_after=48),
            ]
        )
        cancelled = seed.referral(branch, c, lobby, manager, at(11, 0))
        cancelled.status = "cancelled"
        db.session.add(cancelled)
        db.session.commit()


# Counted by hand from seed_day: the waits of the day's called visits are 5, 12, 20, 30, 8 and 3 minutes
# (sorted 3 5 8 12 20 30: the lower median is the 3rd, 8; the 90th percentile the ceil(0.9 × 6) = 6th, 30).
# Tolerance 15: 20 and 30 are past it; 4 within, of 6 served and 2 who left: a service level of 0.5. Waited
# past it without care: the 30-minute wait and the customer who left after 18 minutes.
EXPECTED_DAY = {
    "arrivals": 8,
    "served": 6,
    "left": 2,
    "waiting": {
        "tolerance_minutes": 15,
        "median": 8.0,
        "p90": 30.0,
        "longest": 30.0,
        "past_tolerance": 2,
        "within_tolerance": 4,
        "service_level": 0.5,
    },
    "care": {
        "tasks": 4,
        "done": 3,
        "by_kind": {"wait_care": 3, "green_channel": 1},
        "response_median": 2.0,  # of 2, 9 and 1 minutes
        "response_worst": 9.0,
        "uncared": 2,
    },
    "potential_vips": 2,
    "cards_handed_out": 3,
    "cards": {
        "handed_out": 3,
        "by_type": {"vip_experience": 2, "product_brochure": 1},
        "vip_serials": ["VIP0001", "VIP0002"],
    },
    "referrals": {"made": 3, "accepted": 2, "met": 1, "converted": 1},
    "complaints": {
        "received": 2,
        "by_channel": {"on_site": 1, "comment_book": 1},
        "by_category": {"service_attitude": 1, "facilities_systems": 1},
        "by_status": {"open": 1, "closed": 1},
    },
    "incidents": {"reported": 1, "by_kind": {"illness": 1}},
    "faults": {"opened": 1, "fixed": 2},
}


def test_the_days_figures_equal_a_count_by_hand_with_the_day_ending_at_midnight_in_beijing(app, floor):
    seed_day(app, floor)
    log = floor.lobby.get(f"/api/v1/reports/day?date={DAY.isoformat()}").get_json()
    assert log["status"] == "draft" and log["allowed_actions"] == ["submit"]
    assert log["figures"] == EXPECTED_DAY
    # The next day has the visit of 00:10 and none of this day's.
    following = floor.lobby.get(f"/api/v1/reports/day?date={NEXT.isoformat()}").get_json()["figures"]
    assert following["arrivals"] == 1 and following["referrals"]["made"] == 1


def test_each_figure_links_to_the_records_it_counts(app, floor):
    seed_day(app, floor)
    log = floor.lobby.get(f"/api/v1/reports/day?date={DAY.isoformat()}").get_json()
    for figure, measure in log["traces"].items():
        expected = log["figures"]
        for part in figure.split("."):
            expected = expected[part]
        listed = floor.lobby.get(f"/api/v1/reports/records?measure={measure}&date={DAY.isoformat()}").get_json()
        assert listed["total"] == expected == len(listed["records"]), figure
    left = floor.lobby.get(f"/api/v1/reports/records?measure=visits.uncared&date={DAY.isoformat()}").get_json()
    assert sorted(r["status"] for r in left["records"]) == ["done", "left"]
    assert_error(floor.lobby.get("/api/v1/reports/records?measure=visits.everything"), 422, "validation_failed")


def test_another_branch_sees_none_of_it(app, floor, make_user, api_factory):
    seed_day(app, floor)
    other = api_factory()
    other.login(make_user("supervisor", branch_code="B002"))
    figures = other.get(f"/api/v1/reports/day?date={DAY.isoformat()}").get_json()["figures"]
    assert figures["arrivals"] == 0 and figures["referrals"]["made"] == 0
    listed = other.get(f"/api/v1/reports/records?measure=visits.arrivals&date={DAY.isoformat()}").get_json()
    assert listed["total"] == 0
    board = other.get(f"/api/v1/performance?period=day&date={DAY.isoformat()}").get_json()
    assert board["branch"]["figures"]["referrals_made"] == 0


def test_hostile_dates_are_refused(floor):
    assert_error(floor.lobby.get("/api/v1/reports/day?date=99999-01-01"), 422, "validation_failed")
    assert_error(floor.lobby.get("/api/v1/reports/day?date=2026-13-01"), 422, "validation_failed")
    future = (datetime.now(BEIJING).date() + timedelta(days=2)).isoformat()
    assert_error(floor.lobby.get(f"/api/v1/reports/day?date={future}"), 422, "future_day")
    assert_error(floor.lobby.get("/api/v1/reports/month/2026-1"), 422, "validation_failed")
    assert_error(floor.lobby.get("/api/v1/performance?period=year"), 422, "validation_failed")


def test_the_tolerance_is_the_branchs(app, floor):
    seed_day(app, floor)
    assert floor.supervisor.patch("/api/v1/settings", {"wait_tolerance_minutes": 25}).status_code == 200
    waiting = floor.lobby.get(f"/api/v1/reports/day?date={DAY.isoformat()}").get_json()["figures"]["waiting"]
    assert (waiting["past_tolerance"], waiting["within_tolerance"], waiting["service_level"]) == (1, 5, 0.625)


def today() -> str:
    return datetime.now(BEIJING).date().isoformat()


def test_a_submitted_log_is_frozen_a_late_record_is_flagged_and_an_amendment_keeps_both(app, floor):
    lobby, supervisor = floor.lobby, floor.supervisor
    assert lobby.post("/api/v1/visits", {"ticket": "A101", "business_type": "deposit"}).status_code == 201
    lobby.post("/api/v1/worklog/entries", {"body": "ATM 2 缺钞，已报修"})
    url = f"/api/v1/reports/day/{today()}"
    body = {"id": "0b0a3f6e-9d1c-4f1e-8a52-5e7f1f3b2c10", "remarks": "客流平稳"}
    first = lobby.post(f"{url}/submit", body)
    assert first.status_code == 201
    log = first.get_json()
    assert log["status"] == "submitted" and log["figures"]["arrivals"] == 1
    assert [n["body"] for n in log["notes"]] == ["ATM 2 缺钞，已报修"]
    assert lobby.post(f"{url}/submit", body).status_code == 200  # the outbox's retry is the same version
    # A visit logged later (a phone that was offline) does not change the frozen figures: it is listed as late.
    assert lobby.post("/api/v1/visits", {"ticket": "A102", "business_type": "deposit"}).status_code == 201
    later = lobby.get(f"/api/v1/reports/day?date={today()}").get_json()
    assert later["figures"]["arrivals"] == 1
    assert [(r["measure"], r["ticket"]) for r in later["late"]] == [("visits.arrivals", "A102")]
    assert later["allowed_actions"] == ["amend"]
    assert_error(lobby.post(f"{url}/submit", {"remarks": "again"}), 409, "amendment_needs_reason")
    # The supervisor asks for a correction; the lobby manager amends with a reason: both versions are kept.
    assert_error(lobby.post(f"{url}/review", {"action": "acknowledge"}), 403, "forbidden")
    assert_error(supervisor.post(f"{url}/review", {"action": "ask_correction"}), 422, "note_required")
    asked = supervisor.post(f"{url}/review", {"action": "ask_correction", "note": "补上 A102"}).get_json()
    assert asked["status"] == "correction_asked" and asked["versions"][0]["review_note"] == "补上 A102"
    amended = lobby.post(f"{url}/submit", {"remarks": "客流平稳", "reason": "补录 A102"}).get_json()
    assert [(v["version"], v["figures"]["arrivals"], v["reason"]) for v in amended["versions"]] == [
        (2, 2, "补录 A102"),
        (1, 1, None),
    ]
    assert amended["status"] == "submitted" and amended["late"] == []
    acknowledged = supervisor.post(f"{url}/review", {"action": "acknowledge"}).get_json()
    assert acknowledged["status"] == "acknowledged" and acknowledged["versions"][1]["status"] == "correction_asked"
    # The account manager reads it but neither submits nor reviews.
    assert_error(floor.manager.post(f"{url}/submit", {"remarks": "x"}), 403, "forbidden")


def month_start(months_back: int) -> date:
    first = datetime.now(BEIJING).date().replace(day=1)
    index = first.year * 12 + first.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


MONTH = month_start(1)  # last month
AFTER = month_start(0)


def seed_month(app, floor) -> None:
    from server.worklog.models import WorkLogEntry

    branch, lobby = floor.staff["lobby"].branch_id, floor.staff["lobby"].id
    day = lambda n: MONTH + timedelta(days=n - 1)
    last = AFTER - timedelta(days=1)
    with app.app_context():
        visits = (
            [seed.visit(branch, at(10, 5 * i, day(3)), waited=4) for i in range(3)]
            + [seed.visit(branch, at(14, 5 * i, day(10)), waited=10 + i) for i in range(5)]
            + [seed.visit(branch, at(10, 30, day(20)), waited=20), seed.visit(branch, at(23, 50, last), waited=2)]
            + [seed.visit(branch, at(0, 10, AFTER), waited=1)]  # the next month's
            + [seed.visit(branch, at(9, 0, month_start(2) + timedelta(days=4)), waited=6)]  # the month before
        )
        db.session.add_all(visits)
        db.session.add_all(
            [
                seed.complaint(branch, lobby, at(10, 0, day(3)), summary="排队太久"),
                seed.complaint(branch, lobby, at(11, 0, day(4)), via=ReceivedVia.COMMENT_BOOK, summary="柜员不耐烦"),
                seed.complaint(
                    branch,
                    lobby,
                    at(11, 0, day(5)),
                    cause=Cause.FACILITIES_SYSTEMS,
                    summary="空调太冷",
                    status=Status.CLOSED,
                ),
                seed.fault(branch, lobby, at(9, 0, day(12))),
            ]
        )
        db.session.add(
            WorkLogEntry(
                id="5d1e6c1a-3f7b-4f0e-9a0c-2b6f4c8d9e01",
                branch_id=branch,
                author_id=lobby,
                body="建议增设一台取号机",
                payload_hash="x" * 64,
                occurred_at=at(17, 0, day(10)),
                received_at=at(17, 0, day(10)),
            )
        )
        db.session.commit()


def test_the_monthly_report_beside_the_month_before_with_opinions_suggestions_and_open_problems(app, floor):
    seed_month(app, floor)
    report = floor.lobby.get(f"/api/v1/reports/month/{MONTH:%Y-%m}").get_json()
    figures = report["figures"]
    # 3 + 5 + 2 visits; waits sorted 2 4 4 4 10 11 12 13 14 20: the lower median the 5th (10), the 90th percentile
    # the 9th (14); past the tolerance of 15: one.
    assert (figures["arrivals"], figures["served"], figures["left"]) == (10, 10, 0)
    assert (figures["waiting"]["median"], figures["waiting"]["p90"], figures["waiting"]["longest"]) == (
        10.0,
        14.0,
        20.0,
    )
    assert figures["waiting"]["past_tolerance"] == 1 and figures["waiting"]["service_level"] == 0.9
    assert report["previous"]["arrivals"] == 1 and report["year_ago"] is None
    assert report["busiest_days"][:2] == [
        {"at": (MONTH + timedelta(days=9)).isoformat(), "arrivals": 5},
        {"at": (MONTH + timedelta(days=2)).isoformat(), "arrivals": 3},
    ]
    assert report["busiest_hours"][0] == {"at": 14, "arrivals": 5}
    assert report["opinions"][0]["category"] == "service_attitude" and report["opinions"][0]["count"] == 2
    assert {e["summary"] for e in report["opinions"][0]["examples"]} == {"排队太久", "柜员不耐烦"}
    assert [s["body"] for s in report["suggestions"]] == ["建议增设一台取号机"]
    assert len(report["open_problems"]["complaints"]) == 2 and len(report["open_problems"]["faults"]) == 1


def test_the_monthly_report_as_csv_for_excel_and_as_a_pdf_in_chinese(app, floor):
    import io

    import pypdfium2
    from pypdf import PdfReader

    from server.worklog.models import WorkLogEntry

    seed_month(app, floor)
    with app.app_context():  # a note that Excel would run as a formula
        at_ = at(16, 0, MONTH + timedelta(days=11))
        db.session.add(
            WorkLogEntry(
                id="9a0e6c1a-3f7b-4f0e-9a0c-2b6f4c8d9e02",
                branch_id=floor.staff["lobby"].branch_id,
                author_id=floor.staff["lobby"].id,
                body='=HYPERLINK("http://x")',
                payload_hash="x" * 64,
                occurred_at=at_,
                received_at=at_,
            )
        )
        db.session.commit()
    floor.lobby.patch("/api/v1/me", {"preferred_locale": "zh"})
    csv = floor.lobby.get(f"/api/v1/reports/month/{MONTH:%Y-%m}.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.data.startswith("\ufeff".encode())
    text = csv.data.decode("utf-8-sig")
    assert "到店客户" in text and "排队太久" in text and "建议增设一台取号机" in text
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text

    pdf = floor.lobby.get(f"/api/v1/reports/month/{MONTH:%Y-%m}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(pdf.data) < 1_000_000
    words = "".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    for expected in ("大堂经理月报", f"{MONTH:%Y-%m}", "到店客户", "排队太久", "服务态度"):
        assert expected in words, expected
    page = pypdfium2.PdfDocument(pdf.data)[0].render(scale=1).to_pil().convert("L")
    inked = page.histogram()[:128]  # pixels darker than mid-grey
    inked = sum(inked)
    assert inked > 2000, "page 1 is blank"
    # Each download is audited.
    audit = floor.supervisor.get("/api/v1/audit").get_json()["events"]
    assert sum(1 for e in audit if e["action"] == "report.exported") == 2


def test_the_wait_kept_with_a_visit_follows_its_steps(app, floor):
    from server.floor.models import Visit
    from tests.helpers import arrive

    visit = arrive(floor.lobby, 12, ticket="A201")["visit"]
    with app.app_context():
        assert db.session.get(Visit, visit["id"]).wait_seconds is None  # still waiting
    assert floor.lobby.post(f"/api/v1/visits/{visit['id']}/events", {"type": "called"}).status_code in (200, 201)
    with app.app_context():
        kept = db.session.get(Visit, visit["id"])
        assert kept.wait_seconds == round((kept.called_at - kept.arrived_at).total_seconds())
        assert 11 * 60 <= kept.wait_seconds <= 13 * 60


def test_the_boards_hours_and_heat_map_equal_a_count_by_hand(app, floor):
    seed_day(app, floor)
    charts = floor.supervisor.get(f"/api/v1/performance?period=day&date={DAY.isoformat()}").get_json()["charts"]
    # By the hour of arrival: 9:00 5, 12 and 20 minutes (the 90th percentile of three is the 3rd); 10:00 30 and
    # one who left (not a wait of the called); 11:00 one who left; 14:00 8; 23:00 3 (the day's last minutes).
    assert charts["hours"] == [
        {"hour": 9, "arrivals": 3, "p90_wait": 20.0},
        {"hour": 10, "arrivals": 2, "p90_wait": 30.0},
        {"hour": 11, "arrivals": 1, "p90_wait": None},
        {"hour": 14, "arrivals": 1, "p90_wait": 8.0},
        {"hour": 23, "arrivals": 1, "p90_wait": 3.0},
    ]
    weekday = DAY.weekday()
    assert sorted((c["weekday"], c["hour"], c["arrivals"]) for c in charts["heatmap"]) == [
        (weekday, 9, 3),
        (weekday, 10, 2),
        (weekday, 11, 1),
        (weekday, 14, 1),
        (weekday, 23, 1),
    ]
