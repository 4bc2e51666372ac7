"""What the phone shows with no network: today's floor, the customers opened today (masked only), the user's
open referrals and tasks, each with the age of what it shows; nothing of an earlier business day."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_floor import add_customer
from tests.browser.test_referrals import add_staff, only_on_duty
from tests.helpers import SYNCED, wait_until

ALL_SNAPSHOTS = "() => LobbypadDB.all('snapshots').then((s) => JSON.stringify(s))"


def go_offline_and_restart(page) -> None:
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")


def test_offline_the_phone_shows_todays_data_with_its_age_and_only_masked_numbers(live_server, new_context, sign_in):
    manager_id, _, _ = add_staff(live_server, "account_manager", "周瑜", on_duty=True)
    only_on_duty(live_server, manager_id)
    _, username, password = add_staff(live_server, "lobby_manager", "小乔")
    customer_id = add_customer(live_server, "孙", "权", salutation="mr", phone="13912345678")
    page = new_context().new_page()
    sign_in(page, username, password)

    # Online: the customer's card is opened and referred; the Refer tab itself is never opened.
    page.goto(f"/#customers/{customer_id}")
    page.locator("[data-customer-card] .greeting").wait_for()
    page.click("[data-customer-card] button:has-text('Refer')")
    sheet = page.locator("[data-refer-dialog]")
    sheet.locator("label:has-text('Yes')").click()
    sheet.locator("#refer-reason").fill("到期存款，问理财")
    sheet.locator("button[type=submit]").click()
    wait_until(page, SYNCED)
    # The list behind the unopened Refer tab is read again after the referral went.
    wait_until(
        page,
        "((await LobbypadDB.get('snapshots', '/api/v1/referrals?box=sent')) || {data: {referrals: []}})"
        ".data.referrals.length === 1",
    )
    page.goto("/#floor")

    go_offline_and_restart(page)
    expect(page.locator("[data-floor-age]")).to_contain_text("Offline — data from")

    page.click("[data-tab=customers]")
    # Offline the phone searches what it holds today the way the server does: not everything it holds.
    page.fill("[data-customer-search] input", "zhou")
    expect(page.locator("[data-search-status]")).to_contain_text("none of today’s customers on this phone match")
    expect(page.locator("[data-results] li")).to_have_count(0)
    for query in ("sun", "sq", "孙", "5678"):
        page.fill("[data-customer-search] input", query)
        expect(page.locator("[data-search-status]")).to_have_text(
            "Offline: 1 of today’s customers on this phone match."
        )
    found = page.locator("[data-results] li:has-text('孙权')")
    expect(found).to_contain_text("139****5678")
    expect(found).to_contain_text("Mr Sun")
    assert "13912345678" not in page.evaluate(ALL_SNAPSHOTS)  # the full number never reaches the device

    page.click("[data-tab=refer]")
    expect(page.locator("[data-referral-list] li")).to_contain_text(["Mr Sun"])
    expect(page.locator("[data-referral-list] li")).to_contain_text(["到期存款，问理财"])
    expect(page.locator("[data-referrals-age]")).to_contain_text("Offline — data from")

    # The next business day, yesterday's snapshot is gone, not shown as if it were today's.
    page.evaluate("""async () => {
        for (const s of await LobbypadDB.all('snapshots')) await LobbypadDB.put('snapshots', {...s, at: s.at - 86400000});
    }""")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("() => LobbypadDB.count('snapshots')") == 0
    page.click("[data-tab=customers]")
    page.fill("[data-customer-search] input", "sun")
    expect(page.locator("[data-search-status]")).to_contain_text("needs the network")
    expect(page.locator("[data-results] li")).to_have_count(0)
