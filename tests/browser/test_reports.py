"""The supervisor reads the performance board and its charts on a 390 × 844 phone, sets a target and sees it
against the figures; the lobby manager reviews the day's work log, opens the records behind a figure and
submits it; the account manager works the call list. Axe on each new screen. Each test has a branch of its
own: the figures are the branch's."""

from __future__ import annotations

import uuid
from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth import service as accounts
from server.auth.models import User
from server.branches import service as branches
from server.common.clock import local_day_start, utcnow
from server.extensions import db
from server.referrals.models import Outcome, Urgency
from tests import records_seed as seed
from tests.browser.test_accessibility import serious


def team(live_server) -> dict:
    """A fresh branch with a lobby manager, an account manager and a supervisor, and today's records:
    four arrivals, two referrals (one converted), a VIP card, and a call-back made three days ago, overdue."""
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    people = {}
    with live_server.app.app_context():
        branch = branches.create_branch(code, f"Branch {code}")
        for role, name in (("lobby_manager", "王芳"), ("account_manager", "李强"), ("supervisor", "赵敏")):
            user = accounts.create_user(
                username=f"{code.lower()}-{role[:3]}",
                display_name=name,
                role=role,
                branch=branch,
                password="browser-password",
            )
            people[role] = user
        db.session.flush()
        # "Today" is the branch's: near its midnight, the records go just after it rather than into yesterday.
        now = max(utcnow(), local_day_start(branch.timezone) + timedelta(minutes=51))
        lobby, manager = people["lobby_manager"].id, people["account_manager"].id
        db.session.add_all(
            [
                seed.visit(branch.id, now - timedelta(minutes=m), waited=w)
                for m, w in ((50, 4), (40, 12), (30, 22), (5, 2))
            ]
        )
        customer = seed.customer(branch.id, now - timedelta(minutes=45))
        customer.phone_masked = "138****5678"
        db.session.add(customer)
        db.session.flush()
        db.session.add_all(
            [
                seed.referral(
                    branch.id,
                    customer.id,
                    lobby,
                    manager,
                    now - timedelta(minutes=40),
                    accepted=True,
                    met=True,
                    outcome=Outcome.PRODUCT_SOLD,
                ),
                seed.referral(branch.id, customer.id, lobby, manager, now - timedelta(minutes=20), accepted=True),
                seed.referral(
                    branch.id,
                    customer.id,
                    lobby,
                    manager,
                    now - timedelta(days=3),
                    urgency=Urgency.FOLLOW_UP,
                    due=now - timedelta(days=1),
                ),
                seed.card(branch.id, customer.id, lobby, now - timedelta(minutes=39), serial="VIP000123"),
            ]
        )
        db.session.commit()
        logins = {role: (user.username, "browser-password") for role, user in people.items()}
        return {**logins, "customer_id": customer.id}


def test_the_supervisor_reads_the_board_and_its_charts_on_a_phone_and_sets_a_target(live_server, new_context, sign_in):
    people = team(live_server)
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, *people["supervisor"])
    page.evaluate("() => { location.hash = '#board'; }")
    board = page.locator("[data-screen=board]")
    expect(board).to_be_visible()
    rows = board.locator("[data-perf-table] tbody tr")
    expect(rows).to_have_count(4)  # three people and the branch
    expect(rows.filter(has_text="王芳").locator("td").first).to_have_text("2")  # today's referrals
    charts = board.locator(".chart svg")
    expect(charts).to_have_count(4)
    # Each chart is an image with a name, and its numbers are a table too.
    for index in range(4):
        expect(charts.nth(index)).to_have_attribute("role", "img")
    funnel = board.locator(".chart").nth(1)
    funnel.locator("summary").click()
    expect(funnel.locator("tbody tr")).to_have_count(5)
    expect(funnel.locator("tbody tr").nth(1)).to_contain_text("2")
    # The charts fit the phone's width.
    width = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.chart svg')].map((s) => s.getBoundingClientRect().width))"
    )
    assert width <= 390
    assert serious(Axe().run(page)) == []

    # A target for the lobby managers' referrals today: the board shows 2 / 4.
    form = board.locator("[data-targets-form]")
    form.locator("select[name=role]").select_option("lobby_manager")
    form.locator("input[name=referrals_made]").fill("4")
    form.locator("button[type=submit]").click()
    expect(rows.filter(has_text="王芳").locator("td").first).to_have_text("2 / 4")
    expect(board.locator(".chart").first.locator("svg")).to_contain_text("50%")

    # Offline on the floor: a period never read says so; today's board and its charts come from the phone's
    # snapshot, with its age.
    page.context.set_offline(True)
    board.locator("[data-period=week]").click()
    expect(board.locator("[data-perf-loading]")).to_have_text("无法加载；联网后将重新加载。")
    board.locator("[data-period=day]").click()
    expect(board.locator("[data-perf-age]")).to_be_visible()
    expect(rows.filter(has_text="王芳").locator("td").first).to_have_text("2 / 4")
    expect(board.locator(".chart svg")).to_have_count(4)


