"""Every kind of record the app writes through the outbox is one of static/js/kinds.js and has a name in the
Sync panel (not its code)."""

from __future__ import annotations

import re
from pathlib import Path

from server.shell.messages import JS_MESSAGES

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static" / "js"


def declared_kinds() -> set[str]:
    return set(
        re.findall(r'^  [A-Z_]+: "([a-z_.]+)",$', (STATIC / "kinds.js").read_text(encoding="utf-8"), re.MULTILINE)
    )


def test_every_kind_of_record_has_a_name():
    kinds = declared_kinds()
    assert {"visit.create", "care.take", "referral.accept", "referral.decline"} <= kinds  # the scan finds them
    assert sorted(k for k in kinds if f"record.{k}" not in JS_MESSAGES) == []


def test_the_app_writes_only_declared_kinds():
    """A write names its kind with a constant, never a string of its own; the service worker (a classic script
    that cannot import kinds.js) writes only declared kinds."""
    kinds = declared_kinds()
    for source in STATIC.rglob("*.js"):
        text = source.read_text(encoding="utf-8")
        assert not re.findall(r'write\(\{\s*kind: ["`]', text), source.name
    worker = (ROOT / "service-worker.js").read_text(encoding="utf-8")
    assert set(re.findall(r'kind: "([a-z_.]+)", method', worker)) <= kinds
    assert re.findall(r'kind: "([a-z_.]+)", method', worker)  # the scan finds the notification's Accept
