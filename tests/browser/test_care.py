"""Care tasks in the real app: on the board and in Tasks, recorded with what was done, and reminders the
phone raises itself while offline that the server's push later replaces instead of doubling."""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from server.auth.models import User
from server.branches import service as branches
from server.care import scheduling
from server.care.models import CareStatus, CareTask
from server.common.clock import utcnow
from server.common.types import new_id
from server.extensions import db
from server.floor import service as floor
from server.floor.codes import BusinessType, EventType, VisitSource
from server.floor.models import Visit
from server.worker import run_sweeps_once
from tests.browser.test_accessibility import serious
from tests.browser.test_referrals import add_staff, live_cursor_set
from tests.helpers import SYNCED, wait_until

TICKETS = itertools.count(100)  # the live server is this process's: a count is unique in it


def arrive(live_server, minutes_ago: float, business=BusinessType.BALANCE_ENQUIRY) -> tuple[str, str]:
    """A customer who arrived `minutes_ago` (as the queue machine would log them): (visit id, ticket)."""
    ticket = f"C{next(TICKETS)}"  # unique in the live branch: a random one met another test's now and then
    now = utcnow()
    with live_server.app.app_context(), live_server.app.test_request_context():
        branch = branches.get_branch_by_code("LIVE")
        visit, _triage = floor.new_visit(
            branch,
            ticket=ticket,
            business=business,
            amount=None,
            customer=None,
            flags=[],
            arrived_at=now - timedelta(minutes=minutes_ago),
            source=VisitSource.QUEUE_MACHINE,
            actor=None,
        )
        visit.id, visit.payload_hash = new_id(), "browser-test"
        db.session.add(visit)
        db.session.flush()
        scheduling.visit_arrived(visit, branch.settings, now)
        db.session.commit()
        return visit.id, ticket


def on_duty(live_server, username: str) -> None:
    """Only this lobby manager is on duty (the live branch is shared by the tests)."""
    with live_server.app.app_context():
        for user in db.session.scalars(select(User).where(User.role == "lobby_manager")):
            user.on_duty = user.username == username
        db.session.commit()


def task_of(live_server, visit_id: str) -> CareTask:
    with live_server.app.app_context():
        return db.session.scalar(select(CareTask).where(CareTask.visit_id == visit_id))


def no_open_tasks(live_server) -> None:
    """The live branch is shared by the tests: earlier tests' tasks are skipped, so the list can empty."""
    with live_server.app.app_context():
        for task in db.session.scalars(select(CareTask).where(CareTask.status == CareStatus.OPEN)):
            task.status = CareStatus.SKIPPED
        db.session.commit()


def test_a_care_task_shows_on_the_board_and_in_tasks_and_care_given_closes_it(live_server, shell, staff):
    no_open_tasks(live_server)
    visit_id, ticket = arrive(live_server, 16)
    shell.evaluate("() => window.dispatchEvent(new Event('online'))")  # read the board now, not at the next poll
    row = shell.locator(f".visit:has(.ticket:text-is('{ticket}'))")
    row.locator(".badge-care:has-text('Care due')").wait_for()

    shell.click("[data-tab=tasks]")
    item = shell.locator(f".task:has(.ticket:text-is('{ticket}'))")
    # (Others may wait in the same channel: the live branch is shared by the tests.)
    title = re.compile(f"^{ticket} Balance enquiry has waited 1[67] min, \\d+ ahead$")
    item.locator(".task-title", has_text=title).wait_for()
    item.locator("[data-task-action=care]").click()
    sheet = shell.locator("[data-care-dialog]")
    assert sheet.locator("[data-care-kind]").inner_text() == "Waiting-time care"
    sheet.locator("[data-care-done]").click()  # nothing ticked: the sheet says so and stays open
    sheet.locator("[data-error-for=actions]:has-text('Tick what you did.')").wait_for()
    sheet.get_by_label("Water", exact=True).check()
    sheet.get_by_label("Told how many are ahead").check()
    sheet.locator("[data-care-done]").click()
    shell.wait_for_selector(f"#toast:has-text('{ticket} · Care given · Saved')")
    wait_until(shell, SYNCED)
    item.wait_for(state="detached")
    shell.locator("[data-screen=tasks] [data-tasks-empty]").wait_for()

    task = task_of(live_server, visit_id)
    assert task.status == CareStatus.DONE and task.actions == ["water", "told_ahead"]
    with live_server.app.app_context():
        assert db.session.get(User, task.done_by_id).username == staff[0]
    shell.click("[data-tab=floor]")
    shell.evaluate("() => window.dispatchEvent(new Event('online'))")
    row.locator(".badge-care").wait_for(state="detached")


NOTIFICATIONS = """async (tag) => (await (await navigator.serviceWorker.ready).getNotifications({tag}))
    .map((n) => ({title: n.title, offline: Boolean(n.data && n.data.offline)}))"""


def phone_on_duty(live_server, new_context, sign_in, staff):
    """The only lobby manager on duty, signed in on a phone that shows notifications and hears the live channel."""
    on_duty(live_server, staff[0])
    context = new_context()
    context.grant_permissions(["notifications"])
    page = context.new_page()
    sign_in(page, *staff)
    live_cursor_set(page)
    return context, page


