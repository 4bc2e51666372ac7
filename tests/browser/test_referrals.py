"""Referrals on two phones: the lobby manager refers from the customer card, the account manager hears of
it through the open app (no Web Push), accepts with an ETA, and the lobby manager sees it without asking.
Plus the service worker's push handler, the notification's Accept, and turning notifications on."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth import service as accounts
from server.auth.models import User
from server.branches import service as branches
from server.extensions import db
from server.notifications.models import Notification
from server.push.models import PushSubscription
from server.referrals.models import Referral, ReferralStatus
from server.referrals.schemas import ReferralIn
from server.referrals.service import create_referral
from tests.browser.test_floor import add_customer
from tests.helpers import wait_until

FAKE_PUSH_ORIGIN = "https://push.lobbypad.test"  # allowed for these tests; nothing is ever sent there


def add_staff(live_server, role: str, name: str, on_duty: bool = False) -> tuple[str, str, str]:
    username = f"{role[:3]}{uuid.uuid4().hex[:8]}"
    with live_server.app.app_context():
        user = accounts.create_user(
            username=username,
            display_name=name,
            role=role,
            branch=branches.get_branch_by_code("LIVE"),
            password="browser-password",
        )
        user.on_duty = on_duty
        db.session.commit()
        return user.id, username, "browser-password"


def only_on_duty(live_server, user_id: str) -> None:
    """The live branch is shared by the tests: make this account manager the only one on duty."""
    with live_server.app.app_context():
        for user in db.session.scalars(select(User).where(User.role == "account_manager")):
            user.on_duty = user.id == user_id
        db.session.commit()


def referral_of(live_server, customer_id: str) -> Referral:
    with live_server.app.app_context():
        return db.session.scalar(select(Referral).where(Referral.customer_id == customer_id))


def live_cursor_set(page) -> None:
    """The open app's first poll only marks where it starts; after it, new notifications are shown."""
    wait_until(page, '(await LobbypadDB.get("meta", "liveCursor")) !== undefined')


def test_refer_from_the_card_then_accept_on_the_other_phone_and_see_it_back(live_server, new_context, sign_in):
    manager_id, manager_user, password = add_staff(live_server, "account_manager", "李强经理", on_duty=True)
    only_on_duty(live_server, manager_id)
    _, lobby_user, _ = add_staff(live_server, "lobby_manager", "王芳")
    customer_id = add_customer(live_server, "陈", "大文", salutation="mr")
    manager = new_context().new_page()
    sign_in(manager, manager_user, password)
    expect(manager.locator("[data-referrals-status]")).to_contain_text("No referrals for you")
    live_cursor_set(manager)

    lobby = new_context().new_page()
    sign_in(lobby, lobby_user, password)
    lobby.goto(f"/#customers/{customer_id}")
    lobby.click("[data-customer-card] button:has-text('Refer')")
    sheet = lobby.locator("[data-refer-dialog]")
    sheet.locator("button[type=submit]").click()
    expect(sheet.locator("[data-error-for=urgency]")).to_have_text("Ask whether the customer has time now.")
    sheet.locator("label:has-text('Yes')").click()
    expect(sheet.locator("#refer-manager option")).to_have_count(2)  # automatic + the one on duty
    sheet.locator("label:has-text('Wealth management')").click()
    sheet.locator("#refer-location").fill("VIP room 2")
    sheet.locator("button[type=submit]").click()
    expect(lobby.locator("#toast")).to_contain_text("Referral sent to 李强经理")
    referral = referral_of(live_server, customer_id)
    assert referral.to_user_id == manager_id and referral.reason == "Wealth management"
    expect(lobby).to_have_url(re.compile(f"#refer/{referral.id}$"))
    expect(lobby.locator("[data-referral-detail] .referral-line")).to_have_text("Waiting for 李强经理 to answer")

    # The account manager's open app hears of it through the live channel (this browser has no Web Push).
    expect(manager.locator("#toast")).to_contain_text("陈大文", timeout=15000)
    item = manager.locator(f"[data-referral-list] a[href='#inbox/{referral.id}']")
    expect(item).to_contain_text("Mr Chen")
    expect(item.locator(".referral-line")).to_have_text("Waiting for your answer")
    manager.click(f"[data-referral-list] a[href='#inbox/{referral.id}']")
    manager.click("[data-referral-detail] button:has-text('Accept · 3 min')")
    expect(manager.locator("[data-referral-detail] .referral-line")).to_have_text("李强经理 accepted — 3 min")

    # Back on the lobby manager's phone, without touching it.
    expect(lobby.locator("[data-referral-detail] .referral-line")).to_have_text(
        "李强经理 accepted — 3 min", timeout=20000
    )
    timeline = lobby.locator("[data-referral-detail] .timeline li")
    expect(timeline).to_have_count(2)
    expect(timeline.nth(1)).to_contain_text("Accepted · 李强经理 · 3 min")
    lobby.goto(f"/#customers/{customer_id}")
    expect(lobby.locator("[data-customer-card]")).to_contain_text("李强经理 accepted")


