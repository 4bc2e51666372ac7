"""The outbox's rules (order, batches, dependencies, offline, sign-out, resend) in Node, without a browser.

The JavaScript tests are tests/js/*.test.mjs (node:test); this runs them as part of the suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS_TESTS = Path(__file__).resolve().parent.parent / "js"


def test_outbox_rules_in_node():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is missing: apt-get install nodejs")
        pytest.skip("Node.js is not installed (apt-get install nodejs)")
    result = subprocess.run(
        [node, "--test", *sorted(str(p) for p in JS_TESTS.glob("*.test.mjs"))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout
