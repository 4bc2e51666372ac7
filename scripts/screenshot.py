"""Takes the README's phone screenshots from a running app (make run): python scripts/screenshot.py [URL]."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
OUT = Path(__file__).resolve().parent.parent / "docs"


def phone(browser, locale: str, username: str, password: str):
    """A 390 × 844 phone signed in as a demo user (make run prints the logins)."""
    context = browser.new_context(
        base_url=BASE, viewport={"width": 390, "height": 844}, locale=locale, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
    return context, page


with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=["--disable-background-networking", "--disable-component-update"],
    )
    for locale, name in (("zh-CN", "phone-zh.png"), ("en-US", "phone-en.png")):
        context, page = phone(browser, locale, "lobby", "lobby-demo-2026")
        if page.locator("[data-shift-card]").is_visible():  # the start of the shift: on duty, then to work
            if page.locator("[data-shift-card] [data-shift-duty]").is_visible():
                page.click("[data-shift-card] [data-shift-duty]")
            page.click("[data-shift-card] [data-shift-later]")
            page.wait_for_function("async () => (await LobbypadOutbox.pending()).length === 0")
            page.reload()
            page.wait_for_selector("body[data-ready=true]")
        if locale == "zh-CN":  # the floor board, the lobby manager's home
            page.wait_for_selector("[data-board] .visit")
        else:  # a customer card, found by pinyin initials (the search box's own example)
            page.click("[data-tab=customers]")
            page.fill("[data-search-form] input", "lxs")
            page.click("[data-results] li a:has-text('李小山')")
            page.wait_for_selector("[data-customer-card] .greeting")
        page.screenshot(path=str(OUT / name))
        if locale == "zh-CN":  # the complaint on site, its clocks counting down
            page.goto("/#complaints")
            page.click("[data-complaint-list] .complaint a:has-text('排队太久')")
            page.wait_for_selector("[data-complaint-body] .complaint-clocks")
            page.screenshot(path=str(OUT / "phone-complaint-zh.png"))
            # This morning's checklist, with ATM 2 out of cash and reported
            page.goto("/#checks")
            page.click("[data-phase=before_opening]")
            page.wait_for_selector("[data-check-items] [data-result=fault]")
            page.screenshot(path=str(OUT / "phone-checks-zh.png"))
        context.close()
    # The supervisor's performance board this month: figures against targets, then the charts.
    context, page = phone(browser, "zh-CN", "supervisor", "supervisor-demo-2026")
    page.goto("/#board")
    page.click("[data-period=month]")
    page.wait_for_selector("[data-perf-table] tbody tr")
    page.wait_for_function("() => document.querySelectorAll('.chart svg').length === 4")
    page.screenshot(path=str(OUT / "phone-board-zh.png"))
    context.close()
    browser.close()
