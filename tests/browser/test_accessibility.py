"""axe-core finds no serious or critical accessibility problem on the sign-in page and the shell."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe


def serious(results) -> list[str]:
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_sign_in_page(new_context, locale):
    page = new_context(locale=locale).new_page()
    page.goto("/login")
    assert serious(Axe().run(page)) == []


def test_shell_screens(shell):
    for tab in ("floor", "more"):
        shell.click(f"[data-tab={tab}]")
        assert serious(Axe().run(shell)) == [], tab


def test_referral_screens_and_sheets(live_server, shell):
    from tests.browser.test_floor import add_customer

    customer_id = add_customer(live_server, "冯", "可", salutation="ms")
    shell.click("[data-tab=refer]")
    shell.wait_for_selector("[data-referrals-status]:not(:has-text('Loading'))")
    assert serious(Axe().run(shell)) == [], "refer tab"
    shell.goto(f"/#customers/{customer_id}")
    shell.click("[data-customer-card] button:has-text('Refer')")
    shell.locator("[data-refer-dialog] label:has-text('No — ')").click()
    assert serious(Axe().run(shell)) == [], "refer sheet"


def test_care_screens_and_sheet(live_server, shell):
    from tests.browser.test_care import arrive

    arrive(live_server, 16)
    shell.click("[data-tab=tasks]")
    shell.locator("[data-screen=tasks] [data-task-action=care]").first.wait_for()
    assert serious(Axe().run(shell)) == [], "tasks tab"
    shell.locator("[data-screen=tasks] [data-task-action=care]").first.click()
    shell.locator("[data-care-dialog] [data-care-skip] summary").click()
    assert serious(Axe().run(shell)) == [], "care sheet"


def test_sync_panel_with_a_refused_record_and_the_sign_out_warning(shell):
    shell.click("[data-tab=more]")
    shell.context.set_offline(True)
    shell.evaluate("""() => LobbypadOutbox.enqueue({kind: 'visit.create', url: '/api/v1/visits',
                       body: {id: LobbypadOutbox.uuid(), ticket: 'A0!', business_type: 'deposit'}})""")
    shell.fill("#worklog-body", "waits offline")
    shell.click("[data-worklog-form] button[type=submit]")
    shell.context.set_offline(False)
    shell.locator("[data-rejected-list] .fix-form input").wait_for()
    shell.context.set_offline(True)
    shell.fill("#worklog-body", "waits offline again")
    shell.click("[data-worklog-form] button[type=submit]")
    shell.click("[data-logout]")
    shell.locator("[data-logout-warning]").wait_for()
    assert serious(Axe().run(shell)) == []


def test_the_screens_of_a_morning_on_the_floor(live_server, shell):
    """The start-of-shift card, a walk-in being linked, the customer editor, the sign-in-again dialog."""
    from tests.browser.test_floor import add_customer, walk_in

    assert serious(Axe().run(shell)) == [], "floor with the shift card and the no-duty line"
    _number, row = walk_in(shell, "Deposit")
    row.locator("[data-action=link]").click()
    shell.locator("[data-linking]").wait_for()
    assert serious(Axe().run(shell)) == [], "linking a walk-in"
    customer_id = add_customer(live_server, "柳", "青", salutation="ms")
    shell.goto(f"/#customers/{customer_id}")
    shell.click("[data-customer-card] button:has-text('Edit')")
    shell.locator("[data-edit-customer-dialog]").wait_for()
    assert serious(Axe().run(shell)) == [], "customer editor"
    shell.click("[data-edit-customer-dialog] [data-close-dialog]")
    shell.evaluate("() => document.querySelector('[data-sign-in-again]').click()")
    shell.locator("[data-lock-dialog]").wait_for()
    assert serious(Axe().run(shell)) == [], "sign in again"
