"""The before-opening checklist run offline with a photo from the file chooser: on the phone at once, sent
once when the network is back, the photo stored without its EXIF; the floor shows the fault strip; axe on the
checks screen and the fault sheet. Each test has a branch of its own: runs and faults are the branch's, and
a machine down would change the triage of the other tests."""

from __future__ import annotations

import io
import re
import uuid

from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.auth import service as accounts
from server.branches import service as branches
from server.care.models import CareTask
from server.checks.models import CheckRun, CheckTick, Fault, Photo
from server.checks.photos import photo_path
from server.checks.runs import run_id
from server.extensions import db
from server.floor.models import Visit
from tests.api.test_check_photos import png_with_location
from tests.browser.test_accessibility import serious
from tests.browser.test_floor import ticket
from tests.helpers import SYNCED, wait_until


def own_branch(live_server, role: str = "lobby_manager") -> tuple[str, str, str]:
    """(branch id, username, password) of a fresh branch with one member of staff."""
    code = f"C{uuid.uuid4().hex[:6].upper()}"
    with live_server.app.app_context():
        branch = branches.create_branch(code, f"Branch {code}")
        accounts.create_user(
            username=code.lower(), display_name="周敏", role=role, branch=branch, password="browser-password"
        )
        db.session.commit()
        return branch.id, code.lower(), "browser-password"


def open_checks(page) -> None:
    page.evaluate("() => { location.hash = '#checks'; }")
    expect(page.locator("[data-screen=checks]")).to_be_visible()
    page.locator("[data-phase=before_opening]").click()  # from noon the closing checklist comes first
    expect(page.locator("[data-phase=before_opening]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-check-items] > li")).to_have_count(18)


def test_the_checklist_offline_with_a_photo_is_sent_once_and_the_floor_shows_the_fault(
    live_server, new_context, sign_in
):
    branch_id, username, password = own_branch(live_server)
    page = new_context().new_page()
    sign_in(page, username, password)
    open_checks(page)
    page.context.set_offline(True)
    items = page.locator("[data-check-items] > li")
    for index in (0, 1, 17):  # the queue machine, ATM 1, fire equipment
        items.nth(index).locator("[data-tick=ok]").click()
        expect(items.nth(index)).to_have_attribute("data-result", "ok")
    atm2 = items.filter(has=page.locator(".check-asset", has_text="ATM 2"))
    atm2.locator("[data-tick=fault]").click()
    atm2.locator("[name=note]").fill("Out of cash")
    atm2.locator("input[type=file]").set_input_files(
        files=[{"name": "atm.png", "mimeType": "image/png", "buffer": png_with_location()}]
    )
    expect(atm2.locator("[data-preview] img")).to_be_visible()
    atm2.locator("button[value=fault]").click()
    expect(page.locator("[data-checks-progress]")).to_have_text("4 of 18 checked")
    expect(atm2).to_have_attribute("data-result", "fault")
    expect(atm2.locator(".check-note")).to_contain_text("Out of cash · Saved on this phone")
    stored = page.evaluate(
        "async () => (await LobbypadOutbox.pending()).filter((r) => r.kind === 'photo.upload').map((r) => r.body.size)"
    )
    assert len(stored) == 1 and stored[0] < 400_000  # down-scaled on the phone, not the 2000×1500 original
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count(CheckRun.id)).where(CheckRun.branch_id == branch_id)) == 0

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(page, SYNCED)
    with live_server.app.app_context():
        run = db.session.scalar(select(CheckRun).where(CheckRun.branch_id == branch_id))
        assert run.id == run_id(branch_id, "before_opening", run.day)  # the phone named it as the server would
        ticks = list(db.session.scalars(select(CheckTick).where(CheckTick.run_id == run.id)))
        assert sorted(t.result.value for t in ticks) == ["fault", "ok", "ok", "ok"]
        fault = db.session.scalar(select(Fault).where(Fault.branch_id == branch_id))
        assert (fault.asset.number, fault.symptom, fault.status.value) == (2, "Out of cash", "open")
        photos = list(db.session.scalars(select(Photo).where(Photo.branch_id == branch_id)))
        assert len(photos) == 1 and len(ticks) == 4  # a retry (page and service worker both sending) is one
        photo = photos[0]
        assert next(t for t in ticks if t.result.value == "fault").photo_id == photo.id
        path = photo_path(branch_id, photo.id)
    with Image.open(io.BytesIO(path.read_bytes())) as image:
        assert image.format == "JPEG" and dict(image.getexif()) == {}
    expect(atm2.locator(".check-note")).to_have_text("Out of cash")
    expect(atm2.locator("img.check-photo")).to_be_visible()

    page.evaluate("() => { location.hash = '#floor'; }")
    strip = page.locator("[data-fault-strip]")
    expect(strip).to_contain_text("ATM 2 · Out of cash")
    strip.locator("a").click()
    expect(page.locator("[data-fault-list] .highlight")).to_contain_text("ATM 2 · Out of cash")


