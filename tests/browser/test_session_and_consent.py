"""An ended session on the floor is not a dead end (sign in again in place, or sign out keeping what waits);
a refused record is named and the header never says "all saved" past it; a referral asks for marketing
consent first."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from server.auth import sessions
from server.auth.models import User
from server.customers.models import Customer
from server.extensions import db
from tests.browser.test_floor import add_customer, visits_with_ticket, walk_in
from tests.browser.test_referrals import add_staff
from tests.helpers import SYNCED, wait_until


def end_sessions_elsewhere(live_server, username: str) -> None:
    """An administrator's "sign out everywhere" (or the session's 12 hours running out)."""
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        sessions.end_all_sign_ins(user, None)
        db.session.commit()


def test_an_ended_session_signs_in_again_in_place_and_sends_what_waited(live_server, shell, staff):
    username, password = staff
    shell.evaluate("() => { window.samePage = true; }")
    # The board has data to show its age of (seen in CI: the session ended before the board's first read).
    expect(shell.locator("[data-board-loading]")).to_be_hidden()
    end_sessions_elsewhere(live_server, username)
    number, row = walk_in(shell, "Deposit")
    sign_in_again = shell.locator("[data-sign-in-again]")
    expect(sign_in_again).to_be_visible()
    expect(shell.locator("[data-sync-status]")).to_contain_text("Sign in again to sync")
    shell.evaluate("() => window.dispatchEvent(new Event('online'))")  # the board reads again: 401
    expect(shell.locator("[data-floor-age]")).to_contain_text("Signed out — data from")
    sign_in_again.click()
    dialog = shell.locator("[data-lock-dialog]")
    expect(dialog.locator("h2")).to_have_text("Sign in again")
    shell.fill("#lock-password", password)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    wait_until(shell, SYNCED)
    assert len(visits_with_ticket(live_server, number)) == 1
    expect(sign_in_again).to_be_hidden()
    assert shell.evaluate("() => window.samePage === true")  # the screen was kept: no reload, no redirect
    expect(row.locator(".badge-unsynced")).to_have_count(0)


def test_signing_out_of_an_ended_session_keeps_what_waits_for_the_next_sign_in(live_server, shell, staff, sign_in):
    username, password = staff
    end_sessions_elsewhere(live_server, username)
    number, _row = walk_in(shell, "Deposit")
    expect(shell.locator("[data-sign-in-again]")).to_be_visible()
    shell.click("[data-tab=more]")
    shell.click("[data-logout]")
    expect(shell.locator("[data-logout-warning-text]")).to_contain_text("Your session has ended and 1 records wait")
    shell.click("[data-logout-keep]")
    shell.wait_for_url("**/login")
    assert visits_with_ticket(live_server, number) == []
    sign_in(shell, username, password)
    wait_until(shell, SYNCED)
    assert len(visits_with_ticket(live_server, number)) == 1


def test_a_refused_record_is_named_and_never_called_all_saved(live_server, shell):
    customer_id = add_customer(live_server, "方", "婷", marketing=False, salutation="ms")
    shell.context.set_offline(True)  # the phone does not know the customer: it cannot ask about consent
    shell.evaluate(
        """(id) => LobbypadOutbox.enqueue({kind: "referral.create", url: "/api/v1/referrals",
            body: {id: LobbypadOutbox.uuid(), customer_id: id, reason: "理财", urgency: "follow_up"},
            local: {about: "方女士"}})""",
        customer_id,
    )
    shell.context.set_offline(False)
    shell.evaluate("() => LobbypadOutbox.flush()")
    wait_until(shell, "(await LobbypadOutbox.rejected()).length === 1")
    expect(shell.locator("[data-sync-status]")).to_have_text("1 not accepted by the server: see Sync")
    shell.click("[data-tab=more]")
    expect(shell.locator("[data-rejected-list] li").first).to_contain_text("Referral · 方女士")
    expect(shell.locator("[data-rejected-list] li").first).to_contain_text("has not agreed to marketing contact")


def test_a_referral_asks_for_marketing_consent_first_and_records_the_yes(live_server, shell):
    add_staff(live_server, "account_manager", "赵磊经理", on_duty=True)
    customer_id = add_customer(live_server, "孙", "丽", marketing=False, salutation="ms")
    shell.goto(f"/#customers/{customer_id}")
    shell.click("[data-customer-card] button:has-text('Refer')")
    sheet = shell.locator("[data-refer-dialog]")
    consent = sheet.locator("[data-refer-consent]")
    expect(consent).to_be_visible()
    sheet.locator("label:has-text('No — account manager calls back')").click()
    sheet.locator("#refer-reason").fill("定期到期")
    sheet.locator("label:has-text('They do not agree')").click()
    sheet.locator("button[type=submit]").click()
    expect(sheet.locator("[data-error-for=marketing_consent]")).to_contain_text("Without marketing consent")
    sheet.locator("label:has-text('They agree')").click()
    sheet.locator("button[type=submit]").click()
    expect(sheet).to_be_hidden()
    wait_until(shell, SYNCED)
    with live_server.app.app_context():
        assert db.session.get(Customer, customer_id).consent_marketing is True


def test_the_card_corrects_the_record_marks_a_vip_assigns_a_manager_and_changes_consent(live_server, shell):
    manager_id, _, _ = add_staff(live_server, "account_manager", "孔明经理", on_duty=False)
    customer_id = add_customer(live_server, "冯", "静", marketing=False, salutation="ms")
    shell.goto(f"/#customers/{customer_id}")
    shell.click("[data-customer-card] button:has-text('Edit')")
    dialog = shell.locator("[data-edit-customer-dialog]")
    dialog.locator("[name=tier][value=vip]").check()
    expect(dialog.locator("#ec-manager option", has_text="孔明经理")).to_have_count(1)
    dialog.locator("#ec-manager").select_option(manager_id)
    dialog.locator("[name=consent_marketing][value=yes]").check()
    dialog.locator("#ec-needs").fill("外汇")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    expect(shell.locator("[data-customer-card]")).to_contain_text("孔明经理")
    wait_until(shell, SYNCED)
    with live_server.app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert customer.tier.value == "vip" and customer.assigned_account_manager_id == manager_id
        assert customer.consent_marketing is True and customer.needs == "外汇"
