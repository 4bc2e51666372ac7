"""Benchmark: a checklist run of 40 items ticked offline on the phone, in Chromium on loopback.

    .venv/bin/python bench/checks_offline.py [--items 40] [--runs 5]

Starts the app on a local port (SQLite file), gives the branch a 40-line before-opening checklist (a
supervisor's edit), signs a lobby manager in on a 390×844 phone viewport in Debian's Chromium, opens the
checks screen and goes offline. Then it taps "OK" on every line, as a user would, and times from the first tap
until all 40 ticks are in the outbox (IndexedDB) and every line says "saved on this phone". Target: the
whole run saved offline in < 1 s. Then it reconnects and checks the server holds 40 ticks, once each.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

from server import create_app
from server.auth import service as accounts
from server.branches import service as branches
from server.checks import runs
from server.checks.models import CheckTick
from server.checks.schemas import TemplateIn
from server.config import TestConfig
from server.extensions import db
from tests.helpers import SYNCED, wait_until

TAP_ALL = """async () => {
  const start = performance.now();
  for (const button of document.querySelectorAll("[data-check-items] [data-tick=ok]")) button.click();
  return start;
}"""


# When every tick is in the outbox (IndexedDB) and the screen says so: the time the run is safe on the phone.
SAVED = """async (items) => {
  for (;;) {
    const ticks = (await LobbypadOutbox.pending()).filter((r) => r.kind === "check.tick").length;
    const shown = document.querySelectorAll("[data-check-items] .check-note.pending").length;
    if (ticks === items && shown === items) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lobbypad-bench-"))
    app = create_app(TestConfig(f"sqlite:///{tmp / 'checks.sqlite'}", instance_path=tmp / "instance"))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    lines = [{"text": f"Line {n + 1} is in order", "category": "materials"} for n in range(args.items)]
    timings = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--disable-background-networking"])
        for run in range(args.runs):
            code = f"CHK{run}"
            with app.app_context():
                db.create_all()
                branch = branches.create_branch(code, "Checks bench")
                supervisor = accounts.create_user(
                    username=f"boss{run}",
                    display_name="Boss",
                    role="supervisor",
                    branch=branch,
                    password="bench-password-1",
                )
                accounts.create_user(
                    username=f"lm{run}",
                    display_name="LM",
                    role="lobby_manager",
                    branch=branch,
                    password="bench-password-1",
                )
                runs.save_template(supervisor, "before_opening", TemplateIn.model_validate({"items": lines}))
                db.session.commit()
                branch_id = branch.id
            context = browser.new_context(
                base_url=f"http://127.0.0.1:{server.server_port}",
                viewport={"width": 390, "height": 844},
                locale="en-US",
                is_mobile=True,
                has_touch=True,
            )
            page = context.new_page()
            page.goto("/login")
            page.fill("#username", f"lm{run}")
            page.fill("#password", "bench-password-1")
            page.click("button[type=submit]")
            page.wait_for_selector("body[data-ready=true]")
            page.evaluate("() => { location.hash = '#checks'; }")
            page.locator("[data-phase=before_opening]").click()
            expect(page.locator("[data-check-items] > li")).to_have_count(args.items)
            context.set_offline(True)
            start = page.evaluate(TAP_ALL)
            done = page.evaluate(SAVED, args.items)
            timings.append(done - start)
            print(
                f"run {run + 1}: {args.items} ticks saved offline in {done - start:.0f} ms (in the outbox, on screen)"
            )
            context.set_offline(False)
            page.evaluate("() => window.dispatchEvent(new Event('online'))")
            wait_until(page, SYNCED, timeout_ms=60_000)
            with app.app_context():
                stored = db.session.scalar(
                    select(func.count(CheckTick.id)).where(CheckTick.run.has(branch_id=branch_id))
                )
            assert stored == args.items, f"{stored} ticks stored, {args.items} expected"
            context.close()
        browser.close()
    server.shutdown()
    timings.sort()
    print(f"median {timings[len(timings) // 2]:.0f} ms, worst {timings[-1]:.0f} ms (target < 1000 ms)")


if __name__ == "__main__":
    main()
