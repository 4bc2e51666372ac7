"""The first morning on the floor, as a new user lives it: the start of the shift in one place, a floor that
says when nobody is on duty, the Tasks count, a referred customer's row that says who is coming and counts
down, and the account manager's call-back with what the call needs."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select, update

from server.auth.models import User
from server.branches import service as branches
from server.branches.models import touch_floor
from server.common.clock import utcnow
from server.common.types import new_id
from server.extensions import db
from server.floor.codes import BusinessType, Flag, VisitSource
from server.floor.events import visit_arrived
from server.floor.service import new_visit
from server.referrals import service as referrals
from server.referrals.models import Referral
from server.referrals.schemas import ReferralIn
from tests.browser.test_floor import add_customer, ticket
from tests.browser.test_referrals import add_staff, only_on_duty
from tests.helpers import SYNCED, wait_until


def nobody_on_duty(live_server) -> None:
    """Everyone off duty, as the morning begins (written directly: the board is told it changed)."""
    with live_server.app.app_context():
        db.session.execute(update(User).values(on_duty=False))
        touch_floor(branches.get_branch_by_code("LIVE").id)
        db.session.commit()


def on_duty(live_server, username: str) -> bool:
    with live_server.app.app_context():
        return db.session.scalar(select(User.on_duty).where(User.username == username))


def test_the_shift_starts_in_one_place_and_the_floor_says_when_nobody_is_on_duty(live_server, page, staff, sign_in):
    nobody_on_duty(live_server)
    sign_in(page, *staff)
    card = page.locator("[data-shift-card]")
    expect(card).to_be_visible()
    expect(page.locator("[data-no-duty]")).to_be_visible()
    card.locator("[data-shift-duty]").click()
    expect(card.locator("[data-shift-duty]")).to_be_hidden()
    expect(card.locator("[data-shift-push]")).to_be_visible()  # notifications are still off on this phone
    expect(page.locator("[data-duty-toggle]")).to_be_checked()  # More → On duty says the same
    wait_until(page, SYNCED)
    assert on_duty(live_server, staff[0])
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # the board is read again
    expect(page.locator("[data-no-duty]")).to_be_hidden()
    card.locator("[data-shift-later]").click()
    expect(card).to_be_hidden()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(card).to_be_hidden()  # not again today


def test_the_tasks_tab_counts_the_care_to_give(live_server, shell):
    with live_server.app.app_context():
        branch = branches.get_branch_by_code("LIVE")
        number = ticket()
        visit, _ = new_visit(
            branch,
            ticket=number,
            business=BusinessType.DEPOSIT,
            amount=None,
            customer=None,
            flags=[Flag.ELDERLY],
            arrived_at=utcnow(),
            source=VisitSource.MANUAL,
            actor=None,
        )
        visit.id, visit.payload_hash = new_id(), "x" * 64
        db.session.add(visit)
        visit_arrived.send(visit)  # care hears of it as of any arrival: accompany now
        db.session.commit()
    shell.evaluate("() => window.dispatchEvent(new Event('online'))")
    badge = shell.locator("[data-tab=tasks] [data-tasks-badge]")
    expect(badge).to_be_visible()
    count = int(badge.inner_text())
    assert count >= 1
    shell.click("[data-tab=tasks]")
    expect(shell.locator(f"[data-task-list] li:has(.ticket:text-is('{number}'))")).to_be_visible()


def test_a_referred_customers_row_says_who_is_coming_and_counts_down(live_server, shell, staff):
    manager_id, _, _ = add_staff(live_server, "account_manager", "李强经理", on_duty=True)
    only_on_duty(live_server, manager_id)
    customer_id = add_customer(live_server, "钱", "多", salutation="mr")
    shell.goto(f"/#customers/{customer_id}")
    shell.click("[data-customer-card] button:has-text('Log arrival')")
    number = ticket()
    shell.fill("#arrival-ticket", number)
    shell.click("[data-arrival-dialog] .business label:has-text('Deposit')")
    shell.click("[data-arrival-submit]")
    expect(shell.locator("[data-customer-card] li").filter(has_text=number)).to_be_visible()  # the card follows
    with live_server.app.app_context(), live_server.app.test_request_context():
        lobby = db.session.scalar(select(User).where(User.username == staff[0]))
        referral, _ = referrals.create_referral(
            lobby, ReferralIn(customer_id=customer_id, reason="理财", urgency="now", account_manager_id=manager_id)
        )
        db.session.commit()
        referrals.accept(db.session.get(User, manager_id), referral.id, 3)
        db.session.commit()
        referral_id = referral.id
    shell.click("[data-tab=floor]")
    row = shell.locator(f".visit:has(.ticket:text-is('{number}'))")
    shell.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(row.locator(".visit-referral")).to_have_text("李强经理 is coming · 3 min")
    with live_server.app.app_context():  # four minutes later
        referral = db.session.get(Referral, referral_id)
        referral.accepted_at = utcnow() - timedelta(minutes=4)
        touch_floor(referral.branch_id)
        db.session.commit()
    shell.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(row.locator(".visit-referral")).to_have_text("李强经理 should be here now")


def test_a_call_back_shows_what_the_call_needs_and_records_the_call_in_one_tap(live_server, new_context, sign_in):
    from server.cards import service as cards
    from server.cards.schemas import BatchIn, CardIn

    manager_id, manager_user, password = add_staff(live_server, "account_manager", "赵磊经理", on_duty=True)
    only_on_duty(live_server, manager_id)
    lobby_id, _, _ = add_staff(live_server, "lobby_manager", "王芳")
    customer_id = add_customer(live_server, "周", "敏", salutation="ms", phone="13900002222")
    with live_server.app.app_context(), live_server.app.test_request_context():
        lobby = db.session.get(User, lobby_id)
        cards.receive_batch(lobby, BatchIn(prefix="MRN", first=1, last=3, width=3))
        referral, _ = referrals.create_referral(
            lobby,
            ReferralIn(
                customer_id=customer_id,
                reason="没时间，理财到期",
                urgency="follow_up",
                card=CardIn(card_type="vip_experience", serial="MRN001"),
                best_time="工作日晚上",
                account_manager_id=manager_id,
            ),
        )
        db.session.commit()
        referral_id = referral.id
    page = new_context().new_page()
    sign_in(page, manager_user, password)
    page.goto(f"/#inbox/{referral_id}")
    detail = page.locator("[data-referral-detail]")
    expect(detail.locator("button:has-text('Accept the call-back')")).to_be_visible()
    expect(detail.locator("button:has-text('min')")).to_have_count(0)  # nobody walks over for a call-back
    facts = detail.locator(".facts")
    expect(facts).to_contain_text("VIP experience card MRN001")
    expect(facts).to_contain_text("工作日晚上")
    expect(facts).to_contain_text("139****2222")
    expect(facts).to_contain_text("by close of business")
    detail.locator("button:has-text('Accept the call-back')").click()
    detail.locator("button:has-text('Called — booked')").click()
    wait_until(page, SYNCED)
    with live_server.app.app_context():
        assert db.session.get(Referral, referral_id).outcome.value == "follow_up_booked"


def test_small_things_a_new_user_notices(live_server, new_context, sign_in, staff):
    """The greeting at night, a capped search that says so, and the admin page on a 390 px phone."""
    from server.auth import service as accounts

    for n in range(21):
        add_customer(live_server, "欧阳", f"{n}号", salutation="mr")
    page = new_context().new_page()
    page.clock.install(time="2026-12-01T18:25:00Z")  # 02:25 at the branch (Asia/Shanghai)
    sign_in(page, *staff)
    page.click("[data-tab=customers]")
    page.fill("[data-customer-search] input", "欧阳")
    expect(page.locator("[data-search-status]")).to_have_text(
        "The first 20 customers found: type more to narrow it down"
    )
    page.click("[data-results] li a >> nth=0")
    expect(page.locator("[data-customer-card] .greeting")).to_contain_text("Good evening")

    with live_server.app.app_context():
        if not db.session.scalar(select(User).where(User.username == "phone-admin")):
            accounts.create_user(
                username="phone-admin", display_name="管理员", role="admin", branch=None, password="browser-password"
            )
            db.session.commit()
    admin = new_context().new_page()
    sign_in(admin, "phone-admin", "browser-password")
    admin.goto("/admin")
    assert admin.evaluate("() => document.documentElement.scrollWidth") <= 390  # every button on screen
    expect(admin.locator("table").first).not_to_contain_text("lobby_manager")
    expect(admin.locator("body")).to_contain_text("Lobby manager")


def test_an_escalation_reads_as_a_sentence_on_the_timeline(live_server, shell, staff):
    first_id, _, _ = add_staff(live_server, "account_manager", "马超经理", on_duty=True)
    second_id, _, _ = add_staff(live_server, "account_manager", "黄忠经理", on_duty=True)
    customer_id = add_customer(live_server, "曹", "操", salutation="mr")
    with live_server.app.app_context(), live_server.app.test_request_context():
        for user in db.session.scalars(select(User).where(User.role == "account_manager")):
            user.on_duty = user.id in (first_id, second_id)
        lobby = db.session.scalar(select(User).where(User.username == staff[0]))
        referral, _ = referrals.create_referral(
            lobby, ReferralIn(customer_id=customer_id, reason="理财", urgency="now", account_manager_id=first_id)
        )
        db.session.commit()
        referrals.escalate_due(referral.answer_by + timedelta(seconds=1))  # nobody answered in time
        db.session.commit()
        referral_id = referral.id
    shell.goto(f"/#refer/{referral_id}")
    expect(shell.locator("[data-referral-detail] .timeline")).to_contain_text(
        "马超经理 did not answer in time: sent on to 黄忠经理"
    )
