"""PII key rotation, the worker's part: rows made with an older key are re-encrypted and re-indexed with the
current one, a batch at a time, while search keeps working (look-ups try every configured key).

A card number is never stored, only its index: a card recorded under an old key stays findable by its full
number while that key is in LOBBYPAD_PII_KEYS_PREVIOUS, and by its last four digits always.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from server.branches.models import Branch
from server.common.vault import vault
from server.customers.models import Customer
from server.extensions import db

BATCH = 500


def rekey_batch(now: datetime) -> int:
    """Move up to BATCH customers (and any branch secret) to the current key; how many rows changed."""
    secret = vault()
    if len(secret.keys) == 1 and not _legacy_left():
        return 0
    rows = db.session.scalars(
        select(Customer)
        .where(or_(Customer.pii_key_id.is_(None), Customer.pii_key_id != secret.key_id))
        .where(or_(Customer.phone_cipher.is_not(None), Customer.id_number_cipher.is_not(None)))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    for customer in rows:
        for field in ("phone", "id_number"):
            cipher = getattr(customer, f"{field}_cipher")
            if cipher:
                value = secret.decrypt(field, cipher)
                setattr(customer, f"{field}_cipher", secret.encrypt(field, value))
                setattr(customer, f"{field}_index", secret.blind_index(field, value))
        customer.pii_key_id = secret.key_id
    for branch in db.session.scalars(select(Branch)):
        for field in ("queue_secret", "wecom_webhook"):
            cipher = getattr(branch, f"{field}_cipher")
            if cipher and not secret.is_current(cipher):
                setattr(branch, f"{field}_cipher", secret.encrypt(field, secret.decrypt(field, cipher)))
    return len(rows)


def _legacy_left() -> bool:
    """Rows from before keys had ids, under the one key there is: worth one pass to name their key."""
    return (
        db.session.scalar(
            select(Customer.id)
            .where(
                Customer.pii_key_id.is_(None),
                or_(Customer.phone_cipher.is_not(None), Customer.id_number_cipher.is_not(None)),
            )
            .limit(1)
        )
        is not None
    )
