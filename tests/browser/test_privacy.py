"""Security of the handheld in a real browser: the idle lock (online and offline), signed-in devices, searches
that keep numbers out of URLs and storage, refused records that do not keep numbers past the day."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_floor import add_customer
from tests.browser.test_referrals import add_staff
from tests.helpers import wait_until

IDLE = "10:30"  # past the default idle_lock_minutes (10)


def idle_with_a_note_half_written(page, staff, sign_in) -> None:
    """Signed in, a note typed on More and left: the clock runs past the idle time."""
    page.clock.install()
    sign_in(page, *staff)
    page.click("[data-tab=more]")
    page.fill("#worklog-body", "half-written note")
    page.clock.fast_forward(IDLE)
    expect(page.locator("[data-lock-dialog]")).to_be_visible()


def unlock(page, password: str) -> None:
    page.fill("#lock-password", password)
    page.click("[data-lock-dialog] button[type=submit]")


def test_an_idle_phone_locks_and_unlocks_with_the_password(page, staff, sign_in):
    _, password = staff
    idle_with_a_note_half_written(page, staff, sign_in)
    lock = page.locator("[data-lock-dialog]")
    expect(page.locator("#lock-password")).to_be_focused()
    unlock(page, "not my password")
    expect(page.locator("[data-lock-error]")).to_have_text("Wrong password.")
    page.reload()  # a reload stays locked
    page.wait_for_selector("body[data-ready=true]")
    expect(lock).to_be_visible()
    unlock(page, password)
    expect(lock).to_be_hidden()
    page.click("[data-tab=more]")
    expect(page.locator("[data-screen=more]")).to_be_visible()


def test_the_screen_under_the_lock_is_kept(page, staff, sign_in):
    _, password = staff
    idle_with_a_note_half_written(page, staff, sign_in)
    unlock(page, password)
    expect(page.locator("[data-lock-dialog]")).to_be_hidden()
    expect(page.locator("#worklog-body")).to_have_value("half-written note")


def test_offline_the_lock_opens_with_the_password_given_at_sign_in(page, staff, sign_in):
    _, password = staff
    page.clock.install()
    sign_in(page, *staff)
    wait_until(page, "(await LobbypadDB.get('meta', 'unlockVerifier')) !== undefined")
    verifier = page.evaluate("async () => JSON.stringify(await LobbypadDB.get('meta', 'unlockVerifier'))")
    assert password not in verifier  # a salted slow hash, never the password
    page.context.set_offline(True)
    page.clock.fast_forward(IDLE)
    expect(page.locator("[data-lock-dialog]")).to_be_visible()
    unlock(page, "wrong-password-here")
    expect(page.locator("[data-lock-error]")).to_have_text("That is not your password.")
    unlock(page, password)
    expect(page.locator("[data-lock-dialog]")).to_be_hidden()


def test_the_user_signs_out_another_device(new_context, staff, sign_in):
    old_phone = new_context().new_page()
    sign_in(old_phone, *staff)
    page = new_context().new_page()
    sign_in(page, *staff)
    page.click("[data-tab=more]")
    devices = page.locator("[data-devices] li")
    expect(devices).to_have_count(2)
    expect(devices.filter(has_text="This device")).to_have_count(1)
    devices.locator("button:has-text('Sign out there')").click()
    expect(page.locator("[data-devices-feedback]")).to_contain_text("is signed out")
    expect(devices).to_have_count(1)
    assert old_phone.request.get("/api/v1/me").status == 401


def test_a_search_by_full_number_leaves_no_trace_in_urls_or_storage(live_server, page, staff, sign_in):
    add_customer(live_server, "孙", "权", salutation="mr", phone="13912345670")
    sign_in(page, *staff)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.click("[data-tab=customers]")
    page.fill("[data-customer-search] input", "13912345670")
    expect(page.locator("[data-results] li:has-text('孙权')")).to_contain_text("139****5670")
    assert any(url.endswith("/api/v1/customers/search") for url in urls)
    assert not [url for url in urls if "13912345670" in url]
    stored = page.evaluate(
        "async () => JSON.stringify([await LobbypadDB.all('snapshots'), await LobbypadDB.all('meta')])"
    )
    assert "13912345670" not in stored


def test_a_refused_record_does_not_keep_full_numbers_past_the_day(live_server, page, staff, sign_in):
    add_customer(live_server, "周", "瑜", salutation="mr", phone="13912345671")
    sign_in(page, *staff)
    page.context.set_offline(True)
    page.click("[data-tab=customers]")
    page.goto("/#customers/new")
    form = page.locator("[data-customer-form]")
    form.locator("[name=family_name]").fill("周")
    form.locator("[name=salutation][value=mr]").check()
    form.locator("[name=phone]").fill("13912345671")  # already a customer: the server will refuse it
    form.locator("[name=consent_contact][value=yes]").check()
    form.locator("[name=consent_marketing][value=no]").check()
    form.locator("button[type=submit]").click()
    # Taken by the phone: the form is done with it (a refusal now goes to the Sync list, not back to the form).
    wait_until(page, "(await LobbypadOutbox.pending()).length === 1 && location.hash === '#customers'")
    page.context.set_offline(False)
    page.evaluate("() => LobbypadOutbox.flush()")
    wait_until(page, "(await LobbypadOutbox.rejected()).length === 1")
    assert "13912345671" in page.evaluate("async () => JSON.stringify(await LobbypadOutbox.rejected())")
    # The next business day the record is still there, to fix and send, without the number.
    page.evaluate("""async () => {
        for (const r of await LobbypadDB.all('rejected')) await LobbypadDB.put('rejected', {...r, rejectedAt: r.rejectedAt - 86400000});
    }""")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#toast")).to_contain_text("Full numbers were removed from 1 refused records")
    rejected = page.evaluate("async () => JSON.stringify(await LobbypadOutbox.rejected())")
    assert "13912345671" not in rejected and "周" in rejected
    page.click("[data-tab=more]")
    expect(page.locator("[data-rejected-list] li")).to_contain_text("were removed from this record for privacy")


def test_the_supervisor_reads_the_audit_trail_in_chinese(live_server, new_context, sign_in):
    _, username, password = add_staff(live_server, "supervisor", "赵主管")
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, username, password)
    page.click("[data-tab=more]")
    trail = page.locator("[data-audit-list] li")
    expect(trail.first).to_contain_text("登录")  # this very sign-in, newest first
    expect(trail.first).to_contain_text("赵主管")
