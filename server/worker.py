"""The background worker: delivers the notification outbox and runs the timed sweeps.

Two cadences: the outbox every OUTBOX_POLL_SECONDS (a push must reach a phone within seconds), the sweeps
(referral escalation, waiting-time care and escorts, complaint deadlines, retention) every SWEEP_SECONDS. Each step runs
in its own transaction; one failing step neither stops the others nor the worker. Several workers may run.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import Flask

from server.auth.sessions import prune_sign_ins
from server.care.scheduling import sweep as care_sweep
from server.checks.reminders import sweep as checks_sweep
from server.common.clock import utcnow
from server.complaints.clocks import sweep as complaint_sweep
from server.customers.rekey import rekey_batch
from server.customers.rights import anonymise_expired
from server.extensions import db
from server.notifications.sender import deliver_due
from server.referrals.service import escalate_due

log = logging.getLogger(__name__)

Sweep = Callable[[datetime], int]


class Hourly:
    """A sweep that has nothing to do more often than hourly (retention): skipped in between, per process."""

    def __init__(self, sweep: Sweep) -> None:
        self.sweep: Sweep = sweep
        self.last: datetime | None = None

    def __call__(self, now: datetime) -> int:
        if self.last is not None and now - self.last < timedelta(hours=1):
            return 0
        self.last = now
        return self.sweep(now)


# Name → sweep (a function of the current time, returning how many records it acted on).
SWEEPS: dict[str, Sweep] = {
    "referral_escalation": escalate_due,
    "care": care_sweep,
    "complaint_deadlines": complaint_sweep,
    "checks": checks_sweep,
    "retention": Hourly(anonymise_expired),
    "pii_rekey": rekey_batch,
    "sign_ins": Hourly(prune_sign_ins),
}


@contextmanager
def no_collection_inside():
    """Python's full garbage collection walks every object of the app (~100 ms here, measured in
    bench/care_sweep.py); inside a sweep it holds the sweep's row locks that much longer. Cycles are
    collected after the transaction instead (reference counting frees the rest as usual)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_sweeps_once(app: Flask, now: datetime | None = None) -> dict[str, int]:
    """Run every sweep once, at `now` (tests pass their own clock)."""
    done = {}
    with app.app_context():
        for name, sweep in SWEEPS.items():
            try:
                with no_collection_inside():
                    done[name] = sweep(now or utcnow())
                    db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("sweep %s failed", name)
        db.session.remove()
    return done


def deliver_once(app: Flask) -> int:
    """One round of the outbox: claim, send, record (see server/notifications/sender.py)."""
    with app.app_context():
        try:
            return deliver_due()
        except Exception:
            db.session.rollback()
            log.exception("outbox delivery failed")
            return 0
        finally:
            db.session.remove()


def run_forever(app: Flask, stop: threading.Event) -> None:
    poll, interval = app.config["OUTBOX_POLL_SECONDS"], app.config["SWEEP_SECONDS"]
    log.info("worker started: outbox every %.1f s, %d sweeps every %.0f s", poll, len(SWEEPS), interval)
    next_sweep = 0.0
    while not stop.is_set():
        if time.monotonic() >= next_sweep:
            run_sweeps_once(app)
            next_sweep = time.monotonic() + interval
        if deliver_once(app) == 0:  # a full batch: go straight on with the next one
            stop.wait(poll)
    log.info("worker stopped")
