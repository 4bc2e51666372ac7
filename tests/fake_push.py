"""A push service on 127.0.0.1 that does what a browser vendor's does, and checks what a real one checks.

It verifies the VAPID Authorization header (ES256 JWT signed by the server's key: `aud` the endpoint's
origin, `exp` at most 24 h ahead, `sub` a mailto: or https: URL), decrypts the body with `http_ece` using
the key pair a test generated for the device (as a browser would), and records what arrived. It answers
what the test scripted: 201 by default, or 410, 429 with Retry-After, 500, or hangs.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Device:
    """A browser's side of a subscription: the endpoint and the keys only the device knows."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    def subscription(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass
class Received:
    device: str  # the endpoint's last path segment
    payload: dict
    headers: dict
    claims: dict


@dataclass
class Answer:
    status: int = 201
    headers: dict = field(default_factory=dict)
    hang_seconds: float = 0.0


class FakePushService:
    def __init__(self, application_server_key: str, verify: bool = True):
        self.application_server_key = application_server_key
        self.verify = verify  # benchmarks of the sender switch the (costly) checks off
        self.devices: dict[str, Device] = {}
        self.received: list[Received] = []
        self.rejected: list[str] = []  # requests that failed verification: must stay empty
        self.arrivals: list[float] = []  # perf_counter() of each accepted request (benchmarks)
        self.script: deque[Answer] = deque()
        self.requests = 0
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def new_device(self, name: str) -> Device:
        device = Device(f"{self.origin}/push/{name}", ec.generate_private_key(ec.SECP256R1()), b"0123456789abcdef")
        self.devices[name] = device
        return device

    def answer_next(self, *answers: Answer) -> None:
        self.script.extend(answers)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.received) >= count or self.rejected, timeout)
        assert not self.rejected, self.rejected
        return list(self.received)

    def of(self, name: str) -> list[dict]:
        return [r.payload for r in self.received if r.device == name]

    def _verify_and_decrypt(self, name: str, headers: dict, body: bytes) -> Received:
        scheme, _, params = headers["authorization"].partition(" ")
        assert scheme == "vapid", scheme
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        assert values["k"] == self.application_server_key, "signed with another key"
        point = base64.urlsafe_b64decode(values["k"] + "=" * (-len(values["k"]) % 4))
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        # The webpush package signs the origin without its port (real push services are on 443).
        claims = jwt.decode(
            values["t"], public_key, algorithms=["ES256"], audience=[self.origin, self.origin.rsplit(":", 1)[0]]
        )
        assert claims["exp"] <= time.time() + 24 * 3600, "exp more than 24 h ahead"
        assert claims["sub"].startswith(("mailto:", "https:")), claims["sub"]
        assert headers["content-encoding"] == "aes128gcm"
        assert int(headers["ttl"]) > 0, "a TTL of 0 drops the message when the phone is asleep"
        assert len(body) <= 4096
        device = self.devices[name]
        plain = http_ece.decrypt(body, private_key=device.private_key, auth_secret=device.auth, version="aes128gcm")
        return Received(name, json.loads(plain), headers, claims)

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                name = self.path.rsplit("/", 1)[-1]
                with service._changed:
                    service.requests += 1
                    answer = service.script.popleft() if service.script else Answer()
                if answer.hang_seconds:
                    time.sleep(answer.hang_seconds)
                if answer.status == 201 and not service.verify:
                    with service._changed:
                        service.received.append(Received(name, {}, {}, {}))
                        service.arrivals.append(time.perf_counter())
                        service._changed.notify_all()
                elif answer.status == 201:
                    try:
                        received = service._verify_and_decrypt(
                            name, {k.lower(): v for k, v in self.headers.items()}, body
                        )
                    except Exception as error:  # noqa: BLE001 (recorded, and fails the test in wait_for)
                        with service._changed:
                            service.rejected.append(f"{type(error).__name__}: {error}")
                            service._changed.notify_all()
                        self.send_response(400)
                        self.end_headers()
                        return
                    with service._changed:
                        service.received.append(received)
                        service.arrivals.append(time.perf_counter())
                        service._changed.notify_all()
                try:
                    self.send_response(answer.status)
                    for key, value in answer.headers.items():
                        self.send_header(key, value)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the client gave up (a hang past its timeout)

            def log_message(self, *args):
                pass

        return Handler
