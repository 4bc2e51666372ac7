"""A complaint captured on the floor offline in well under 30 seconds, sent once; the supervisor sees it with
its clocks counting down; an incident reaches a second phone through the live channel; axe on the screens."""

from __future__ import annotations

import time
import uuid
from datetime import date

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.branches import service as branches
from server.complaints.models import Complaint
from server.extensions import db
from tests.browser.test_accessibility import serious
from tests.browser.test_referrals import add_staff
from tests.helpers import SYNCED, wait_until


def complaints_with(live_server, summary: str) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(func.count(Complaint.id)).where(Complaint.summary == summary))


def signed_in(new_context, sign_in, live_server, role: str, name: str, on_duty: bool = False):
    _user_id, username, password = add_staff(live_server, role, name, on_duty=on_duty)
    page = new_context().new_page()
    sign_in(page, username, password)
    return page


def test_a_complaint_captured_offline_is_sent_once_and_the_supervisor_sees_its_clocks(
    live_server, shell, new_context, sign_in
):
    summary = f"等了 40 分钟没人管 {uuid.uuid4().hex[:6]}"
    shell.click("[data-tab=complaints]")
    expect(shell.locator("[data-complaints-status]")).not_to_have_text("")
    shell.context.set_offline(True)
    started = time.monotonic()
    shell.click("[data-new-complaint]")
    sheet = shell.locator("[data-complaint-dialog]")
    shell.fill("#complaint-summary", summary)
    sheet.locator("label:has-text('Service attitude or quality')").click()
    sheet.locator("label:has-text('Savings')").click()
    sheet.locator("button[type=submit]").click()
    expect(sheet).to_be_hidden()
    pending = shell.locator("[data-complaint-list] .pending", has_text=summary)
    expect(pending).to_contain_text("Saved on this phone")
    assert time.monotonic() - started < 30
    assert complaints_with(live_server, summary) == 0
    shell.context.set_offline(False)
    shell.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(shell, SYNCED)
    assert complaints_with(live_server, summary) == 1
    mine = shell.locator("[data-complaint-list] .complaint", has_text=summary)
    expect(mine).to_contain_text("Hand to the service quality lead in")
    expect(shell.locator("[data-complaints-badge]")).to_be_visible()

    supervisor = signed_in(new_context, sign_in, live_server, "supervisor", "赵主管")
    supervisor.click("[data-tab=complaints]")
    row = supervisor.locator("[data-complaint-list] .complaint", has_text=summary)
    expect(row).to_contain_text("Hand to the service quality lead in")
    row.locator("a").click()
    body = supervisor.locator("[data-complaint-body]")
    expect(body.locator(".complaint-clocks")).to_contain_text("Regulator deadline in 14 days")
    expect(body).to_contain_text("What happened so far")
    assert serious(Axe().run(supervisor)) == [], "complaint page"
    body.locator("[data-step=escalate]").click()
    supervisor.locator("[data-complaint-step-dialog] [data-step-submit]").click()
    expect(body.locator(".timeline")).to_contain_text("赵主管 · Escalated → Service quality lead")
    expect(body).to_contain_text("Owner赵主管")  # the service quality lead took it over
    assert complaints_with(live_server, summary) == 1


def test_complaint_screens_and_sheets_pass_axe(live_server, shell):
    shell.click("[data-tab=complaints]")
    expect(shell.locator("[data-complaints-day]")).not_to_have_text("")
    assert serious(Axe().run(shell)) == [], "complaints tab"
    shell.click("[data-new-complaint]")
    assert serious(Axe().run(shell)) == [], "capture sheet"
    shell.locator("[data-complaint-dialog] [data-close-dialog]").click()
    for panel in ("incidents", "lost"):
        shell.click(f"[data-records-tab={panel}]")
        expect(shell.locator(f"[data-records-panel={panel}]")).to_be_visible()
        assert serious(Axe().run(shell)) == [], panel
    shell.click("[data-tab=floor]")
    shell.click("[data-screen=floor] [data-open-incident]")
    assert serious(Axe().run(shell)) == [], "incident sheet"


def test_an_incident_reaches_a_second_phone_through_the_live_channel(live_server, shell, new_context, sign_in):
    colleague = signed_in(new_context, sign_in, live_server, "lobby_manager", "李经理", on_duty=True)
    wait_until(colleague, "Boolean(await LobbypadDB.get('meta', 'liveCursor'))")  # listening from now on
    colleague.evaluate("""() => {
      window.heard = [];
      document.addEventListener("lobbypad:notification", (event) => window.heard.push(event.detail));
    }""")
    note = f"老人晕倒 {uuid.uuid4().hex[:6]}"
    shell.click("[data-screen=floor] [data-open-incident]")
    shell.fill("#incident-note", note)
    shell.click("[data-incident-dialog] button[value=illness]")
    expect(shell.locator("[data-records-panel=incidents]")).to_be_visible()
    item = shell.locator("[data-incident-list] .incident", has_text=note)
    expect(item.locator(".checklist")).to_contain_text("Call the branch first-aider.")
    wait_until(shell, SYNCED)
    # The live channel brought it (other tests' care notifications may reach this phone too), in their language.
    wait_until(colleague, f"window.heard.some((n) => n.kind === 'incident.reported' && n.body.includes('{note}'))")
    heard = colleague.evaluate(f"() => window.heard.find((n) => n.body.includes('{note}'))")
    assert heard["title"] == "突发事件：突发疾病" and heard["url"].endswith(item.get_attribute("data-id"))
    item.locator("[data-incident-step=called_120]").click()
    expect(item.locator(".timeline")).to_contain_text("Called 120")
    item.locator("input[name=note]").fill("120 送医，家属已到")
    item.locator("button:has-text('Close incident')").click()
    expect(shell.locator("[data-incident-list] .incident", has_text=note)).to_contain_text("Outcome: 120 送医")


def test_the_supervisor_sets_the_branch_holidays(live_server, new_context, sign_in):
    supervisor = signed_in(new_context, sign_in, live_server, "supervisor", "钱主管")
    supervisor.click("[data-tab=more]")
    supervisor.fill("#holiday-date", "2027-10-01")
    supervisor.click("[data-holiday-form] button[type=submit]")
    box = supervisor.locator("[data-holiday-list]")
    expect(box).to_contain_text("(2027-10-01)")
    wait_until(supervisor, SYNCED)
    assert date(2027, 10, 1) in branch_settings(live_server).holidays
    box.locator("[data-remove-holiday='2027-10-01']").click()
    expect(box).not_to_contain_text("2027-10-01")
    wait_until(supervisor, SYNCED)
    assert date(2027, 10, 1) not in branch_settings(live_server).holidays


def branch_settings(live_server):
    with live_server.app.app_context():
        return branches.get_branch_by_code("LIVE").settings
