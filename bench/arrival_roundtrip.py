"""Benchmark: log arrival, from the tap on "Log" to the row on the board, in Chromium on loopback.

    .venv/bin/python bench/arrival_roundtrip.py [--runs 50]

Starts the app on a local port (SQLite file), signs in a lobby manager on a 390×844 phone viewport in
Debian's Chromium, and logs `--runs` arrivals through the real sheet. Each run is timed inside the page
from the submit click: "shown" when the row is on the board (from the outbox, before the server answers)
and "confirmed" when the server's answer has replaced it (no "not synced yet" badge). Target: < 300 ms.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from server import create_app
from server.auth import service as accounts
from server.branches import service as branches
from server.config import TestConfig
from server.extensions import db

MEASURE = """(ticket) => new Promise((resolve) => {
  const board = document.querySelector('[data-board]');
  const started = performance.now();
  let shown = null;
  const check = () => {
    const row = [...board.querySelectorAll('.visit')].find((li) => li.querySelector('.ticket').textContent === ticket);
    if (row && shown === null) shown = performance.now() - started;
    if (row && !row.querySelector('.badge-unsynced')) {
      observer.disconnect();
      resolve({ shown, confirmed: performance.now() - started });
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(board, { subtree: true, childList: true, attributes: true, characterData: true });
  document.querySelector('[data-arrival-submit]').click();
})"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lobbypad-bench-"))
    app = create_app(TestConfig(f"sqlite:///{tmp / 'rt.sqlite'}", instance_path=tmp / "instance"))
    with app.app_context():
        db.create_all()
        branch = branches.create_branch("RT", "Round trip")
        accounts.create_user(
            username="bench", display_name="RT", role="lobby_manager", branch=branch, password="bench-password-1"
        )
        db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would drown the table
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    shown, confirmed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--disable-background-networking"])
        page = browser.new_context(
            base_url=f"http://127.0.0.1:{server.server_port}",
            viewport={"width": 390, "height": 844},
            locale="en-US",
            is_mobile=True,
            has_touch=True,
        ).new_page()
        page.goto("/login")
        page.fill("#username", "bench")
        page.fill("#password", "bench-password-1")
        page.click("button[type=submit]")
        page.wait_for_selector("body[data-ready=true]")
        for n in range(args.runs + 3):
            ticket = f"R{n:03d}"
            page.click("[data-open-arrival]")
            page.fill("#arrival-ticket", ticket)
            page.click("[data-arrival-dialog] .business label:has-text('Withdrawal')")
            page.fill("#arrival-amount", "8000")
            timing = page.evaluate(MEASURE, ticket)
            if n >= 3:  # the first runs warm caches
                shown.append(timing["shown"])
                confirmed.append(timing["confirmed"])
        browser.close()
    server.shutdown()
    print(
        f"| log arrival, row shown on the board | {percentile(shown, 50):.0f} | {percentile(shown, 95):.0f} | {max(shown):.0f} |"
    )
    print(
        f"| log arrival, confirmed by the server | {percentile(confirmed, 50):.0f} | {percentile(confirmed, 95):.0f} | "
        f"{max(confirmed):.0f} |"
    )


if __name__ == "__main__":
    main()
