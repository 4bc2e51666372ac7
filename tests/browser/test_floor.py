"""The floor on a phone: find a customer by pinyin initials, open the card, log an arrival, see it on the
board with its triage reason; the same offline; one-tap steps; reveal; new customer with consent."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth import service as accounts
from server.branches import service as branches
from server.branches.settings import BranchSettings
from server.customers.models import Customer
from server.customers.schemas import ConsentIn, CustomerIn
from server.customers.service import create_customer
from server.extensions import db
from server.floor.models import Visit
from server.floor.triage import triage
from tests.helpers import SYNCED, wait_until
from tests.unit.test_triage import CASES, DOWN_CASES

TICKETS = itertools.count(100)


def ticket() -> str:
    return f"T{next(TICKETS)}"


def add_customer(live_server, family: str, given: str, marketing: bool = True, **fields) -> str:
    with live_server.app.app_context(), live_server.app.test_request_context():
        branch = branches.get_branch_by_code("LIVE")
        actor = next(u for u in accounts.list_users() if u.branch_id == branch.id)
        customer, _ = create_customer(
            actor,
            CustomerIn(
                family_name=family, given_name=given, consent=ConsentIn(contact=True, marketing=marketing), **fields
            ),
        )
        db.session.commit()
        return customer.id


def visits_with_ticket(live_server, value: str) -> list[Visit]:
    with live_server.app.app_context():
        return list(db.session.scalars(select(Visit).where(Visit.ticket == value)))


def log_arrival(page, number: str, business_label: str, amount: str | None = None) -> None:
    page.fill("#arrival-ticket", number)
    page.click(f"[data-arrival-dialog] .business label:has-text('{business_label}')")
    if amount:
        page.fill("#arrival-amount", amount)
    page.click("[data-arrival-submit]")


def test_find_by_initials_open_card_log_arrival_and_see_it_on_the_board(live_server, shell):
    customer_id = add_customer(live_server, "欧阳", "晓山", salutation="mr", phone="13912340001", tier="potential")
    shell.click("[data-tab=customers]")
    shell.fill("#customer-q", "oyxs")
    result = shell.locator(f"a[href='#customers/{customer_id}']")
    result.wait_for()
    assert "139****0001" in result.inner_text() and "Potential VIP" in result.inner_text()
    result.click()
    greeting = shell.locator("[data-customer-card] .greeting")
    greeting.wait_for()
    assert greeting.inner_text().split(", ")[1] == "Mr Ouyang"
    assert greeting.inner_text().split(", ")[0] in ("Good morning", "Good day", "Good afternoon", "Good evening")
    assert shell.evaluate("() => document.activeElement.classList.contains('greeting')")

    number = ticket()
    shell.click("[data-customer-card] button:has-text('Log arrival')")
    assert shell.locator("[data-arrival-customer]").inner_text() == "Mr Ouyang"
    shell.fill("#arrival-ticket", number)
    shell.click("[data-arrival-dialog] .business label:has-text('Withdrawal')")
    # The suggestion is there before anything is sent: a potential VIP goes to the counter.
    expect(shell.locator("[data-suggestion]")).to_have_text(
        "Suggested: Potential VIP: serve at the counter and consider a referral → Counter"
    )
    shell.click("[data-arrival-submit]")
    shell.wait_for_selector(f"#toast:has-text('{number} logged → Counter')")
    shell.click("[data-tab=floor]")
    row = shell.locator(f".visit:has(.ticket:text-is('{number}'))")
    row.wait_for()
    assert "Mr Ouyang" in row.inner_text() and "Potential VIP" in row.inner_text()
    assert "consider a referral → Counter" in row.locator(".visit-why").inner_text()
    [visit] = visits_with_ticket(live_server, number)
    assert visit.customer_id == customer_id and visit.channel.value == "counter"


def test_three_taps_log_a_walk_in_with_the_triage_reason(live_server, shell):
    number = ticket()
    shell.click("[data-open-arrival]")  # tap 1
    shell.fill("#arrival-ticket", number)  # typed, not tapped
    shell.click("[data-arrival-dialog] .business label:has-text('Deposit')")  # tap 2
    shell.click("[data-arrival-submit]")  # tap 3
    row = shell.locator(f".visit:has(.ticket:text-is('{number}'))")
    row.wait_for()
    expect(row.locator(".visit-why")).to_have_text(
        "Deposit, amount not given: self-service if under CNY 100,000 → Self-service"
    )
    assert row.locator(".visit-who").inner_text() == "Walk-in"
    wait_until(shell, SYNCED)
    assert shell.evaluate("() => LobbypadOutbox.rejected()") == []
    assert len(visits_with_ticket(live_server, number)) == 1
    # The next arrival starts from the following ticket number.
    shell.click("[data-open-arrival]")
    expect(shell.locator("#arrival-ticket")).to_have_value(f"T{int(number[1:]) + 1}")


def walk_in(page, business_label: str):
    """A walk-in logged from the board: (its ticket, its row on the board)."""
    number = ticket()
    page.click("[data-open-arrival]")
    log_arrival(page, number, business_label)
    row = page.locator(f".visit:has(.ticket:text-is('{number}'))")
    row.wait_for()
    return number, row


def test_offline_arrival_shows_as_unsynced_then_syncs_once(live_server, shell):
    shell.locator("[data-board-loading]").wait_for(state="hidden")
    shell.context.set_offline(True)
    number = ticket()
    shell.click("[data-open-arrival]")
    log_arrival(shell, number, "Withdrawal", "25000")
    shell.wait_for_selector(f"#toast:has-text('{number} saved on this phone → Counter')")
    row = shell.locator(f".visit:has(.ticket:text-is('{number}'))")
    row.wait_for()
    assert "Not synced yet" in row.inner_text()
    assert row.locator(".visit-why").inner_text() == (
        "Withdrawal CNY 25,000, at or over the self-service limit of CNY 20,000 → Counter"
    )
    assert visits_with_ticket(live_server, number) == []

    shell.context.set_offline(False)
    wait_until(shell, SYNCED)
    row.locator(".badge-unsynced").wait_for(state="detached")
    shell.evaluate("() => LobbypadOutbox.flush()")
    [visit] = visits_with_ticket(live_server, number)
    assert visit.amount == Decimal(25000) and visit.channel.value == "counter"
    assert shell.locator(f".visit:has(.ticket:text-is('{number}'))").count() == 1


def test_one_tap_steps_and_care_reach_the_server(live_server, shell):
    number, row = walk_in(shell, "Balance enquiry")
    row.locator("[data-action=care]").click()
    shell.check("[data-care-dialog] input[value=water]")
    shell.click("[data-care-dialog] [data-care-done]")
    shell.wait_for_selector(f"#toast:has-text('{number} · Care given')")
    row.locator("[data-action=called]").click()
    row.locator(".visit-what:has-text('Called')").wait_for()
    row.locator("[data-action=served]").click()
    row.wait_for(state="detached")
    wait_until(shell, SYNCED)
    [visit] = visits_with_ticket(live_server, number)
    assert visit.status.value == "done" and visit.care_given_at is not None and visit.called_at is not None


def test_board_colours_by_tolerance_and_counts_channels(live_server, shell):
    from datetime import timedelta

    from server.common.clock import utcnow
    from server.common.types import new_id
    from server.floor.codes import BusinessType, VisitSource
    from server.floor.service import new_visit

    numbers = {}
    with live_server.app.app_context():
        branch = branches.get_branch_by_code("LIVE")
        for minutes, state in ((16, "over"), (11, "near"), (2, "ok")):
            number = ticket()
            visit, _ = new_visit(
                branch,
                ticket=number,
                business=BusinessType.FX,
                amount=None,
                customer=None,
                flags=[],
                arrived_at=utcnow() - timedelta(minutes=minutes),
                source=VisitSource.MANUAL,
                actor=None,
            )
            visit.id, visit.payload_hash = new_id(), "x" * 64
            db.session.add(visit)
            numbers[number] = state
        db.session.commit()
    shell.reload()
    for number, state in numbers.items():
        row = shell.locator(f".visit:has(.ticket:text-is('{number}'))")
        row.wait_for()
        expect(row).to_have_attribute("data-state", state)
    counter = int(shell.locator(".count-counter strong").inner_text())
    assert counter >= 3


def test_javascript_triage_agrees_with_the_server_on_every_case(shell):
    settings = BranchSettings()
    table = [(*case[:4], frozenset(), *case[4:]) for case in CASES] + DOWN_CASES
    cases = [
        {
            "business": b.value,
            "amount": float(a) if a else None,
            "tier": tr.value,
            "flags": [f.value for f in fl],
            "down": sorted(down),
        }
        for b, a, tr, fl, down, _c, _r in table
    ]
    answers = shell.evaluate(
        """async ([cases, settings]) => {
        const { triage } = await import('/static/js/triage.js');
        return cases.map(c => triage(c.business, c.amount, c.tier, c.flags, settings, c.down));
    }""",
        [cases, settings.model_dump(mode="json")],
    )
    for case, (business, amount, tier, flags, down, _c, _r), answer in zip(cases, table, answers, strict=True):
        expected = triage(business, Decimal(amount) if amount else None, tier, flags, settings, down)
        assert (answer["channel"], answer["rule"]) == (expected.channel.value, expected.rule), case


@pytest.fixture
def manager(live_server):
    with live_server.app.app_context():
        accounts.create_user(
            username="am-reveal",
            display_name="李强",
            role="account_manager",
            branch=branches.get_branch_by_code("LIVE"),
            password="browser-password",
        )
        db.session.commit()
    return "am-reveal", "browser-password"


def test_reveal_asks_for_a_reason_shows_the_number_and_keeps_it_off_the_device(live_server, page, sign_in, manager):
    customer_id = add_customer(live_server, "王", "丽", salutation="ms", phone="13712345678")
    sign_in(page, *manager)
    page.goto(f"/#customers/{customer_id}")
    page.locator("[data-customer-card] .greeting").wait_for()
    page.click("[data-customer-card] .masked button")
    page.click("[data-reveal-submit]")
    expect(page.locator("[data-reveal-error]")).to_have_text("Give a reason (at least 4 characters).")
    page.fill("#reveal-reason", "customer asked to confirm the number")
    page.click("[data-reveal-submit]")
    page.wait_for_selector("[data-revealed]:text('13712345678')")
    stored = page.evaluate("""async () => JSON.stringify([await LobbypadDB.all('snapshots'),
                                                          await LobbypadDB.all('outbox')])""")
    assert "13712345678" not in stored and "137****5678" in stored
    page.click("[data-reveal-dialog] [data-close-dialog]")
    expect(page.locator("[data-revealed]")).to_have_text("")
    assert "13712345678" not in page.content()


def test_lobby_manager_is_not_offered_a_reveal_by_default(live_server, shell):
    customer_id = add_customer(live_server, "赵", "强", phone="13612345678")
    shell.goto(f"/#customers/{customer_id}")
    shell.locator("[data-customer-card] .greeting").wait_for()
    assert shell.locator("[data-customer-card] .masked").inner_text().startswith("136****5678")
    assert shell.locator("[data-customer-card] .masked button").count() == 0


def test_new_customer_needs_consent_and_shows_the_servers_field_errors(live_server, shell):
    shell.click("[data-tab=customers]")
    shell.click("[data-new-customer]")
    form = shell.locator("[data-customer-form]")
    form.locator("#nc-family").fill("孙")
    form.locator("#nc-phone").fill("12345678901")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error-for=consent]")).to_have_text("Ask the customer and record both answers.")
    # Not "by name" by default: Mr or Ms from what is known (here nothing), else the lobby manager asks.
    expect(form.locator("[data-error-for=salutation]")).to_contain_text("Choose how to address the customer")
    form.locator("input[name=salutation][value=ms]").check()
    form.locator("input[name=consent_contact][value=yes]").check()
    form.locator("input[name=consent_marketing][value=no]").check()
    form.locator("button[type=submit]").click()
    form.locator("[data-error-for=phone]:has-text('mobile number')").wait_for()
    expect(form.locator("#nc-phone")).to_have_attribute("aria-invalid", "true")
    assert shell.evaluate("() => LobbypadOutbox.rejected().then(r => r.length)") == 0
    form.locator("#nc-phone").fill("13512345670")
    form.locator("button[type=submit]").click()
    shell.locator("[data-customer-card] .greeting").wait_for()
    with live_server.app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.phone_last4 == "5670"))
        assert customer.family_name == "孙" and customer.consent_contact and not customer.consent_marketing
    expect(shell).to_have_url(re.compile(f"#customers/{customer.id}$"))


def test_a_step_made_offline_after_the_queue_machine_moved_on_says_what_happened(live_server, shell):
    from server.common.clock import utcnow
    from server.floor.codes import EventType
    from server.floor.service import record_machine_event

    number, row = walk_in(shell, "Balance enquiry")
    wait_until(shell, SYNCED)
    shell.context.set_offline(True)
    row.locator("[data-action=called]").click()  # behind a pillar: kept on the phone
    shell.wait_for_selector("[data-sync-status][data-state=pending]")
    with live_server.app.app_context():  # meanwhile the queue machine reports the customer served
        [visit] = visits_with_ticket(live_server, number)
        record_machine_event(visit, EventType.SERVED, utcnow())
        db.session.commit()

    shell.context.set_offline(False)
    expect(shell.locator("#toast")).to_contain_text(f"Ticket {number}: “called” at ")
    expect(shell.locator("#toast")).to_contain_text("meanwhile the queue machine marked it “served” at ")
    shell.click("[data-tab=more]")
    notice = shell.locator("[data-notices-list] li")
    expect(notice).to_contain_text("so it is now served.")
    notice.locator("button:has-text('OK')").click()
    expect(shell.locator("[data-notices-list] li")).to_have_count(0)
    expect(shell.locator("[data-notices-title]")).to_be_hidden()
    [visit] = visits_with_ticket(live_server, number)
    assert visit.status.value == "done" and visit.called_at is not None  # both steps kept, in their order
