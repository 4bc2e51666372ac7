"""Finding 3 of the security review: no log line of any process holds a phone, ID or card number. The real
servers are started and their real log output read."""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from server.common.logmask import install_log_masking, mask_numbers

PHONE, ID_NUMBER, CARD = "13912345678", "11010519491231002X", "6222020200112345679"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.1)  # not listening yet: nothing else to wait on but the port
    raise AssertionError("the server did not start")


@pytest.mark.parametrize("server", ["flask", "gunicorn"])
def test_the_access_log_of_the_real_servers_masks_numbers(tmp_path, server):
    port = free_port()
    env = {
        **os.environ,
        "LOBBYPAD_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite'}",
        "PYTHONUNBUFFERED": "1",
    }
    command = {
        "flask": [str(BIN / "flask"), "--app", "server", "run", "--port", str(port)],
        "gunicorn": [str(BIN / "gunicorn"), "-b", f"127.0.0.1:{port}", "--access-logfile", "-", "server:create_app()"],
    }[server]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _get_until_up(f"{base}/healthz", process)
        for query in (PHONE, ID_NUMBER, CARD, "+86" + PHONE):
            try:
                urllib.request.urlopen(f"{base}/api/v1/customers?q={urllib.request.quote(query)}", timeout=5)
            except urllib.error.HTTPError as e:
                assert e.code == 401
        marker = "/end-of-test-marker"
        try:
            urllib.request.urlopen(base + marker, timeout=5)
        except urllib.error.HTTPError:
            pass
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert marker in output, output  # the log was really read
    assert "139****5678" in output
    for number in (PHONE, ID_NUMBER, CARD):
        assert number not in output


def test_tracebacks_and_worker_lines_are_masked(app):
    install_log_masking()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("server.worker")
    logger.addHandler(handler)
    try:
        logger.warning("push to %s failed", PHONE)
        try:
            raise ValueError(f"bad card {CARD} of {ID_NUMBER}")
        except ValueError:
            logger.exception("unhandled error")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "139****5678" in text and "6222****5679" in text and "ValueError" in text
    assert PHONE not in text and CARD not in text and ID_NUMBER not in text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("q=13912345678&x", "q=139****5678&x"),
        ("6222 0202 0011 2345", "6222****2345"),
        ("2026-12-02 00:33:12 visit 3f3b1f11-5d00", "2026-12-02 00:33:12 visit 3f3b1f11-5d00"),
        ("ticket A0501 took 139 ms", "ticket A0501 took 139 ms"),
    ],
)
def test_only_numbers_are_masked(text, expected):
    assert mask_numbers(text) == expected
