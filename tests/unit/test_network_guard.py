"""The guard of tests/network_guard.py refuses anything beyond loopback before it is sent."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests import network_guard


@pytest.fixture
def nothing_sent(monkeypatch):
    """The real connect and look-up are replaced by recorders: even a broken guard sends nothing here."""
    sent, before = [], len(network_guard.attempts)
    monkeypatch.setattr(network_guard, "_real_connect", lambda sock, address: sent.append(address))
    monkeypatch.setattr(network_guard, "_real_getaddrinfo", lambda host, *a, **k: sent.append(host) or [])
    yield sent
    del network_guard.attempts[before:]  # this test's attempts were on purpose


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost", None])
def test_loopback_is_allowed(host):
    assert network_guard.is_loopback(host)


@pytest.mark.parametrize("host", ["192.0.2.1", "10.0.0.1", "172.16.0.1", "2001:db8::1", "example.com", "0.0.0.0"])
def test_anything_else_is_not(host):
    assert not network_guard.is_loopback(host)


def test_a_connection_beyond_loopback_is_refused_before_it_is_made(nothing_sent):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with sock, pytest.raises(network_guard.NonLoopbackConnection, match="192.0.2.1:443"):
        sock.connect(("192.0.2.1", 443))
    assert nothing_sent == [] and network_guard.attempts[-1] == "192.0.2.1:443"


def test_an_http_request_by_name_is_refused_at_the_look_up(nothing_sent):
    with pytest.raises(httpx.ConnectError, match="only loopback"):
        httpx.get("https://push.example.com/send", timeout=1)
    assert nothing_sent == [] and network_guard.attempts[-1] == "the name 'push.example.com'"
