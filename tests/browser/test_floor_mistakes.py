"""Mistakes on the floor, made on a phone: a double tap, a ticket logged twice, a step tapped by mistake, a
visit or a note logged in error. Each is one record, or none, on the server."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.worklog.models import WorkLogEntry
from tests.browser.test_floor import add_customer, log_arrival, ticket, visits_with_ticket, walk_in
from tests.helpers import SYNCED, wait_until


def writes_to(live_server, since: int, path: str) -> list:
    return [w for w in live_server.writes[since:] if w[1] == path]


def test_a_double_tap_on_log_sends_one_arrival_once(live_server, shell):
    shell.locator("[data-board-loading]").wait_for(state="hidden")
    before = len(live_server.writes)
    number = ticket()
    shell.click("[data-open-arrival]")
    shell.fill("#arrival-ticket", number)
    shell.click("[data-arrival-dialog] .business label:has-text('Withdrawal')")
    shell.dblclick("[data-arrival-submit]")
    shell.locator(f".visit:has(.ticket:text-is('{number}'))").wait_for()
    wait_until(shell, SYNCED)
    assert len(visits_with_ticket(live_server, number)) == 1
    # One sender: the page's outbox sent it, and the service worker's Background Sync did not send it again.
    assert writes_to(live_server, before, "/api/v1/visits") == [("POST", "/api/v1/visits")]
    assert writes_to(live_server, before, "/api/v1/sync") == []


def test_a_ticket_already_on_the_board_is_shown_not_logged_again_online_and_offline(live_server, shell):
    number, _row = walk_in(shell, "Deposit")
    wait_until(shell, SYNCED)
    shell.context.set_offline(True)
    offline_number, _offline_row = walk_in(shell, "Deposit")
    for again in (number, offline_number):
        shell.click("[data-open-arrival]")
        log_arrival(shell, again, "Withdrawal")  # the same ticket, another business
        shell.wait_for_selector(f"#arrival-ticket-error:text('Ticket {again} is already on the board.')")
        shell.click("[data-show-existing]")
        shell.locator("[data-arrival-dialog]").wait_for(state="hidden")
        shell.wait_for_selector(f".visit.flash:has(.ticket:text-is('{again}'))")
    assert shell.locator(f".visit:has(.ticket:text-is('{offline_number}'))").count() == 1
    shell.context.set_offline(False)
    shell.evaluate("() => LobbypadOutbox.flush()")
    wait_until(shell, SYNCED)
    assert [v.business_type.value for v in visits_with_ticket(live_server, number)] == ["deposit"]
    assert [v.business_type.value for v in visits_with_ticket(live_server, offline_number)] == ["deposit"]


def test_a_step_tapped_by_mistake_is_undone_before_it_is_sent(live_server, shell):
    number, row = walk_in(shell, "Deposit")
    wait_until(shell, SYNCED)
    before = len(live_server.writes)
    row.locator("[data-action=left]").click()
    row.wait_for(state="detached")
    shell.click("#toast [data-toast-action]:text('Undo')")
    shell.wait_for_selector(f"#toast:has-text('{number}: undone, back on the board.')")
    shell.locator(f".visit:has(.ticket:text-is('{number}'))").wait_for()
    shell.evaluate("() => LobbypadOutbox.flush()")
    wait_until(shell, SYNCED)
    [visit] = visits_with_ticket(live_server, number)
    assert visit.status.value == "waiting"
    assert [w for w in live_server.writes[before:] if w[1].startswith("/api/v1/visits")] == []


def test_a_visit_logged_in_error_is_withdrawn_once_the_undo_time_is_over(live_server, shell):
    number, row = walk_in(shell, "Deposit")
    row.locator("[data-action=logged_in_error]").click()
    row.wait_for(state="detached")
    expect(shell.locator("#toast")).to_contain_text(f"{number} · Logged in error")
    wait_until(shell, SYNCED)
    [visit] = visits_with_ticket(live_server, number)
    assert visit.status.value == "cancelled"


def test_the_author_corrects_and_withdraws_a_note(live_server, shell, staff):
    shell.click("[data-tab=more]")
    shell.fill("#worklog-body", "ATM 2 out of paper")
    shell.click("[data-worklog-submit]")
    note = shell.locator("[data-worklog-list] li:has-text('ATM 2 out of paper')")
    note.locator("[data-note-action=edit]").click()
    assert shell.input_value("#worklog-body") == "ATM 2 out of paper"
    shell.fill("#worklog-body", "ATM 2 out of receipt paper")
    shell.click("[data-worklog-submit]:text('Save changes')")
    edited = shell.locator("[data-worklog-list] li:has-text('ATM 2 out of receipt paper')")
    edited.wait_for()
    wait_until(shell, SYNCED)
    edited.locator("small:has-text('edited')").wait_for()
    edited.locator("[data-note-action=withdraw]").click()
    edited.wait_for(state="detached")
    shell.wait_for_selector("#toast:has-text('Note withdrawn.')")
    wait_until(shell, SYNCED)
    with live_server.app.app_context():
        author = db.session.scalar(select(User.id).where(User.username == staff[0]))
        [entry] = db.session.scalars(select(WorkLogEntry).where(WorkLogEntry.author_id == author))
        assert entry.body == "ATM 2 out of receipt paper" and entry.withdrawn_at is not None
    # The branch's log (colleagues' notes stay): the withdrawn note is no longer in it.
    expect(shell.locator("[data-worklog-list]")).not_to_contain_text("ATM 2 out of")


def test_a_walk_in_is_linked_to_the_customer_found_later_and_can_then_be_referred(live_server, shell):
    customer_id = add_customer(live_server, "邓", "丽", salutation="ms")
    number, row = walk_in(shell, "Deposit")
    row.locator("[data-action=link]").click()
    expect(shell.locator("[data-linking]")).to_contain_text(f"customer of ticket {number}")
    shell.fill("[data-customer-search] input", "邓丽")
    shell.click("[data-results] li a:has-text('邓丽')")
    shell.click(f"[data-customer-card] button:has-text('This is ticket {number}')")
    expect(shell).to_have_url(re.compile("#floor$"))
    expect(row.locator(".visit-who")).to_have_text("Ms Deng")
    wait_until(shell, SYNCED)
    expect(row.locator("[data-action=refer]")).to_be_visible()
    [visit] = visits_with_ticket(live_server, number)
    assert visit.customer_id == customer_id