def test_a_fault_reported_from_the_floor_is_fixed_and_leaves_the_strip(live_server, new_context, sign_in):
    _branch_id, username, password = own_branch(live_server)
    page = new_context().new_page()
    sign_in(page, username, password)
    page.click("[data-screen=floor] [data-open-fault]")
    sheet = page.locator("[data-fault-dialog]")
    expect(sheet.locator("[data-fault-assets] option")).to_have_count(8)
    sheet.locator("[data-fault-assets]").select_option(label="ATM 1")
    sheet.locator("[name=symptom]").fill("Card stuck")
    sheet.locator("button[type=submit]").click()
    strip = page.locator("[data-fault-strip]")
    expect(strip).to_contain_text("ATM 1 · Card stuck")
    strip.locator("a").click()
    fault = page.locator("[data-fault-list] .highlight")
    fault.locator("[name=reported_to]").fill("运维 王工")
    fault.locator("button[type=submit]").click()
    expect(fault).to_contain_text("Reported to maintenance · 运维 王工")
    page.locator("[data-fault-list] .highlight [data-fault-step=fixed]").click()
    expect(page.locator("[data-faults-status]")).to_have_text("No open faults.")
    page.evaluate("() => { location.hash = '#floor'; }")
    expect(strip).to_be_hidden()


def test_checks_screen_and_fault_sheet_have_no_serious_accessibility_violations(live_server, new_context, sign_in):
    _branch_id, username, password = own_branch(live_server, role="supervisor")
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, username, password)
    open_checks(page)
    expect(page.locator("[data-template-lines] > li")).to_have_count(18)
    page.locator("[data-check-items] > li").first.locator("summary").click()
    assert serious(Axe().run(page)) == []
    page.click("[data-screen=checks] [data-open-fault]")
    expect(page.locator("[data-fault-dialog]")).to_be_visible()
    assert serious(Axe().run(page)) == []


def test_what_to_bring_in_the_arrival_sheet_on_the_board_and_in_forms_checked(live_server, shell):
    """The arrival sheet shows the business's guide; the row keeps it; care's "forms checked" records the
    lines the customer had (a green-channel customer's task, due at once)."""
    number = ticket()
    shell.click("[data-open-arrival]")
    shell.fill("#arrival-ticket", number)
    shell.click("[data-arrival-dialog] .business label:has-text('Account opening')")
    guide = shell.locator("[data-arrival-guide]")
    expect(guide).to_contain_text("ID card (the original, still valid)")
    expect(guide).to_contain_text("Form Account opening application")
    shell.click("[data-arrival-dialog] label:has-text('Elderly')")
    shell.click("[data-arrival-submit]")
    row = shell.locator(f".visit:has(.ticket:text-is('{number}'))")
    row.locator(".visit-guide summary").click()
    expect(row.locator(".visit-guide")).to_contain_text("Bring: A mobile phone number in the customer's own name")
    wait_until(shell, SYNCED)
    expect(row).to_have_attribute("data-care-task", re.compile("green_channel"))
    row.locator("[data-action=care]").click()
    sheet = shell.locator("[data-care-dialog]")
    sheet.locator("label:has-text('Forms and documents checked')").click()
    sheet.locator("[data-care-guide] label:has-text('ID card (the original')").click()
    sheet.locator("[data-care-done]").click()
    wait_until(shell, SYNCED)
    with live_server.app.app_context():
        task = db.session.scalar(
            select(CareTask).join(Visit).where(Visit.ticket == number, CareTask.kind == "green_channel")
        )
        assert task.status.value == "done" and task.checked == ["id_card"]
