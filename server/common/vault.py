"""Encryption and blind indexes for personal numbers (phone, national ID, card) and branch secrets.

Each master secret (LOBBYPAD_PII_KEY, else generated once into instance/) gives two keys through HKDF: an
AES-256-GCM key for the copy that may be revealed, and an HMAC-SHA256 key for exact look-up without storing
the number. The field name is bound into both, so a phone cipher or hash can never stand in for an ID number.

Rotation: a new LOBBYPAD_PII_KEY with the old ones in LOBBYPAD_PII_KEYS_PREVIOUS. Ciphers name their key
(its id), look-ups try every key, and the worker re-encrypts and re-indexes old rows in batches
(server/customers/rekey.py); once no row names an old key it may be dropped.
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

LEGACY = "v1"  # ciphers made before keys had ids: by the first key, whichever it now is


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lobbypad " + purpose).derive(secret)


class _Key:
    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise RuntimeError("the PII key must be at least 32 characters")
        master = secret.encode()
        self.aead = AESGCM(_derive(master, b"pii encryption v1"))
        self.index_key = _derive(master, b"pii blind index v1")
        self.id = "k" + hashlib.sha256(_derive(master, b"pii key id")).hexdigest()[:8]

    def index(self, field: str, normalized: str) -> str:
        return hmac.new(self.index_key, f"{field}:{normalized}".encode(), hashlib.sha256).hexdigest()


class Vault:
    def __init__(self, secret: str, previous: tuple[str, ...] = ()) -> None:
        self.current = _Key(secret)
        self.keys = [self.current, *(_Key(s) for s in previous)]
        self._by_id = {key.id: key for key in self.keys}

    @property
    def key_id(self) -> str:
        return self.current.id

    def encrypt(self, field: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self.current.aead.encrypt(nonce, value.encode(), field.encode())
        return f"{self.current.id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, field: str, token: str) -> str:
        key_id, _, body = token.partition(".")
        raw = base64.urlsafe_b64decode(body)
        candidates = self.keys if key_id == LEGACY else [self._by_id[key_id]] if key_id in self._by_id else []
        if not candidates:
            raise ValueError(f"the key {key_id!r} is not configured (LOBBYPAD_PII_KEYS_PREVIOUS)")
        for key in candidates:
            try:
                return key.aead.decrypt(raw[:12], raw[12:], field.encode()).decode()
            except InvalidTag:
                continue
        raise ValueError("the stored value does not decrypt with the configured keys")

    def is_current(self, token: str) -> bool:
        return token.partition(".")[0] == self.current.id

    def blind_index(self, field: str, normalized: str) -> str:
        """The index new rows get: the current key's."""
        return self.current.index(field, normalized)

    def blind_indexes(self, field: str, normalized: str) -> list[str]:
        """Every index the value may be stored under while a rotation is under way (current key first)."""
        return [key.index(field, normalized) for key in self.keys]


def vault() -> Vault:
    return current_app.extensions["lobbypad.vault"]