def test_the_lobby_manager_reviews_the_days_log_opens_a_figure_and_submits_it(live_server, new_context, sign_in):
    people = team(live_server)
    page = new_context().new_page()
    sign_in(page, *people["lobby_manager"])
    page.evaluate("() => { location.hash = '#daylog'; }")
    log = page.locator("[data-screen=daylog]")
    figures = log.locator("[data-daylog-figures]")
    expect(figures.locator("button[data-measure='visits.arrivals']")).to_have_text("4")
    expect(figures).to_contain_text("VIP000123")
    expect(log.locator("[data-daylog-status]")).to_have_text("Not submitted")
    assert serious(Axe().run(page)) == []
    # The records behind a figure.
    figures.locator("button[data-measure='visits.past_tolerance']").click()
    sheet = page.locator("[data-records-sheet]")
    expect(sheet.locator("[data-records-list] li")).to_have_count(1)
    expect(sheet.locator("[data-records-list] li")).to_contain_text("22 min")
    assert serious(Axe().run(page)) == []
    sheet.locator("[data-records-close]").click()

    log.locator("[data-daylog-form] textarea[name=remarks]").fill("客流平稳，ATM 2 缺钞已报修")
    log.locator("[data-daylog-submit]").click()
    expect(log.locator("[data-daylog-status]")).to_have_text("Submitted")
    expect(log.locator("[data-daylog-versions] li")).to_have_count(1)
    expect(log.locator("[data-daylog-versions] li")).to_contain_text("客流平稳")
    # Amending asks why.
    expect(log.locator("[data-daylog-submit]")).to_have_text("Amend the log")
    log.locator("[data-daylog-submit]").click()
    expect(log.locator("#daylog-reason")).to_have_attribute("aria-invalid", "true")


def test_the_account_manager_works_the_call_list(live_server, new_context, sign_in):
    people = team(live_server)
    page = new_context().new_page()
    sign_in(page, *people["account_manager"])
    calls = page.locator("[data-calls]")
    expect(calls.locator("[data-call-list] li")).to_have_count(1)
    row = calls.locator("[data-call-list] li").first
    expect(row).to_contain_text("138****5678")
    assert serious(Axe().run(page)) == []
    row.get_by_role("button", name="Not reached").click()
    expect(calls.locator("[data-calls-status]")).to_have_text("No calls to make today.")


def test_a_shift_is_handed_over_and_acknowledged_on_two_phones(live_server, new_context, sign_in):
    people = team(live_server)
    with live_server.app.app_context():
        branch = db.session.scalar(select(User).where(User.username == people["lobby_manager"][0])).branch
        evening = accounts.create_user(
            username=f"{branch.code.lower()}-eve",
            display_name="孙丽",
            role="lobby_manager",
            branch=branch,
            password="browser-password",
        )
        evening.on_duty = True
        code = branch.code.lower()
        db.session.commit()
    giver = new_context().new_page()
    sign_in(giver, *people["lobby_manager"])
    giver.evaluate("() => { location.hash = '#more'; }")
    card = giver.locator("[data-handover-card]")
    # The referral accepted today and the call-back, both under way; nothing else open.
    expect(card.locator("[data-handover-status]")).to_have_text("Referral 2")
    card.locator("button[type=submit]").click()
    expect(card.locator("#handover-to")).to_have_attribute("aria-invalid", "true")
    card.locator("select[name=to_user_id]").select_option(label="孙丽 · on duty")
    card.locator("textarea[name=note]").fill("VIP 李先生 在贵宾室等")
    card.locator("button[type=submit]").click()
    expect(card.locator("[data-handover-today] li")).to_contain_text("not acknowledged yet")
    assert serious(Axe().run(giver)) == []

    taker = new_context().new_page()
    sign_in(taker, f"{code}-eve", "browser-password")
    taker.evaluate("() => { location.hash = '#more'; }")
    incoming = taker.locator("[data-handover-incoming] .handover")
    expect(incoming).to_contain_text("VIP 李先生 在贵宾室等")
    incoming.get_by_role("button", name="Acknowledge: I take over").click()
    expect(taker.locator("[data-handover-incoming] .handover")).to_have_count(0)
    expect(taker.locator("[data-handover-today] li")).to_contain_text("acknowledged")


def test_the_supervisor_sets_the_products_of_the_month_and_the_refer_sheet_shows_them(
    live_server, new_context, sign_in
):
    people = team(live_server)
    page = new_context().new_page()
    sign_in(page, *people["supervisor"])
    page.evaluate("() => { location.hash = '#more'; }")
    card = page.locator("[data-campaign-card]")
    expect(card).to_contain_text("No products of the month set.")
    card.locator("summary").click()
    row = card.locator(".campaign-row").first
    row.locator("[name=name]").fill("薪享理财")
    row.locator("[name=key_points]").fill("起购 1 万，T+1 到账")
    card.locator("button[type=submit]").click()
    expect(card.locator("[data-campaign-products]")).to_contain_text("起购 1 万，T+1 到账")
    assert serious(Axe().run(page)) == []

    lobby = new_context().new_page()
    sign_in(lobby, *people["lobby_manager"])
    lobby.goto(f"/#customers/{people['customer_id']}")
    lobby.click("[data-customer-card] button:has-text('Refer')")
    campaign = lobby.locator("[data-refer-campaign]")
    expect(campaign).to_be_visible()
    campaign.locator("summary").click()
    expect(campaign).to_contain_text("薪享理财")
