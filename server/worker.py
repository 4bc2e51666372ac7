"""The background worker: runs the timed sweeps of every feature at a fixed interval.

Features register a sweep (a function taking the current time) with `register_sweep`; the notification
outbox, waiting-time care and referral escalation plug in here. Each sweep runs in its own transaction.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from flask import Flask

from server.common.clock import utcnow
from server.extensions import db

log = logging.getLogger(__name__)

Sweep = Callable[[datetime], int]
SWEEPS: dict[str, Sweep] = {}


def register_sweep(name: str, sweep: Sweep) -> None:
    SWEEPS[name] = sweep


def run_sweeps_once(app: Flask) -> dict[str, int]:
    """Run every registered sweep once; one failing sweep neither stops the others nor the worker."""
    done = {}
    with app.app_context():
        for name, sweep in SWEEPS.items():
            try:
                done[name] = sweep(utcnow())
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("sweep %s failed", name)
        db.session.remove()
    return done


def run_forever(app: Flask, stop: threading.Event) -> None:
    interval = app.config["SWEEP_SECONDS"]
    log.info("worker started: %d sweeps every %.0f s", len(SWEEPS), interval)
    while not stop.is_set():
        run_sweeps_once(app)
        stop.wait(interval)
    log.info("worker stopped")
