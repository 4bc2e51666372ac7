"""Every kind of record the app writes through the outbox has a name in the Sync panel (not its code)."""

from __future__ import annotations

import re
from pathlib import Path

from server.shell.messages import JS_MESSAGES

STATIC = Path(__file__).resolve().parents[2] / "static" / "js"


def written_kinds() -> set[str]:
    kinds = set()
    for source in STATIC.rglob("*.js"):
        text = source.read_text(encoding="utf-8")
        kinds |= set(re.findall(r'write\("([a-z_.]+)"', text))
        kinds |= set(re.findall(r'kind: "([a-z_.]+)", method', text))
        if "write(`referral.${path}`" in text:  # the steps of a referral: step(referral, "accept", …)
            kinds |= {f"referral.{path}" for path in re.findall(r'step\(referral, "([a-z_]+)"', text)}
    return kinds


def test_every_written_kind_has_a_name():
    kinds = written_kinds()
    assert {"visit.create", "care.take", "referral.accept", "referral.decline"} <= kinds  # the scan finds them
    assert sorted(k for k in kinds if f"record.{k}" not in JS_MESSAGES) == []