def deliver_push(context, page, origin: str, payload: dict) -> None:
    """A push message to the page's service worker through CDP, as a push service would deliver it, and
    wait for its notification.

    CDP reports registrations and worker versions in events that arrive some time after
    `ServiceWorker.enable` answers, and Chromium drops, without a word, a push to a registration it does not
    have ready: so the push goes only once CDP has reported our registration's worker as activated (seen in
    CI under load: the push was sent before either)."""
    cdp = context.new_cdp_session(page)
    registrations, versions = [], []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.on("ServiceWorker.workerVersionUpdated", lambda event: versions.extend(event["versions"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    def ready_registration():
        ours = {r["registrationId"] for r in registrations if not r["isDeleted"] and r["scopeURL"] == f"{origin}/"}
        activated = [
            v["registrationId"] for v in versions if v["status"] == "activated" and v["registrationId"] in ours
        ]
        return activated[-1] if activated else None

    deadline = time.monotonic() + 15
    while (registration_id := ready_registration()) is None:
        assert time.monotonic() < deadline, f"CDP never reported an activated worker: {registrations} {versions}"
        page.wait_for_timeout(25)  # Playwright dispatches the CDP events while it waits
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration_id, "data": json.dumps(payload)},
    )
    wait_until(page, "(await (await navigator.serviceWorker.ready).getNotifications()).length === 1")


def test_a_push_shows_the_notification_and_its_accept_action_accepts(live_server, new_context, sign_in):
    manager_id, manager_user, password = add_staff(live_server, "account_manager", "赵磊", on_duty=True)
    lobby_id, _, _ = add_staff(live_server, "lobby_manager", "韩梅")
    customer_id = add_customer(live_server, "吴", "敏", salutation="ms")
    with live_server.app.app_context(), live_server.app.test_request_context():
        lobby = db.session.get(User, lobby_id)
        referral, _ = create_referral(
            lobby, ReferralIn(customer_id=customer_id, reason="问基金", urgency="now", account_manager_id=manager_id)
        )
        db.session.commit()
        referral_id = referral.id
        payload = dict(db.session.scalar(select(Notification.payload).where(Notification.recipient_id == manager_id)))
    context = new_context()
    context.grant_permissions(["notifications"])
    page = context.new_page()
    sign_in(page, manager_user, password)
    deliver_push(context, page, live_server.url, payload)
    shown = page.evaluate("""async () => {
        const [n] = await (await navigator.serviceWorker.ready).getNotifications();
        return {title: n.title, body: n.body, tag: n.tag, data: n.data, actions: n.actions.map((a) => a.action),
                maxActions: Notification.maxActions};
    }""")
    assert shown["title"] == payload["title"] and "吴敏" in shown["title"]
    assert shown["tag"] == f"referral-{referral_id}"
    # Headless Chromium on Linux shows no action buttons (maxActions 0); a phone shows Accept and Open.
    assert shown["actions"] == ["accept", "open"][: shown["maxActions"]]
    assert [a["action"] for a in payload["actions"]] == ["accept", "open"]
    assert shown["data"]["url"] == f"/#referrals/{referral_id}"
    # The same code the click runs, with the Accept action: through the outbox, then to the referral.
    worker = context.service_workers[0]
    worker.evaluate("""async () => {
        const [n] = await self.registration.getNotifications();
        await self.LobbypadNotifications.openFromNotification(n.data, "accept");
    }""")
    expect(page).to_have_url(re.compile(f"#inbox/{referral_id}$"))
    expect(page.locator("[data-referral-detail] .referral-line")).to_have_text("赵磊 accepted")
    assert referral_of(live_server, customer_id).status == ReferralStatus.ACCEPTED


@pytest.fixture
def fake_push_allowed(live_server):
    previous = live_server.app.config["PUSH_ALLOWED_ORIGINS"]
    live_server.app.config["PUSH_ALLOWED_ORIGINS"] = (FAKE_PUSH_ORIGIN,)
    yield
    live_server.app.config["PUSH_ALLOWED_ORIGINS"] = previous


STUB_SUBSCRIBE = """(() => {
  // Chromium here cannot reach a vendor push service: subscribe() answers like a browser that could.
  let subscription = null;
  const key = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const p256dh = key([4, ...Array.from({length: 64}, (_, i) => (i * 7 + 1) % 256)]);
  PushManager.prototype.subscribe = async function () {
    subscription = {
      endpoint: "FAKE_ORIGIN/send/device-1",
      options: {},
      toJSON() { return {endpoint: this.endpoint, expirationTime: null, keys: {p256dh, auth: key(Array(16).fill(9))}}; },
      unsubscribe: async () => true,
    };
    return subscription;
  };
  PushManager.prototype.getSubscription = async function () { return subscription; };
})();""".replace("FAKE_ORIGIN", FAKE_PUSH_ORIGIN)


def test_turning_notifications_on_saves_the_subscription_and_the_test_is_queued(
    live_server, new_context, sign_in, fake_push_allowed
):
    user_id, username, password = add_staff(live_server, "lobby_manager", "孙丽")
    context = new_context()
    context.grant_permissions(["notifications"])
    context.add_init_script(STUB_SUBSCRIBE)
    page = context.new_page()
    sign_in(page, username, password)
    page.click("[data-tab=more]")
    expect(page.locator("[data-push-state]")).to_have_text(re.compile("^Off"))
    page.click("[data-push-enable]")
    expect(page.locator("[data-push-state]")).to_have_text("On: this phone gets notifications.")
    with live_server.app.app_context():
        endpoints = db.session.scalars(
            select(PushSubscription.endpoint).where(PushSubscription.user_id == user_id)
        ).all()
    assert endpoints == [f"{FAKE_PUSH_ORIGIN}/send/device-1"]
    page.click("[data-push-test]")
    expect(page.locator("#toast")).to_have_text("Test notification sent to 1 devices")
    with live_server.app.app_context():
        kinds = db.session.scalars(select(Notification.kind).where(Notification.recipient_id == user_id)).all()
    assert kinds == ["push.test"]
    page.locator("[data-duty-toggle]").check()
    expect(page.locator("[data-duty-feedback]")).to_contain_text("You are on duty")
    with live_server.app.app_context():
        assert db.session.get(User, user_id).on_duty is True


def receive_cards(page, prefix: str, last: int) -> None:
    """Record a batch of VIP experience cards (prefix + 0001 … last) in More → Card stock."""
    page.click("[data-tab=more]")
    page.click("[data-card-stock] summary")
    for field, value in (
        ("#batch-prefix", prefix),
        ("#batch-first", "1"),
        ("#batch-last", str(last)),
        ("#batch-width", "4"),
    ):
        page.fill(field, value)
    page.click("[data-batch-form] button[type=submit]")


def card_handout_sheet(page, customer_id: str):
    """The refer sheet of a customer with no time now, for funds, handing out a VIP experience card."""
    page.goto(f"/#customers/{customer_id}")
    page.click("[data-customer-card] button:has-text('Refer')")
    sheet = page.locator("[data-refer-dialog]")
    sheet.locator("label:has-text('No — ')").click()
    sheet.locator("label:has-text('Funds')").click()
    sheet.locator("label:has-text('VIP experience card')").click()
    return sheet


def test_no_time_hands_out_a_numbered_card_and_the_stock_counts_it(live_server, new_context, sign_in):
    manager_id, _, _ = add_staff(live_server, "account_manager", "钱进", on_duty=False)  # a call-back: anyone active
    _, username, password = add_staff(live_server, "lobby_manager", "周洁")
    customer_id = add_customer(live_server, "郑", "秀", salutation="ms")
    prefix = "".join(chr(ord("A") + int(c, 16) % 26) for c in uuid.uuid4().hex[:5])  # this test's own serials
    page = new_context().new_page()
    sign_in(page, username, password)
    receive_cards(page, prefix, 50)
    expect(page.locator("[data-card-batches]")).to_contain_text(f"{prefix}0001 – {prefix}0050: 50 of 50 left")

    sheet = card_handout_sheet(page, customer_id)
    sheet.locator("button[type=submit]").click()
    expect(sheet.locator("[data-error-for='card.serial']")).to_have_text("Enter the serial number printed on the card.")
    expect(sheet.locator("#refer-serial")).to_have_attribute("aria-invalid", "true")
    sheet.locator("#refer-serial").fill(f"{prefix.lower()}0007")
    sheet.locator("#refer-best-time").fill("weekday evenings")
    expect(sheet.locator(f"#refer-manager option[value='{manager_id}']")).to_have_count(1)
    sheet.locator("#refer-manager").select_option(manager_id)  # the branch is shared by the tests
    sheet.locator("button[type=submit]").click()
    expect(page.locator("#toast")).to_contain_text("Referral sent to 钱进")
    referral = referral_of(live_server, customer_id)
    assert referral.urgency == "follow_up" and referral.best_time == "weekday evenings"
    assert [h.serial for h in referral_handouts(live_server, referral.id)] == [f"{prefix}0007"]

    page.click("[data-tab=more]")
    expect(page.locator("[data-card-batches]")).to_contain_text("49 of 50 left")
    expect(page.locator("[data-card-handouts]")).to_contain_text(f"VIP experience card {prefix}0007 → 郑秀 · 周洁")


def test_the_account_managers_listed_are_those_of_the_choice_made_even_if_the_first_list_answers_last(
    live_server, new_context, sign_in
):
    manager_id, _, _ = add_staff(live_server, "account_manager", "孙权", on_duty=False)
    _, username, password = add_staff(live_server, "lobby_manager", "吴敏")
    customer_id = add_customer(live_server, "冯", "远", salutation="mr")
    page = new_context().new_page()
    sign_in(page, username, password)
    held = []  # the on-duty list asked for when the sheet opens is answered only after the "no time" one
    page.route("**/api/v1/referrals/account-managers?urgency=now", lambda route: held.append(route))
    sheet = card_handout_sheet(page, customer_id)
    expect(sheet.locator(f"#refer-manager option[value='{manager_id}']")).to_have_count(1)  # anyone active
    assert len(held) == 1
    held[0].continue_()
    # The late answer is kept as the phone's snapshot, then handed to the sheet, which must not draw it.
    wait_until(page, 'await LobbypadDB.get("snapshots", "/api/v1/referrals/account-managers?urgency=now")')
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")  # the sheet's turn has passed
    expect(sheet.locator(f"#refer-manager option[value='{manager_id}']")).to_have_count(1)


def referral_handouts(live_server, referral_id: str):
    from server.cards.models import CardHandout

    with live_server.app.app_context():
        return list(db.session.scalars(select(CardHandout).where(CardHandout.referral_id == referral_id)))


def test_a_referral_made_offline_is_sent_once_when_back_online(live_server, new_context, sign_in):
    from tests.helpers import SYNCED

    manager_id, _, _ = add_staff(live_server, "account_manager", "孔明", on_duty=True)
    only_on_duty(live_server, manager_id)
    _, username, password = add_staff(live_server, "lobby_manager", "韩梅")
    customer_id = add_customer(live_server, "卫", "东", salutation="mr")
    context = new_context()
    page = context.new_page()
    sign_in(page, username, password)
    page.goto(f"/#customers/{customer_id}")
    page.locator("[data-customer-card] .greeting").wait_for()
    context.set_offline(True)
    page.click("[data-customer-card] button:has-text('Refer')")
    sheet = page.locator("[data-refer-dialog]")
    sheet.locator("label:has-text('Yes')").click()
    sheet.locator("#refer-reason").fill("大额转入，问理财")
    sheet.locator("button[type=submit]").click()
    expect(page.locator("#toast")).to_have_text("Referral saved on this phone — it is sent when online")
    expect(page.locator("[data-sync-status]")).to_contain_text("1 waiting to sync")
    assert referral_of(live_server, customer_id) is None
    context.set_offline(False)
    wait_until(page, SYNCED)
    referral = referral_of(live_server, customer_id)
    assert referral.reason == "大额转入，问理财" and referral.to_user_id == manager_id
    with live_server.app.app_context():
        assert len(db.session.scalars(select(Referral.id).where(Referral.customer_id == customer_id)).all()) == 1


def test_a_card_handed_out_offline_whose_serial_was_taken_meanwhile_is_fixed_and_sent(
    live_server, new_context, sign_in
):
    manager_id, _, _ = add_staff(live_server, "account_manager", "孙丽", on_duty=False)
    _, username, password = add_staff(live_server, "lobby_manager", "吕方")
    first, second = (add_customer(live_server, "冯", name, salutation="ms") for name in ("一", "二"))
    prefix = "".join(chr(ord("A") + int(c, 16) % 26) for c in uuid.uuid4().hex[:5])
    page = new_context().new_page()
    sign_in(page, username, password)
    receive_cards(page, prefix, 20)
    expect(page.locator("[data-card-batches]")).to_contain_text(f"{prefix}0001 – {prefix}0020")

    page.goto(f"/#customers/{second}")  # opened online, so its card is on the phone
    page.locator("[data-customer-card] .greeting").wait_for()
    page.context.set_offline(True)
    sheet = card_handout_sheet(page, second)  # behind a pillar; meanwhile another phone hands out the same card
    sheet.locator("#refer-serial").fill(f"{prefix}0003")
    sheet.locator("button[type=submit]").click()  # offline: the server picks the account manager
    expect(page.locator("#toast")).to_contain_text("saved on this phone")
    with live_server.app.app_context(), live_server.app.test_request_context():
        from server.cards.schemas import CardIn
        from server.referrals.schemas import ReferralIn
        from server.referrals.service import create_referral

        colleague = db.session.scalar(select(User).where(User.username == username))
        create_referral(
            colleague,
            ReferralIn(
                customer_id=first,
                reason="Funds",
                urgency="follow_up",
                account_manager_id=manager_id,
                card=CardIn(card_type="vip_experience", serial=f"{prefix}0003"),
            ),
        )
        db.session.commit()

    page.context.set_offline(False)
    page.click("[data-tab=more]")
    refused = page.locator("[data-rejected-list] li")
    expect(refused).to_contain_text("This card was already handed out: check the serial number.")
    serial = refused.get_by_label("Card serial number", exact=True)
    expect(serial).to_have_value(f"{prefix}0003")
    expect(refused.locator(".field-error")).to_have_text("Already handed out.")
    serial.fill(f"{prefix}0004")
    refused.locator("button:has-text('Fix and send')").click()
    expect(page.locator("[data-rejected-list] li")).to_have_count(0)
    wait_until(page, "(await LobbypadOutbox.pending()).length === 0")
    referral = referral_of(live_server, second)
    assert [h.serial for h in referral_handouts(live_server, referral.id)] == [f"{prefix}0004"]


def test_offline_a_card_serial_the_phone_knows_is_handed_out_is_refused_at_once(live_server, new_context, sign_in):
    from tests.helpers import wait_until

    manager_id, _, _ = add_staff(live_server, "account_manager", "孙立", on_duty=False)
    _, username, password = add_staff(live_server, "lobby_manager", "林静")
    first, second = (add_customer(live_server, "韦", name, salutation="ms") for name in ("一", "二"))
    prefix = "".join(chr(ord("A") + int(c, 16) % 26) for c in uuid.uuid4().hex[:5])
    page = new_context().new_page()
    sign_in(page, username, password)
    receive_cards(page, prefix, 10)
    expect(page.locator("[data-card-batches]")).to_contain_text(f"{prefix}0001 – {prefix}0010: 10 of 10 left")
    sheet = card_handout_sheet(page, first)
    sheet.locator("#refer-serial").fill(f"{prefix}0003")
    sheet.locator("#refer-manager").select_option(manager_id)
    sheet.locator("button[type=submit]").click()
    expect(page.locator("#toast")).to_contain_text("Referral sent to 孙立")
    page.click("[data-tab=more]")
    expect(page.locator("[data-card-handouts]")).to_contain_text(f"{prefix}0003 → 韦一")
    page.goto(f"/#customers/{second}")  # opened once online: the card is on the phone
    page.locator("[data-customer-card] .greeting").wait_for()

    page.context.set_offline(True)
    sheet = card_handout_sheet(page, second)
    sheet.locator("#refer-serial").fill(f"{prefix.lower()}0003")
    sheet.locator("button[type=submit]").click()
    expect(sheet.locator("[data-error-for='card.serial']")).to_have_text(
        f"Card {prefix}0003 was already handed out (韦一). Check the number on the card."
    )
    wait_until(page, "(await LobbypadOutbox.pending()).length === 0")  # nothing queued to fail later
