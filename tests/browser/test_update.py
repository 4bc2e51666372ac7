"""A new deploy reaches the phone only when the user agrees: toast → SKIP_WAITING → one reload."""

from __future__ import annotations

import dataclasses

from server.pwa.views import shell_assets
from tests.helpers import wait_until

CACHE_NAMES = "() => caches.keys().then(k => k.filter(n => n.startsWith('lobbypad-static-')).sort())"


def test_new_version_waits_for_the_user_then_reloads_once(live_server, shell):
    with live_server.app.app_context():
        current = shell_assets()
    assert shell.evaluate(CACHE_NAMES) == [f"lobbypad-static-{current.version}"]
    assert not shell.locator("#update-toast").is_visible()

    live_server.app.extensions["lobbypad_shell_assets"] = dataclasses.replace(current, version="0123456789ab")
    try:
        shell.evaluate("() => navigator.serviceWorker.ready.then(r => r.update())")
        shell.wait_for_selector("#update-toast", state="visible")
        # Still the old worker in control: nothing changes under the user's finger until they agree.
        assert shell.evaluate("() => navigator.serviceWorker.getRegistration().then(r => Boolean(r.waiting))")
        with shell.expect_navigation():
            shell.click("[data-update-reload]")
        shell.wait_for_selector("body[data-ready=true]")
        wait_until(shell, f"!(await caches.keys()).includes('lobbypad-static-{current.version}')")
        assert shell.evaluate(CACHE_NAMES) == ["lobbypad-static-0123456789ab"]
        assert not shell.locator("#update-toast").is_visible()
    finally:
        live_server.app.extensions["lobbypad_shell_assets"] = current
