"""Benchmark: 500 records queued offline on the phone, synced after reconnecting, in Chromium on loopback.

    .venv/bin/python bench/offline_sync.py [--records 500]

Starts the app on a local port (SQLite file), signs a lobby manager in on a 390×844 phone viewport in
Debian's Chromium, goes offline, and queues `--records` mixed records through the outbox (arrivals, a care
step on half of them, work-log notes). Then it reconnects and times, from the moment the network is back,
until the outbox is empty; the server must then hold every record exactly once. Twice: with batches
(POST /api/v1/sync, 50 records a request) and with the batch endpoint answering 404, which makes the outbox
send one record per request, as a server without batches would. Target: < 10 s.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

from server import create_app
from server.auth import service as accounts
from server.branches import service as branches
from server.config import TestConfig
from server.extensions import db
from server.floor.models import Visit, VisitEvent
from server.worklog.models import WorkLogEntry
from tests.helpers import wait_until

QUEUE = """async ({ records, prefix }) => {
  const Outbox = self.LobbypadOutbox;
  let made = 0, n = 0;
  while (made < records) {
    const id = Outbox.uuid();
    const ticket = `${prefix}${String(n).padStart(3, "0")}`;
    await Outbox.enqueue({ id, kind: "visit.create", url: "/api/v1/visits",
      body: { id, ticket, business_type: "deposit", arrived_at: new Date().toISOString() } });
    made += 1;
    if (made < records && n % 2 === 0) {
      const step = Outbox.uuid();
      await Outbox.enqueue({ id: step, kind: "visit.event", url: `/api/v1/visits/${id}/events`,
        body: { id: step, type: "care", note: "water", occurred_at: new Date().toISOString() } });
      made += 1;
    }
    if (made < records && n % 2 === 1) {
      const note = Outbox.uuid();
      await Outbox.enqueue({ id: note, kind: "worklog.entry", url: "/api/v1/worklog/entries",
        body: { id: note, body: `note ${ticket}` } });
      made += 1;
    }
    n += 1;
  }
  return (await Outbox.pending()).length;
}"""


def counts(app) -> int:
    with app.app_context():
        return sum(
            db.session.scalar(select(func.count()).select_from(model)) for model in (Visit, VisitEvent, WorkLogEntry)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lobbypad-bench-"))
    app = create_app(TestConfig(f"sqlite:///{tmp / 'sync.sqlite'}", instance_path=tmp / "instance"))
    with app.app_context():
        db.create_all()
        branch = branches.create_branch("SYNC", "Sync bench")
        accounts.create_user(
            username="bench", display_name="Sync", role="lobby_manager", branch=branch, password="bench-password-1"
        )
        db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--disable-background-networking"])
        for label, prefix in (("batched, POST /api/v1/sync", "B"), ("one request per record", "S")):
            context = browser.new_context(
                base_url=f"http://127.0.0.1:{server.server_port}",
                viewport={"width": 390, "height": 844},
                locale="en-US",
                is_mobile=True,
                has_touch=True,
                service_workers="block",
            )
            if prefix == "S":
                context.route("**/api/v1/sync", lambda route: route.fulfill(status=404, body="{}"))
            page = context.new_page()
            page.goto("/login")
            page.fill("#username", "bench")
            page.fill("#password", "bench-password-1")
            page.click("button[type=submit]")
            page.wait_for_selector("body[data-ready=true]")
            before = counts(app)
            context.set_offline(True)
            queued = page.evaluate(QUEUE, {"records": args.records, "prefix": prefix})
            start = time.perf_counter()
            context.set_offline(False)
            wait_until(page, "(await LobbypadOutbox.pending()).length === 0", timeout_ms=120_000)
            elapsed = time.perf_counter() - start
            stored = counts(app) - before
            rejected = page.evaluate("() => LobbypadOutbox.rejected().then((r) => r.length)")
            print(f"| {label} | {queued} | {elapsed:.2f} s | {stored} stored, {rejected} rejected |")
            if rejected:
                print(
                    page.evaluate(
                        "() => LobbypadOutbox.rejected().then((r) => r.map((x) => [x.kind, x.status, x.error]))"
                    )
                )
            assert stored == queued and rejected == 0, "every record exactly once"
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
