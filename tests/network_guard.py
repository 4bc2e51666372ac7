"""Tests talk to this machine only: any connection or name look-up beyond loopback fails the test loudly.

Real parts run here (PostgreSQL, a loopback push service, a fake WeCom robot); a test that reached for the
internet would pass or fail by chance, and send a customer's data who knows where. The guard refuses before
a packet leaves (the connect and the DNS look-up are both stopped) and records the attempt, so that even
code that swallows network errors (the notification sender retries them) cannot hide it.
"""

from __future__ import annotations

import ipaddress
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
attempts: list[str] = []


class NonLoopbackConnection(ConnectionRefusedError):
    """Raised instead of reaching beyond loopback (a ConnectionError, so callers see a refused connection)."""


def is_loopback(host: str | bytes | None) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local host
    name = host.decode() if isinstance(host, bytes) else host
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> NonLoopbackConnection:
    attempts.append(what)
    return NonLoopbackConnection(f"tests may reach only loopback addresses, not {what}")


def _checked(sock: socket.socket, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
        raise _refuse(f"{address[0]}:{address[1]}")


def _connect(self, address):
    _checked(self, address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _checked(self, address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    if not is_loopback(host):
        raise _refuse(f"the name {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo
