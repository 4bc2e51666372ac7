"""Password hashing with Argon2id (memory-hard)."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hasher(memory_kib: int) -> PasswordHasher:
    return PasswordHasher(memory_cost=memory_kib)


@cache
def _dummy_hash(memory_kib: int) -> str:
    # Verified against when the username is unknown, so both paths cost the same time.
    return _hasher(memory_kib).hash("lobbypad-timing-equaliser")


def _memory() -> int:
    return current_app.config["ARGON2_MEMORY_KIB"]


def hash_password(password: str) -> str:
    return _hasher(_memory()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True only for a real hash that matches; an unknown user still pays for one verification."""
    memory = _memory()
    try:
        return _hasher(memory).verify(password_hash or _dummy_hash(memory), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