def test_offline_the_phone_reminds_at_the_tolerance_and_the_push_replaces_it(live_server, new_context, sign_in, staff):
    context, page = phone_on_duty(live_server, new_context, sign_in, staff)
    # Crosses the 15-minute tolerance in 12 seconds (online or offline by then: no sweep has told of it, so the
    # phone reminds; see the next test).
    visit_id, ticket = arrive(live_server, 15 - 12 / 60)
    tag = f"care-wait_care-{visit_id}"
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.locator(f".visit:has(.ticket:text-is('{ticket}'))").wait_for()

    context.set_offline(True)
    wait_until(page, f"(await ({NOTIFICATIONS})({json.dumps(tag)})).length === 1", timeout_ms=30000)
    [shown] = page.evaluate(NOTIFICATIONS, tag)
    # (Others may wait in the same channel: the live branch is shared by the tests.)
    assert re.fullmatch(f"Offline reminder · {ticket} Balance enquiry has waited 15 min, \\d+ ahead", shown["title"])
    assert shown["offline"] is True
    assert task_of(live_server, visit_id).status == CareStatus.SCHEDULED  # the server has not been asked

    context.set_offline(False)
    assert run_sweeps_once(live_server.app)["care"] == 1
    # The open app hears of the server's notification (live channel) and shows it with the same tag; the
    # server words it in the user's saved language (Chinese until they choose).
    wait_until(page, f"(await ({NOTIFICATIONS})({json.dumps(tag)})).some((n) => !n.offline)")
    [replaced] = page.evaluate(NOTIFICATIONS, tag)
    assert re.fullmatch(f"{ticket} 查询余额 已等 15 分钟，前面 \\d+ 位", replaced["title"]) and not replaced["offline"]
    assert task_of(live_server, visit_id).status == CareStatus.OPEN


def test_a_customer_past_the_tolerance_while_online_is_reminded_offline_unless_the_server_told(
    live_server, new_context, sign_in, staff
):
    """Seen under CPU load: a customer who passed the tolerance while the phone was online counted as the
    server's to tell, so when the network dropped before the server's push, nobody was reminded. Now a step
    that began in the minute before the phone last heard from the server is reminded offline, unless the phone
    has shown the server's notification of it."""
    context, page = phone_on_duty(live_server, new_context, sign_in, staff)
    told_id, told = arrive(live_server, 16)  # due already: the server tells at once (live channel here)
    untold_id, untold = arrive(live_server, 15 - 5 / 60)  # due in 5 s; no sweep runs to tell of it
    told_tag, untold_tag = f"care-wait_care-{told_id}", f"care-wait_care-{untold_id}"
    wait_until(page, f"(await ({NOTIFICATIONS})({json.dumps(told_tag)})).length === 1")
    due_ms = task_of(live_server, untold_id).due_at.timestamp() * 1000
    page.wait_for_function(f"() => Date.now() > {due_ms}")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # the board, online, shows it past due
    page.locator(f".visit:has(.ticket:text-is('{untold}')) .minutes:text-is('15')").wait_for()

    context.set_offline(True)
    wait_until(page, f"(await ({NOTIFICATIONS})({json.dumps(untold_tag)})).length === 1")
    [reminded] = page.evaluate(NOTIFICATIONS, untold_tag)
    assert reminded["offline"] is True and reminded["title"].startswith(f"Offline reminder · {untold} ")
    [kept] = page.evaluate(NOTIFICATIONS, told_tag)  # not replaced by a reminder of the same step
    assert kept["offline"] is False and kept["title"].startswith(f"{told} 查询余额 已等 1")
    assert task_of(live_server, untold_id).status == CareStatus.SCHEDULED


def test_the_supervisor_sees_todays_care_and_who_was_missed(live_server, new_context, sign_in):
    _id, username, password = add_staff(live_server, "supervisor", "周主任")
    missed_id, missed = arrive(live_server, 25)
    with live_server.app.app_context(), live_server.app.test_request_context():
        visit = db.session.get(Visit, missed_id)
        floor.record_step(visit, EventType.SERVED, when=utcnow(), actor=None)
        db.session.commit()
    _open_id, waiting = arrive(live_server, 16)
    page = new_context().new_page()
    sign_in(page, username, password)
    board = page.locator("[data-dashboard]")
    board.locator(f"[data-uncared-list] li:has-text('{missed}')").wait_for()
    assert "waited 25 min" in board.locator(f"[data-uncared-list] li:has-text('{missed}')").inner_text()
    assert int(board.locator("[data-figure=open]").inner_text()) >= 1
    board.locator(f".task:has(.ticket:text-is('{waiting}'))").wait_for()  # open tasks, with the same sheet
    assert serious(Axe().run(page)) == [], "dashboard"


def test_one_lobby_manager_takes_a_task_and_the_other_phone_shows_who_is_on_it(
    live_server, new_context, sign_in, staff, new_staff
):
    no_open_tasks(live_server)
    colleague = new_staff()
    phones = []
    for who in (staff, colleague):
        page = new_context().new_page()
        sign_in(page, *who)
        page.click("[data-tab=tasks]")
        phones.append(page)
    mine, theirs = phones
    _visit_id, ticket = arrive(live_server, 16)
    for page in phones:
        page.evaluate("() => window.dispatchEvent(new Event('online'))")  # read the list now
        page.locator(f".task:has(.ticket:text-is('{ticket}')) [data-task-action=take]").wait_for()

    mine.locator(f".task:has(.ticket:text-is('{ticket}')) [data-task-action=take]").click()
    mine.wait_for_selector(f"#toast:has-text('{ticket} is yours: reminders now come to you alone')")
    mine.locator(f".task:has(.ticket:text-is('{ticket}')) .task-taker:text-is('You are on it')").wait_for()

    theirs.evaluate("() => window.dispatchEvent(new Event('online'))")
    item = theirs.locator(f".task:has(.ticket:text-is('{ticket}'))")
    item.locator(".task-taker", has_text=re.compile(r"^王芳 \d+ is on it$")).wait_for()
    assert item.locator("[data-task-action=take]").count() == 0
    assert item.locator("[data-task-action=care]").count() == 1  # anyone may still record the care
