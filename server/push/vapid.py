"""The server's VAPID key pair (RFC 8292): from the environment, else generated once into instance/."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush.vapid import VAPID

PRIVATE_KEY_FILE = "vapid_private.pem"


@dataclass(frozen=True)
class VapidKeys:
    private_pem: bytes
    public_pem: bytes
    application_server_key: str  # base64url of the uncompressed P-256 point, for pushManager.subscribe()


def load_vapid_keys(private_pem: str | None, instance_path: Path) -> VapidKeys:
    pem = private_pem.encode() if private_pem else _instance_key(instance_path)
    private_key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private_key, ec.EllipticCurvePrivateKey) or private_key.curve.name != "secp256r1":
        raise RuntimeError("the VAPID private key must be a P-256 (prime256v1) EC key")
    public_key = private_key.public_key()
    return VapidKeys(
        private_pem=pem,
        public_pem=public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        application_server_key=VAPID.get_application_server_key(public_key),
    )


def _instance_key(instance_path: Path) -> bytes:
    """Generated on first use with mode 0600; every later start (and every worker) reads the same key."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / PRIVATE_KEY_FILE
    if not path.exists():
        private_pem, _public_pem, _ = VAPID.generate_keys()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: use its key
            return path.read_bytes()
        with os.fdopen(fd, "wb") as f:
            f.write(private_pem)
    return path.read_bytes()
