"""The app shell in a real browser: sign-in on a phone, both languages, service worker, installability."""

from __future__ import annotations

import json

from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from tests.helpers import wait_until


def test_lobby_manager_signs_in_and_sees_the_tab_bar_in_english(shell):
    assert shell.locator("html").get_attribute("lang") == "en"
    labels = shell.locator(".tabbar .tab-label").all_inner_texts()
    assert labels == ["Floor", "Customers", "Referrals", "Tasks", "Complaints", "More"]
    assert shell.locator("[data-screen=floor]").is_visible()
    shell.click("[data-tab=more]")
    expect(shell.locator("[data-screen=more]")).to_be_visible()  # the tab switches on hashchange, a task later
    expect(shell.locator("[data-screen=floor]")).to_be_hidden()
    assert shell.locator("[data-tab=more]").get_attribute("aria-current") == "page"
    # the tab bar sits at the bottom of a 390×844 phone screen, within thumb reach
    box = shell.locator(".tabbar").bounding_box()
    assert box["y"] + box["height"] == 844 and box["width"] == 390


def test_chinese_phone_gets_the_chinese_shell(new_context, staff, sign_in):
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, *staff)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".tabbar .tab-label").all_inner_texts() == ["大堂", "客户", "推荐", "任务", "投诉", "更多"]
    assert page.locator("[data-sync-status]").inner_text() == "已全部保存"


def test_language_switch_in_the_app_is_remembered(live_server, shell, staff):
    shell.click("[data-tab=more]")
    with shell.expect_navigation():
        shell.click("[data-set-locale=zh]")
    shell.wait_for_selector("body[data-ready=true]")
    assert shell.locator("html").get_attribute("lang") == "zh-CN"
    with live_server.app.app_context():
        assert db.session.scalar(select(User.preferred_locale).where(User.username == staff[0])) == "zh"


def test_service_worker_controls_the_page_with_a_versioned_cache(shell):
    caches = shell.evaluate("caches.keys()")
    assert any(name.startswith("lobbypad-static-") for name in caches)
    scope = shell.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/") and scope.count("/") == 3


def test_the_app_is_installable(persistent_context, staff, sign_in):
    """Chromium's own installability check finds nothing missing (manifest, icons, service worker)."""
    page = persistent_context.new_page()
    sign_in(page, *staff)
    cdp = persistent_context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert json.loads(manifest["data"])["display"] == "standalone"


def test_offline_reload_still_shows_the_shell(shell):
    wait_until(shell, "Boolean(await (await caches.open('lobbypad-pages')).match(location.origin + '/'))")
    shell.context.set_offline(True)
    response = shell.reload()
    assert response.from_service_worker
    shell.wait_for_selector("body[data-ready=true]")
    assert shell.locator(".tabbar .tab").count() == 6
    assert shell.locator("[data-net-status]").inner_text().startswith("Offline")
    shell.goto("/some-page-never-visited")
    assert shell.locator("h1[lang=en]").inner_text() == "You are offline"
