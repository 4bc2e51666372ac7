"""Encryption and blind indexes for personal numbers (phone, national ID, card).

One master secret (LOBBYPAD_PII_KEY, else generated once into instance/) gives two keys through HKDF:
an AES-256-GCM key for the copy that may be revealed, and an HMAC-SHA256 key for exact look-up
without storing the number. The field name is bound into both, so a phone cipher or hash can never
stand in for an ID number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

VERSION = "v1"


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lobbypad " + purpose).derive(secret)


class Vault:
    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise RuntimeError("the PII key must be at least 32 characters")
        master = secret.encode()
        self._aead = AESGCM(_derive(master, b"pii encryption v1"))
        self._index_key = _derive(master, b"pii blind index v1")

    def encrypt(self, field: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), field.encode())
        return f"{VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, field: str, token: str) -> str:
        version, _, body = token.partition(".")
        if version != VERSION:
            raise ValueError(f"unknown cipher version {version!r}")
        raw = base64.urlsafe_b64decode(body)
        try:
            return self._aead.decrypt(raw[:12], raw[12:], field.encode()).decode()
        except InvalidTag:
            raise ValueError("the stored value does not decrypt with this key") from None

    def blind_index(self, field: str, normalized: str) -> str:
        return hmac.new(self._index_key, f"{field}:{normalized}".encode(), hashlib.sha256).hexdigest()


def vault() -> Vault:
    return current_app.extensions["lobbypad.vault"]
